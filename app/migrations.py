"""Run Alembic programmatically: `trustmeter migrate`, `serve` on SQLite, and the tests."""

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

import app


def _script_location() -> Path:
    # Source checkouts keep migrations/ beside app/; installed copies run from the project dir.
    beside_package = Path(app.__file__).resolve().parent.parent / "migrations"
    return beside_package if beside_package.is_dir() else Path.cwd() / "migrations"


def alembic_config(engine: Engine | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(_script_location()))
    if engine is not None:
        config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    with engine.begin() as connection:
        config = alembic_config(engine)
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    with engine.begin() as connection:
        config = alembic_config(engine)
        config.attributes["connection"] = connection
        command.downgrade(config, revision)
