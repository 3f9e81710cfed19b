"""Fixtures for the partner's questionnaire: an open round, a partner's link, database snapshots."""

import re
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.config import Settings
from app.models import Invitation, RateLimitHit, Response
from app.security import hash_token
from tests.factories import OpenCollaboration, make_open_collaboration

CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


@dataclass
class Partner:
    """One partner's link into an open round, and the collaboration around it."""

    token: str
    collaboration: OpenCollaboration

    @property
    def url(self) -> str:
        return f"/s/{self.token}"

    def invitation(self, session: Session) -> Invitation:
        session.rollback()  # end any read transaction: see what other connections committed
        session.expire_all()
        query = select(Invitation).where(Invitation.token_hash == hash_token(self.token))
        return session.exec(query).one()


@pytest.fixture
def open_round(session: Session, settings: Settings) -> OpenCollaboration:
    return make_open_collaboration(
        session,
        settings=settings,
        party_names=("Gemeente Utrecht", "Aannemer BV", "Ingenieursbureau <Noord>"),
        participants_per_party=1,
    )


@pytest.fixture
def partner(open_round: OpenCollaboration) -> Partner:
    return Partner(open_round.tokens_of(open_round.parties[0])[0], open_round)


def form_token(client: TestClient, partner: Partner) -> str:
    """The hidden form token, read from the welcome page like a browser would."""
    page = client.get(f"{partner.url}/welcome")
    match = CSRF.search(page.text)
    assert match, page.text
    return match.group(1)


def snapshot(session: Session) -> dict[str, Any]:
    """Everything a survey request could change, to compare before and after a refusal."""
    session.rollback()  # end any read transaction: see what other connections committed
    session.expire_all()
    responses = session.exec(select(Response).order_by(col(Response.id))).all()
    invitations = session.exec(select(Invitation).order_by(col(Invitation.id))).all()
    return {
        "responses": [
            (
                r.id,
                r.invitation_id,
                r.target_party_id,
                r.answers,
                r.scores,
                r.zone,
                r.submitted_at,
                r.updated_at,
            )
            for r in responses
        ],
        "invitations": [
            (i.id, i.status, i.language, i.last_saved_at, i.submitted_at, i.updated_at)
            for i in invitations
        ],
    }


def rate_limit_hits(session: Session) -> int:
    session.rollback()  # end any read transaction: see what other connections committed
    session.expire_all()
    return len(session.exec(select(RateLimitHit)).all())


def checked_value(html: str, item: str) -> str | None:
    """The value of the selected option of one question, read from the page."""
    for tag in re.findall(rf'<input[^>]*name="q-{re.escape(item)}"[^>]*>', html):
        if re.search(r"\schecked\b", tag):
            value = re.search(r'value="([^"]*)"', tag)
            return value.group(1) if value else None
    return None
