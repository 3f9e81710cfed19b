"""API test fixtures: callers with API keys, and a second organisation's complete world."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.config import Settings
from app.models.agreement import AgreementCreate
from app.models.outbox import WebhookCreate
from app.models.share import ShareCreate, ShareSection
from app.services.agreements import agreements
from app.services.messaging import webhooks
from app.services.results import shares
from app.services.setup import questionnaires
from tests.api.routes import ROUTE_EXAMPLE_QUESTIONNAIRE
from tests.factories import (
    OpenCollaboration,
    make_api_key,
    make_open_collaboration,
    make_organisation,
    make_round,
)


@dataclass(frozen=True)
class Caller:
    organisation_id: int
    key: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}


@dataclass(frozen=True)
class World:
    """One organisation's data, every kind of resource the API addresses by id."""

    caller: Caller
    open: OpenCollaboration
    questionnaire_id: int
    webhook_id: int
    agreement_id: int
    share_id: int
    # An agreement the open round's partners are asked about: `make_checked_agreement`
    # adds one where a test needs it (it adds a round, which most tests count).
    checked_agreement_id: int = 0

    def ids(self) -> dict[str, object]:
        """A value for every path parameter the API has."""
        token = next(item.token for item in self.open.invitations if item.token)
        return {
            "collaboration_id": self.open.collaboration.id,
            "party_id": self.open.parties[0].id,
            "other_party_id": self.open.parties[1].id,
            "participant_id": self.open.invitations[0].invitation.participant_id,
            "round_id": self.open.round.id,
            "questionnaire_id": self.questionnaire_id,
            "webhook_id": self.webhook_id,
            "agreement_id": self.agreement_id,
            "share_id": self.share_id,
            "checked_agreement_id": self.checked_agreement_id,
            "token": token,
            "invitation_id": self.open.invitations[0].invitation.id,
        }


def make_caller(
    session: Session, *, name: str, scopes: tuple[str, ...] = ("read", "write")
) -> Caller:
    organisation_id = make_organisation(session, name=name)
    return Caller(
        organisation_id, make_api_key(session, organisation_id=organisation_id, scopes=scopes)
    )


def make_world(session: Session, settings: Settings, caller: Caller) -> World:
    opened = make_open_collaboration(
        session, settings=settings, organisation_id=caller.organisation_id
    )
    questionnaire = questionnaires.create_questionnaire(
        session, organisation_id=caller.organisation_id, data=ROUTE_EXAMPLE_QUESTIONNAIRE
    )
    webhook = webhooks.create_webhook(
        session,
        organisation_id=caller.organisation_id,
        data=WebhookCreate(url="https://hooks.example.org/tm", events=["round.closed"]),
        settings=settings,
    ).webhook
    assert questionnaire.id is not None and webhook.id is not None
    agreement_id, share_id = make_agreement_and_share(session, settings, opened)
    return World(caller, opened, questionnaire.id, webhook.id, agreement_id, share_id)


def make_checked_agreement(session: Session, opened: OpenCollaboration) -> int:
    """An agreement made after an earlier round and checked in the open one: every partner
    of the open round is asked the follow-up question about it."""
    assert opened.collaboration.id is not None and opened.round.id is not None
    earlier = make_round(
        session,
        organisation_id=opened.organisation_id,
        collaboration_id=opened.collaboration.id,
        label="Vooraf",
        opens_at=datetime(2020, 1, 6, 8, tzinfo=UTC),
    )
    agreement = agreements.create_agreement(
        session,
        organisation_id=opened.organisation_id,
        collaboration_id=opened.collaboration.id,
        data=AgreementCreate(
            title="Terugbellen binnen een dag",
            committing_party_ids=[p.id or 0 for p in opened.parties],
            round_id=earlier.id or 0,
            check_round_id=opened.round.id,
        ),
    )
    assert agreement.id is not None
    return agreement.id


def make_agreement_and_share(
    session: Session, settings: Settings, opened: OpenCollaboration
) -> tuple[int, int]:
    """An agreement after the open round, and a share link to that round."""
    assert opened.collaboration.id is not None and opened.round.id is not None
    first, second = opened.parties[0], opened.parties[1]
    assert first.id is not None and second.id is not None
    agreement = agreements.create_agreement(
        session,
        organisation_id=opened.organisation_id,
        collaboration_id=opened.collaboration.id,
        data=AgreementCreate(
            title="Afspraken nakomen",
            committing_party_ids=[first.id],
            target_party_id=second.id,
            round_id=opened.round.id,
        ),
    )
    share = shares.create_share(
        session,
        organisation_id=opened.organisation_id,
        round_id=opened.round.id,
        data=ShareCreate(sections=[ShareSection.MATRIX]),
        settings=settings,
    ).share
    assert agreement.id is not None and share.id is not None
    return agreement.id, share.id


def fresh(session: Session) -> None:
    """Forget what the test's session has read: the next query sees what the API committed."""
    session.rollback()
    session.expire_all()


@pytest.fixture
def caller(session: Session) -> Caller:
    return make_caller(session, name="Regio Inkoop")


@pytest.fixture
def reader(session: Session, caller: Caller) -> Caller:
    """A read-only key of the caller's organisation."""
    key = make_api_key(session, organisation_id=caller.organisation_id, scopes=("read",))
    return Caller(caller.organisation_id, key)


@pytest.fixture
def world(session: Session, settings: Settings, caller: Caller) -> World:
    return make_world(session, settings, caller)


@pytest.fixture
def other_world(session: Session, settings: Settings) -> World:
    """Another organisation, with everything the caller must never see."""
    return make_world(session, settings, make_caller(session, name="Provincie Elders"))


@pytest.fixture
def api(app: FastAPI) -> Iterator[TestClient]:
    """A client on /api/v1 that raises nothing itself: every answer is inspected."""
    with TestClient(app, base_url="http://testserver/api/v1", raise_server_exceptions=True) as c:
        yield c
