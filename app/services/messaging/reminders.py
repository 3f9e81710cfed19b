"""Reminders to participants who have not submitted: sent by a coach, or automatically."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from app.errors import RoundNotOpen
from app.infra.unit_of_work import unit_of_work
from app.models import (
    Collaboration,
    Invitation,
    InvitationStatus,
    Participant,
    Round,
    RoundStatus,
)
from app.services.messaging import mail
from app.services.setup.rounds import get_round

# A second click on "send reminders" must not mail everyone twice.
MIN_REMINDER_INTERVAL = timedelta(hours=12)
WAITING = (InvitationStatus.PENDING, InvitationStatus.STARTED)


@dataclass(frozen=True, slots=True)
class RemindersQueued:
    queued: int
    without_address: int
    recently_reminded: int


def send_reminders(
    session: Session, *, organisation_id: int, round_id: int, now: datetime
) -> RemindersQueued:
    """Queue a reminder for everyone in an open round who has not submitted yet."""
    with unit_of_work(session):
        round_ = get_round(session, organisation_id=organisation_id, round_id=round_id)
        if round_.status != RoundStatus.OPEN:
            raise RoundNotOpen(
                f"Round '{round_.label}' is not open; there is nobody to remind.",
                code="reminders.round_not_open",
            )
        waiting = _waiting(session, round_id)
        recent = [
            i for i in waiting if i.reminded_at and now - i.reminded_at < MIN_REMINDER_INTERVAL
        ]
        due = [i for i in waiting if i not in recent]
        queued = mail.queue_reminders(
            session, organisation_id=organisation_id, invitations=due, now=now
        )
    return RemindersQueued(queued, len(due) - queued, len(recent))


def queue_due_reminders(session: Session, *, now: datetime) -> int:
    """Automatic reminders: a collaboration's `reminder_days_before_close` before closing.

    Whoever was reminded since the window opened (by hand or before) is not reminded again.
    Reads first and writes only when something is due, as the worker calls this often.
    """
    if not _due_rounds(session, now):
        session.rollback()
        return 0
    with unit_of_work(session):
        queued = 0
        for round_, collaboration, window_start in _due_rounds(session, now):
            due = [
                i
                for i in _waiting(session, round_.id or 0)
                if i.reminded_at is None or i.reminded_at < window_start
            ]
            queued += mail.queue_reminders(
                session, organisation_id=collaboration.organisation_id, invitations=due, now=now
            )
    return queued


def _due_rounds(session: Session, now: datetime) -> list[tuple[Round, Collaboration, datetime]]:
    rows = session.exec(
        select(Round, Collaboration)
        .join(Collaboration, col(Collaboration.id) == col(Round.collaboration_id))
        .where(
            col(Round.status) == RoundStatus.OPEN,
            col(Round.closes_at) > now,
            col(Collaboration.reminder_days_before_close).is_not(None),
        )
    ).all()
    due = []
    for round_, collaboration in rows:
        assert round_.closes_at is not None and collaboration.reminder_days_before_close is not None
        window_start = round_.closes_at - timedelta(days=collaboration.reminder_days_before_close)
        if now >= window_start and _has_unreminded(session, round_.id or 0, window_start):
            due.append((round_, collaboration, window_start))
    return due


def _has_unreminded(session: Session, round_id: int, window_start: datetime) -> bool:
    query = (
        select(Invitation.id)
        .join(Participant, col(Participant.id) == col(Invitation.participant_id))
        .where(
            col(Invitation.round_id) == round_id,
            col(Invitation.status).in_(WAITING),
            col(Participant.email).is_not(None),
            col(Participant.erased_at).is_(None),
            (col(Invitation.reminded_at).is_(None)) | (col(Invitation.reminded_at) < window_start),
        )
        .limit(1)
    )
    return session.exec(query).first() is not None


def _waiting(session: Session, round_id: int) -> list[Invitation]:
    query = (
        select(Invitation)
        .where(col(Invitation.round_id) == round_id, col(Invitation.status).in_(WAITING))
        .order_by(col(Invitation.id))
    )
    return list(session.exec(query))
