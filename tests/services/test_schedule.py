"""Scheduled rounds: the worker opens and closes rounds at their times, once, with alerts."""

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from app.config import Settings
from app.models import Alert, AuditEvent, JobKind, OutboxJob, Round, RoundStatus
from app.models.outbox import WebhookCreate
from app.services.messaging import webhooks
from app.services.schedule import runner
from app.services.setup import rounds
from tests.factories import (
    make_collaboration,
    make_organisation,
    make_participant,
    make_party,
    make_round,
    make_user,
)

T = datetime(2031, 3, 3, 8, 0, tzinfo=UTC)


def fresh(session: Session) -> Session:
    session.rollback()
    session.expire_all()
    return session


def make_scheduled(
    session: Session,
    *,
    parties: int = 2,
    people: int = 2,
    organisation: str = "Gemeente Testdorp",
    **round_values: Any,
) -> tuple[int, Round]:
    """An organisation with a coach, a collaboration with parties and people, and a draft
    round with times."""
    organisation_id = make_organisation(session, name=organisation)
    email = "coach@example.org" if organisation == "Gemeente Testdorp" else None
    make_user(
        session,
        organisation_id=organisation_id,
        email=email or f"coach-{organisation_id}@example.org",
    )
    collaboration = make_collaboration(session, organisation_id=organisation_id)
    organisation_id, collaboration_id = collaboration.organisation_id, collaboration.id or 0
    for number in range(parties):
        party = make_party(
            session,
            organisation_id=organisation_id,
            collaboration_id=collaboration_id,
            name=f"Partij {number + 1}",
        )
        for person in range(people):
            make_participant(
                session,
                organisation_id=organisation_id,
                party_id=party.id or 0,
                name=f"Persoon {number}{person}",
                email=f"p{number}{person}@example.org",
            )
    values = {"opens_at": T, "closes_at": T + timedelta(days=14), **round_values}
    round_ = make_round(
        session, organisation_id=organisation_id, collaboration_id=collaboration_id, **values
    )
    return organisation_id, round_


def jobs(session: Session, template: str | None = None) -> list[OutboxJob]:
    found = fresh(session).exec(select(OutboxJob).order_by(col(OutboxJob.id))).all()
    return [j for j in found if template is None or j.payload.get("template") == template]


def status_of(session: Session, round_id: int | None) -> RoundStatus:
    round_ = fresh(session).get(Round, round_id)
    assert round_ is not None
    return round_.status


def test_a_draft_round_opens_itself_at_its_time_and_the_invitations_are_queued(
    session: Session, settings: Settings
) -> None:
    _, round_ = make_scheduled(session)

    early = runner.run_due(session, now=T - timedelta(minutes=1), settings=settings)
    assert early.opened == [] and status_of(session, round_.id) == RoundStatus.DRAFT
    assert jobs(session, "invitation") == []

    report = runner.run_due(session, now=T, settings=settings)
    assert report.opened == [round_.id]
    assert status_of(session, round_.id) == RoundStatus.OPEN
    assert len(jobs(session, "invitation")) == 4

    again = runner.run_due(session, now=T + timedelta(minutes=5), settings=settings)
    assert again.opened == [] and len(jobs(session, "invitation")) == 4


