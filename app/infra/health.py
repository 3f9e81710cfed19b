"""Is the database reachable, can this worker write, and is the schema at the newest migration?"""

import logging
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from app.infra.write_lock import STUCK_AFTER_SECONDS, sqlite_write_lock

if TYPE_CHECKING:
    from alembic.script import ScriptDirectory

log = logging.getLogger("trustmeter.health")


def writes_ok() -> tuple[bool, str]:
    """Can this worker write? Not when its SQLite write lock has been held far too long."""
    if sqlite_write_lock.stuck():
        log.error("the write lock has been held for over %.0f s", STUCK_AFTER_SECONDS)
        return False, "stuck"
    return True, "ok"


def database_ok(engine: Engine) -> tuple[bool, str]:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        log.warning("database check failed: %s", type(exc).__name__)
        return False, "unreachable"
    return True, "ok"


def schema_current(engine: Engine) -> tuple[bool, str]:
    """Ready at this release's newest migration, or ahead of it.

    A database behind the release (an instance started before `trustmeter migrate` ran) is
    not ready. One ahead of it (a revision this release does not know: the next release
    migrated it during a rolling deploy) is, so old instances keep serving until replaced;
    that is why migrations must stay compatible with the release before them.
    """
    # Alembic loads on first use: ~20 MB that a web worker only needs for /readyz.
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from app.migrations import alembic_config

    script = ScriptDirectory.from_config(alembic_config())
    head = script.get_current_head()
    try:
        with engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
    except SQLAlchemyError:
        return False, "database unreachable"
    if current == head:
        return True, "ok"
    if current is not None and not _known(script, current):
        return True, f"at {current}, ahead of this release ({head})"
    return False, f"at {current}, expected {head}"


def _known(script: "ScriptDirectory", revision: str) -> bool:
    from alembic.util import CommandError

    try:
        return script.get_revision(revision) is not None
    except CommandError:  # a revision id this release has never heard of
        return False
