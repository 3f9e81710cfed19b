"""Fixtures for production tests: a live server factory and a round full of open invitations."""

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session

from app.config import Settings
from app.services.setup import questionnaires
from tests.conftest import BACKEND, admin_execute, migrate_fresh, with_database
from tests.factories import make_api_key, make_open_collaboration
from tests.production.server import LiveServer


@pytest.fixture
def postgres_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh migrated PostgreSQL database, whichever backend the rest of the run uses."""
    if BACKEND == "postgres":
        yield request.getfixturevalue("database_url")
        return
    server = request.getfixturevalue("postgres_server")
    name = f"tm_{uuid.uuid4().hex[:12]}"
    admin_execute(server.url, f'CREATE DATABASE "{name}"')
    url = with_database(server.url, name)
    migrate_fresh(url)
    yield url
    admin_execute(server.url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def live_server(database_url: str, tmp_path: Path) -> Iterator[Callable[..., LiveServer]]:
    """Start `trustmeter serve` subprocesses on the test's database; all are killed at the end."""
    started: list[LiveServer] = []

    def start(*, workers: int = 1, **settings: str) -> LiveServer:
        log_path = tmp_path / f"server-{len(started)}.log"
        server = LiveServer(database_url, log_path, workers=workers, settings=settings)
        started.append(server)
        server.start()
        return server

    yield start
    for server in started:
        server.close()


@dataclass(frozen=True)
class SurveyWorld:
    """An open round with one invitation per participant, and an API key that may submit."""

    api_key: str
    tokens: list[str]
    target_party_ids: dict[str, list[int]]
    item_ids: list[str]
    scale_min: int
    scale_max: int

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"}

    def value_for(self, token: str) -> int:
        """A value that differs between invitations, so stored answers prove whose they are."""
        span = self.scale_max - self.scale_min + 1
        return self.scale_min + self.tokens.index(token) % span

    def final_submission(self, token: str) -> dict[str, Any]:
        value = self.value_for(token)
        answers = [
            {"target_party_id": target, "item_id": item, "value": value}
            for target in self.target_party_ids[token]
            for item in self.item_ids
        ]
        return {"answers": answers, "final": True}


def build_survey_world(session: Session, settings: Settings, *, invitations: int) -> SurveyWorld:
    parties = ("Gemeente Utrecht", "Aannemer BV")
    opened = make_open_collaboration(
        session,
        settings=settings,
        party_names=parties,
        participants_per_party=-(-invitations // len(parties)),
    )
    issued = [item for item in opened.invitations if item.token][:invitations]
    definition = questionnaires.definition_by_id(session, opened.round.questionnaire_id)
    tokens = [item.token for item in issued if item.token]
    return SurveyWorld(
        api_key=make_api_key(session, organisation_id=opened.organisation_id),
        tokens=tokens,
        target_party_ids={
            item.token: list(item.invitation.target_party_ids) for item in issued if item.token
        },
        item_ids=[item.id for item in definition.items],
        scale_min=definition.range.min,
        scale_max=definition.range.max,
    )


@pytest.fixture
def survey_world_factory(session: Session, settings: Settings) -> Callable[[int], SurveyWorld]:
    def build(invitations: int) -> SurveyWorld:
        world = build_survey_world(session, settings, invitations=invitations)
        session.close()  # no open read transaction may pin an old snapshot of the database
        return world

    return build