def test_an_open_round_closes_itself_with_alerts_the_webhook_and_the_coachs_email(
    session: Session, settings: Settings
) -> None:
    organisation_id, round_ = make_scheduled(session)
    webhooks.create_webhook(
        session,
        organisation_id=organisation_id,
        data=WebhookCreate(url="https://hooks.example.org/t", events=["round.closed"]),
        settings=settings,
    )
    runner.run_due(session, now=T, settings=settings)

    runner.run_due(session, now=T + timedelta(days=13), settings=settings)
    assert status_of(session, round_.id) == RoundStatus.OPEN

    report = runner.run_due(session, now=T + timedelta(days=14), settings=settings)
    assert report.closed == [round_.id]
    assert status_of(session, round_.id) == RoundStatus.CLOSED
    alerts = fresh(session).exec(select(Alert).where(Alert.round_id == round_.id)).all()
    # Nobody answered: participation is low in both parties.
    assert {a.kind.value for a in alerts} == {"low_participation"} and len(alerts) == 2
    closed_hooks = [
        j
        for j in jobs(session)
        if j.kind == JobKind.WEBHOOK and j.payload["event"] == "round.closed"
    ]
    assert len(closed_hooks) == 1 and closed_hooks[0].payload["data"]["round_id"] == round_.id
    (mail,) = jobs(session, "alerts")
    assert sorted(mail.payload["alert_ids"]) == sorted(a.id for a in alerts)

    runner.run_due(session, now=T + timedelta(days=15), settings=settings)
    assert len(jobs(session, "alerts")) == 1  # closed once, mailed once


def test_a_round_that_cannot_open_says_why_and_is_tried_again_later(
    session: Session, settings: Settings
) -> None:
    _, round_ = make_scheduled(session, parties=1)

    report = runner.run_due(session, now=T, settings=settings)
    assert report.not_opened == [round_.id]
    stored = fresh(session).get(Round, round_.id)
    assert stored is not None and stored.status == RoundStatus.DRAFT
    assert stored.schedule_error and "two parties" in stored.schedule_error

    soon = runner.run_due(session, now=T + timedelta(minutes=5), settings=settings)
    assert soon.not_opened == []  # not tried again at every pass
    later = runner.run_due(session, now=T + timedelta(minutes=20), settings=settings)
    assert later.not_opened == [round_.id]


def test_a_round_whose_closing_time_passed_before_it_opened_is_not_opened(
    session: Session, settings: Settings
) -> None:
    _, round_ = make_scheduled(session)

    report = runner.run_due(session, now=T + timedelta(days=20), settings=settings)

    assert report.opened == [] and report.not_opened == [round_.id]
    stored = fresh(session).get(Round, round_.id)
    assert stored is not None and stored.status == RoundStatus.DRAFT
    assert stored.schedule_error == "Its closing time passed before it could open."
    assert jobs(session, "invitation") == []


def test_a_round_without_times_is_left_to_the_coach(session: Session, settings: Settings) -> None:
    _, round_ = make_scheduled(session, opens_at=None, closes_at=None)

    report = runner.run_due(session, now=T + timedelta(days=400), settings=settings)

    assert report.opened == report.not_opened == []
    assert status_of(session, round_.id) == RoundStatus.DRAFT
    assert fresh(session).exec(select(AuditEvent)).all() == []


def test_a_round_that_fails_unexpectedly_does_not_hold_up_the_others(
    session: Session, settings: Settings, monkeypatch: Any
) -> None:
    _, broken = make_scheduled(session, organisation="Gemeente Eerst")
    _, other = make_scheduled(session, organisation="Gemeente Daarna", opens_at=T)
    _, draft = make_scheduled(
        session,
        organisation="Gemeente Later",
        opens_at=T + timedelta(days=14),
        closes_at=T + timedelta(days=28),
    )
    runner.run_due(session, now=T, settings=settings)
    assert status_of(session, broken.id) == status_of(session, other.id) == RoundStatus.OPEN
    real_close = rounds.close_round

    def close_round(session: Session, *, organisation_id: int, round_id: int) -> Round:
        if round_id == broken.id:
            raise RuntimeError("the alerts of this round cannot be computed")
        return real_close(session, organisation_id=organisation_id, round_id=round_id)

    monkeypatch.setattr(rounds, "close_round", close_round)
    report = runner.run_due(session, now=T + timedelta(days=14), settings=settings)

    # The failing round stays open (tried again next pass); the others keep their times.
    assert report.closed == [other.id] and report.opened == [draft.id]
    assert status_of(session, broken.id) == RoundStatus.OPEN
    assert status_of(session, other.id) == RoundStatus.CLOSED
    assert status_of(session, draft.id) == RoundStatus.OPEN
