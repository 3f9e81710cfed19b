"""Shared fixtures: a fresh, migrated database per test on SQLite or a real PostgreSQL server.

Choose the backend with TRUSTMETER_TEST_DATABASE=sqlite|postgres (default sqlite). For
PostgreSQL the run starts its own throwaway cluster, unless TRUSTMETER_TEST_POSTGRES_URL
points at a server to use.
"""

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from app import migrations
from app.config import Settings
from app.db import make_engine, new_session
from app.infra.static_charts import ChartDrawer
from app.main import create_app
from app.services.setup.questionnaires import ensure_builtin_questionnaires
from tests.support.postgres import PostgresServer, start_postgres
from tests.support.scratch import ScratchDatabase

BACKEND = os.environ.get("TRUSTMETER_TEST_DATABASE", "sqlite")
TEST_SECRET_KEY = "test-secret-key-not-for-production-0123456789"


@dataclass
class DatabaseTemplate:
    """A migrated database that each test copies (a file on SQLite, a template on PostgreSQL)."""

    backend: str
    sqlite_file: Path | None = None
    server_url: str | None = None
    template_name: str | None = None


def make_settings(database_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "environment": "test",
        "database_url": database_url,
        "secret_key": TEST_SECRET_KEY,
        "base_url": "http://testserver",
        "log_json": False,
        "log_level": "WARNING",
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


def migrate_fresh(url: str) -> None:
    engine = make_engine(make_settings(url))
    migrations.upgrade(engine)
    with new_session(engine) as session:
        ensure_builtin_questionnaires(session)
    engine.dispose()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    external = os.environ.get("TRUSTMETER_TEST_POSTGRES_URL")
    if external:
        yield PostgresServer(url=external)
        return
    server = start_postgres()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def database_template(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> DatabaseTemplate:
    if BACKEND == "sqlite":
        path = tmp_path_factory.mktemp("template") / "template.db"
        migrate_fresh(f"sqlite:///{path}")
        return DatabaseTemplate("sqlite", sqlite_file=path)
    if BACKEND != "postgres":
        raise pytest.UsageError(
            f"TRUSTMETER_TEST_DATABASE must be sqlite or postgres, not {BACKEND}"
        )
    server: PostgresServer = request.getfixturevalue("postgres_server")
    name = f"tm_template_{uuid.uuid4().hex[:8]}"
    admin_execute(server.url, f'CREATE DATABASE "{name}"')
    migrate_fresh(with_database(server.url, name))
    return DatabaseTemplate("postgres", server_url=server.url, template_name=name)


def with_database(url: str, name: str) -> str:
    return make_url(url).set(database=name).render_as_string(hide_password=False)


def admin_execute(url: str, statement: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(statement))
    engine.dispose()


@contextmanager
def fresh_database(template: DatabaseTemplate, directory: Path) -> Iterator[str]:
    """A copy of the migrated template (a file, or a database made from a template)."""
    if template.backend == "sqlite":
        assert template.sqlite_file is not None
        target = directory / "trustmeter.db"
        shutil.copyfile(template.sqlite_file, target)
        yield f"sqlite:///{target}"
        return
    assert template.server_url is not None
    name = f"tm_{uuid.uuid4().hex[:12]}"
    admin_execute(
        template.server_url, f'CREATE DATABASE "{name}" TEMPLATE "{template.template_name}"'
    )
    try:
        yield with_database(template.server_url, name)
    finally:
        admin_execute(template.server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def scratch_database(database_template: DatabaseTemplate) -> Iterator[ScratchDatabase]:
    """PostgreSQL only: this test process's reusable database, emptied before each test."""
    assert database_template.server_url and database_template.template_name
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"tm_scratch_{worker}_{uuid.uuid4().hex[:6]}"
    admin_execute(
        database_template.server_url,
        f'CREATE DATABASE "{name}" TEMPLATE "{database_template.template_name}"',
    )
    scratch = ScratchDatabase(
        admin_url=database_template.server_url,
        url=with_database(database_template.server_url, name),
        name=name,
        template_name=database_template.template_name,
    )
    yield scratch
    scratch.close()


@pytest.fixture
def database_url(
    database_template: DatabaseTemplate, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[str]:
    """A fresh migrated database for one test, with the built-in questionnaire stored."""
    if database_template.backend == "postgres":
        scratch: ScratchDatabase = request.getfixturevalue("scratch_database")
        yield scratch.reset()
        return
    with fresh_database(database_template, tmp_path) as url:
        yield url


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(database_url)


@pytest.fixture
def engine(settings: Settings) -> Iterator[Engine]:
    engine = make_engine(settings)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with new_session(engine) as session:
        yield session


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    return create_app(settings)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as client:
        yield client


@pytest.fixture(scope="session")
def chart_drawer() -> Iterator[ChartDrawer]:
    """One headless Chromium for the charts of every report a test process renders."""
    drawer = ChartDrawer()
    yield drawer
    drawer.close()
