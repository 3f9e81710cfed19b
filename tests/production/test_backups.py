"""The README's backup commands work on a live database and restore every stored answer."""

import subprocess
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, func
from sqlmodel import Session, select

from app.config import Settings
from app.db import make_engine, new_session
from app.models import Participant, Response
from app.models.response import AnswerIn
from app.services.answering import responses
from tests.conftest import admin_execute, make_settings, migrate_fresh, with_database
from tests.production.conftest import build_survey_world
from tests.support.postgres import pg_bin_dir

pytestmark = pytest.mark.timeout(120)


def _submit_some_answers(engine: Engine, settings: Settings) -> None:
    with new_session(engine) as session:
        world = build_survey_world(session, settings, invitations=4)
    with new_session(engine) as session:
        for token in world.tokens:
            answers = [AnswerIn(**a) for a in world.final_submission(token)["answers"]]
            responses.submit_answers(session, token=token, answers=answers, final=True)


def _counts(url: str) -> tuple[int, int]:
    engine = create_engine(url)
    with Session(engine) as session:
        counted = (
            session.exec(select(func.count()).select_from(Response)).one(),
            session.exec(select(func.count()).select_from(Participant)).one(),
        )
    engine.dispose()
    return counted


def _sqlite3(database: Path, command: str) -> str:
    done = subprocess.run(
        ["sqlite3", str(database), command], check=True, capture_output=True, text=True
    )
    return done.stdout.strip()


def test_sqlite_online_backups_hold_what_is_still_in_the_wal(tmp_path: Path) -> None:
    live = tmp_path / "trustmeter.db"
    migrate_fresh(f"sqlite:///{live}")
    settings = make_settings(f"sqlite:///{live}")
    engine = make_engine(settings)  # stays open, as a running app's would: the WAL stays
    try:
        _submit_some_answers(engine, settings)
        assert (tmp_path / "trustmeter.db-wal").stat().st_size > 0
        backup, compact = tmp_path / "backup.db", tmp_path / "compact.db"

        _sqlite3(live, f".backup '{backup}'")
        _sqlite3(live, f"VACUUM INTO '{compact}'")

        expected = _counts(f"sqlite:///{live}")
        assert expected[0] > 0
        for copy in (backup, compact):
            assert _sqlite3(copy, "PRAGMA integrity_check") == "ok"
            assert _counts(f"sqlite:///{copy}") == expected
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_pg_dump_and_pg_restore_bring_back_every_answer(postgres_url: str, tmp_path: Path) -> None:
    settings = make_settings(postgres_url)
    engine = make_engine(settings)
    try:
        _submit_some_answers(engine, settings)
    finally:
        engine.dispose()
    bin_dir = pg_bin_dir()
    assert bin_dir is not None
    plain = postgres_url.replace("postgresql+psycopg://", "postgresql://")
    dump = tmp_path / "trustmeter.dump"
    restored_name = f"restored_{tmp_path.name[-8:].lower()}"
    admin_url = with_database(postgres_url, "postgres")
    admin_execute(admin_url, f'CREATE DATABASE "{restored_name}"')
    restored = with_database(plain, restored_name)
    try:
        subprocess.run(
            [str(bin_dir / "pg_dump"), "--format=custom", f"--file={dump}", plain], check=True
        )
        subprocess.run(
            [
                str(bin_dir / "pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                f"--dbname={restored}",
                str(dump),
            ],
            check=True,
        )
        counts = _counts(with_database(postgres_url, restored_name))
        assert counts == _counts(postgres_url)
        assert counts[0] > 0
    finally:
        admin_execute(admin_url, f'DROP DATABASE IF EXISTS "{restored_name}" WITH (FORCE)')
