"""Issue 16's "done when", end to end: a coach sets a quarterly cadence once and, without
clicking anything more, partners get their invitations at a real SMTP server, rounds close on
time, and the coach gets an e-mail when trust drops.

Only the clock is the test's: the worker and the partners' answers run at its time.
"""

import re
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import parseaddr

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from app.models import CadenceUnit, Round, RoundStatus
from app.models.response import AnswerIn
from app.models.schedule import CadenceSet
from app.services.answering import invitation_state, responses
from app.services.messaging.outbox_worker import WorkerOptions, deliver_due_jobs
from app.services.schedule import cadences
from app.services.schedule.calendar import occurrence
from app.services.setup import questionnaires
from tests.conftest import make_settings
from tests.factories import (
    make_collaboration,
    make_organisation,
    make_participant,
    make_party,
    make_user,
)
from tests.services.test_schedule import fresh
from tests.support.smtp import smtp_server, text_part

FIRST = datetime(2031, 1, 6, 8, 0, tzinfo=UTC)  # 09:00 in Amsterdam
SECOND = occurrence(FIRST, every=3, unit=CadenceUnit.MONTHS, index=1)
OPEN = timedelta(days=14)
LINK = re.compile(r"/s/([A-Za-z0-9_-]{20,})")
COACH = "coach@example.org"


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def _links(messages: list[EmailMessage]) -> dict[str, str]:
    """Each partner's personal link, read from the invitation e-mail they received."""
    found = {}
    for message in messages:
        match = LINK.search(text_part(message))
        if match and parseaddr(str(message["To"]))[1] != COACH:
            found[parseaddr(str(message["To"]))[1]] = match.group(1)
    return found


def _answer_all(session: Session, token: str, value: int) -> None:
    """One partner submits `value` for every item about every other party."""
    context = invitation_state.load_invitation(session, token=token)
    definition = context.definition
    low, high = definition.range.min, definition.range.max
    answers = [
        AnswerIn(
            target_party_id=target,
            item_id=item.id,
            value=low + high - value if item.reverse else value,
        )
        for target in context.invitation.target_party_ids
        for item in definition.items
    ]
    responses.submit_answers(session, token=token, answers=answers, final=True)


def _coach_mails(messages: list[EmailMessage]) -> list[str]:
    return [text_part(m) for m in messages if parseaddr(str(m["To"]))[1] == COACH]


def test_a_quarterly_cadence_set_once_invites_closes_and_tells_the_coach_trust_dropped(
    session: Session, engine: Engine, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    organisation_id = make_organisation(session)
    make_user(session, organisation_id=organisation_id, email=COACH)
    collaboration = make_collaboration(session, organisation_id=organisation_id)
    assert collaboration.id is not None
    parties = {}
    for name in ("Gemeente", "Aannemer"):
        party = make_party(
            session, organisation_id=organisation_id, collaboration_id=collaboration.id, name=name
        )
        parties[name] = party.id
        for number in range(4):
            make_participant(
                session,
                organisation_id=organisation_id,
                party_id=party.id or 0,
                name=f"{name} {number}",
                email=f"{name.lower()}{number}@example.org",
            )
    # The coach's one action: measure every quarter, two weeks each time.
    cadences.set_cadence(
        session,
        organisation_id=organisation_id,
        collaboration_id=collaboration.id,
        data=CadenceSet(
            every=3,
            unit=CadenceUnit.MONTHS,
            open_days=14,
            questionnaire_id=questionnaires.default_questionnaire(session).id or 0,
            label="Kwartaal {n}",
            starts_at=FIRST,
        ),
        now=FIRST - timedelta(days=3),
    )
    clock = Clock(FIRST)
    monkeypatch.setattr(responses, "utcnow", clock)  # partners answer at the test's time too

    with smtp_server() as smtp:
        settings = make_settings(database_url, smtp_url=smtp.url)

        def worker_at(moment: datetime) -> list[EmailMessage]:
            before = len(smtp.messages)
            clock.now = moment
            deliver_due_jobs(engine, settings=settings, options=WorkerOptions(), clock=clock)
            return smtp.messages[before:]

        assert worker_at(FIRST - timedelta(minutes=1)) == []
        first_links = _links(worker_at(FIRST))
        assert len(first_links) == 8  # every partner got their own link
        for token in first_links.values():
            _answer_all(session, token, 6)
        assert worker_at(FIRST + OPEN - timedelta(minutes=1)) == []
        first_closing = worker_at(FIRST + OPEN)
        assert not any("daalde" in body for body in _coach_mails(first_closing))

        assert worker_at(SECOND - timedelta(minutes=1)) == []
        second_links = _links(worker_at(SECOND))
        assert set(second_links) == set(first_links)
        assert set(second_links.values()).isdisjoint(first_links.values())
        for address, token in second_links.items():
            _answer_all(session, token, 6 if address.startswith("gemeente") else 3)
        second_closing = worker_at(SECOND + OPEN)

    made = fresh(session).exec(
        select(Round).where(Round.collaboration_id == collaboration.id).order_by(col(Round.id))
    )
    assert [(r.label, r.status, r.opens_at, r.closes_at) for r in made] == [
        ("Kwartaal 1", RoundStatus.CLOSED, FIRST, FIRST + OPEN),
        ("Kwartaal 2", RoundStatus.CLOSED, SECOND, SECOND + OPEN),
    ]
    (alert_mail,) = _coach_mails(second_closing)
    # The contractor's trust in the municipality dropped (written as the Dutch write it);
    # the municipality answered as before, so nothing is said about its trust.
    assert "Kwartaal 2: Aannemer → Gemeente: Integriteit daalde met 50,0 punten." in alert_mail
    assert "Kwartaal 2: Gemeente" not in alert_mail
    dashboard = f"/coach/collaborations/{collaboration.id}/dashboard#alerts"
    assert dashboard in alert_mail
