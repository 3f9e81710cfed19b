"""No acknowledged answer is lost: kill -9 the server or its database mid-stream, then retry."""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlmodel import Session

from app.config import Settings
from app.db import make_engine
from tests.conftest import admin_execute, make_settings, migrate_fresh, with_database
from tests.production.conftest import SurveyWorld, build_survey_world
from tests.production.server import LiveServer
from tests.production.streaming import (
    SubmissionStream,
    assert_retries_were_not_blocked,
    assert_stored_exactly_once,
)
from tests.support.postgres import PostgresServer, start_postgres

pytestmark = pytest.mark.timeout(300)

INVITATIONS = 120
CRASH_AFTER_ACKS = 30


def test_acknowledged_submissions_survive_a_killed_server(
    live_server: Callable[..., LiveServer],
    survey_world_factory: Callable[[int], SurveyWorld],
    settings: Settings,
) -> None:
    world = survey_world_factory(INVITATIONS)
    server = live_server()
    stream = SubmissionStream(server.url, world)

    stream.run(crash_after_acks=CRASH_AFTER_ACKS, crash=server.kill)
    assert stream.unanswered(), "the kill landed after the stream ended: nothing was in flight"
    server.restart()

    engine = make_engine(settings)
    try:
        stream.retry_unanswered()
        assert_retries_were_not_blocked(stream)
        assert_stored_exactly_once(engine, stream)
        assert stream.replay_mismatches() == []
    finally:
        engine.dispose()


@pytest.fixture
def crashable_postgres() -> Iterator[PostgresServer]:
    """A cluster of this test's own: crashing the shared one would break the other tests."""
    server = start_postgres()
    try:
        yield server
    finally:
        server.stop()


@pytest.mark.postgres
def test_acknowledged_submissions_survive_a_killed_postgres(
    crashable_postgres: PostgresServer, tmp_path: Path
) -> None:
    admin_execute(crashable_postgres.url, 'CREATE DATABASE "trustmeter"')
    database_url = with_database(crashable_postgres.url, "trustmeter")
    migrate_fresh(database_url)
    settings = make_settings(database_url)
    engine = make_engine(settings)
    with Session(engine) as session:
        world = build_survey_world(session, settings, invitations=INVITATIONS)
    server = LiveServer(database_url, tmp_path / "server.log")
    try:
        server.start()
        stream = SubmissionStream(server.url, world)
        stream.run(crash_after_acks=CRASH_AFTER_ACKS, crash=crashable_postgres.kill_and_restart)
        stream.retry_unanswered()
        assert_retries_were_not_blocked(stream)
        assert_stored_exactly_once(engine, stream)
        assert stream.replay_mismatches() == []
    finally:
        server.close()
        engine.dispose()
