"""On SQLite one outbox worker at a time; PostgreSQL workers share the queue instead."""

import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from app import migrations
from app.cli import app as cli
from app.config import Settings
from app.db import make_engine
from app.infra.worker_lock import WorkerAlreadyRunning, lock_path, single_sqlite_worker
from app.services.messaging.worker_process import InProcessWorker, run_worker
from tests.conftest import TEST_SECRET_KEY, make_settings


@pytest.fixture
def sqlite_settings(tmp_path: Path) -> Settings:
    # The rule is SQLite's whatever backend this test run is for, so the file is made here.
    return make_settings(f"sqlite:///{tmp_path / 'worker.db'}")


@pytest.fixture
def sqlite_engine(sqlite_settings: Settings) -> Iterator[Engine]:
    engine = make_engine(sqlite_settings)
    migrations.upgrade(engine)
    yield engine
    engine.dispose()


def test_the_lock_applies_to_sqlite_files_only(sqlite_engine: Engine) -> None:
    assert lock_path(sqlite_engine) is not None
    postgres = make_engine(make_settings("postgresql+psycopg://u@127.0.0.1:1/db"))
    assert lock_path(postgres) is None
    assert lock_path(make_engine(make_settings("sqlite://"))) is None


def test_a_second_worker_on_sqlite_is_refused(
    sqlite_engine: Engine, sqlite_settings: Settings
) -> None:
    with (
        single_sqlite_worker(sqlite_engine),
        pytest.raises(WorkerAlreadyRunning, match="only one may run"),
    ):
        run_worker(sqlite_engine, settings=sqlite_settings, once=True)
    report = run_worker(sqlite_engine, settings=sqlite_settings, once=True)  # free again
    assert sum(report.outcomes.values()) == 0


def test_the_cli_worker_says_so_plainly(
    sqlite_engine: Engine, sqlite_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRUSTMETER_DATABASE_URL", sqlite_settings.database_url)
    monkeypatch.setenv("TRUSTMETER_ENVIRONMENT", "test")
    monkeypatch.setenv("TRUSTMETER_SECRET_KEY", TEST_SECRET_KEY)
    with single_sqlite_worker(sqlite_engine):
        result = CliRunner().invoke(cli, ["worker", "--once"])
    assert result.exit_code == 1
    assert "Another outbox worker is already running" in result.output
    assert "Traceback" not in result.output


def test_an_in_process_worker_stays_idle_when_another_delivers(
    sqlite_engine: Engine, sqlite_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    worker_log = logging.getLogger("trustmeter.worker")
    worker_log.addHandler(caplog.handler)  # the app's loggers do not propagate to the root
    try:
        with single_sqlite_worker(sqlite_engine):
            worker = InProcessWorker(sqlite_engine, sqlite_settings)
            worker.start()
            worker.stop(timeout=5)
    finally:
        worker_log.removeHandler(caplog.handler)
    assert "another process delivers the outbox" in caplog.text
    assert not any(t.name == "trustmeter-outbox" and t.is_alive() for t in threading.enumerate())
