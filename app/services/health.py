"""Is the database reachable, and is its schema at the newest migration?"""

import logging

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger("trustmeter.health")


def database_ok(engine: Engine) -> tuple[bool, str]:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        log.warning("database check failed: %s", type(exc).__name__)
        return False, "unreachable"
    return True, "ok"


def schema_current(engine: Engine) -> tuple[bool, str]:
    # Alembic loads on first use: ~20 MB that a web worker only needs for /readyz.
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from app.migrations import alembic_config

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    try:
        with engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
    except SQLAlchemyError:
        return False, "database unreachable"
    if current != head:
        return False, f"at {current}, expected {head}"
    return True, "ok"
