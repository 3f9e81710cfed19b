"""The worker's scheduled work: make cadence rounds, open drafts at opens_at, close at closes_at.

Exactly once with several workers: each round is claimed in the transaction that changes it
(`FOR UPDATE SKIP LOCKED` on PostgreSQL, the single write lock on SQLite) and its status is
checked again under that claim, so a round another worker opened or closed is left alone.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlmodel import Session, col, select

from app.config import Settings
from app.errors import Conflict
from app.infra.unit_of_work import is_sqlite, unit_of_work
from app.models import Collaboration, Round, RoundStatus
from app.services.messaging import alert_mail
from app.services.schedule import cadences
from app.services.setup import rounds

log = logging.getLogger("trustmeter.schedule")

T = TypeVar("T")

# A round that could not open (no participants yet) is tried again after this long.
RETRY_AFTER = timedelta(minutes=15)


@dataclass
class ScheduleReport:
    made: list[int] = field(default_factory=list)
    opened: list[int] = field(default_factory=list)
    closed: list[int] = field(default_factory=list)
    not_opened: list[int] = field(default_factory=list)
    digests: int = 0


def run_due(session: Session, *, now: datetime, settings: Settings) -> ScheduleReport:
    """Everything the schedule has due at `now`; reads first, writes only what is due.

    Each step is its own attempt: a round that fails unexpectedly is logged and tried again
    at the next pass, and does not keep the other rounds from opening and closing on time.
    """
    report = ScheduleReport()
    made = _attempt(session, "cadences", cadences.make_due_rounds, session, now=now)
    report.made = [r.id for r in made or [] if r.id]
    for round_id, organisation_id in _due(session, RoundStatus.OPEN, now):
        what = f"closing round {round_id}"
        if _attempt(session, what, _close, session, round_id, organisation_id, now):
            report.closed.append(round_id)
    for round_id, organisation_id in _due(session, RoundStatus.DRAFT, now):
        what = f"opening round {round_id}"
        opened = _attempt(session, what, _open, session, round_id, organisation_id, now, settings)
        if opened is not None:
            (report.opened if opened else report.not_opened).append(round_id)
    digests = _attempt(session, "digests", alert_mail.queue_due_digests, session, now=now)
    report.digests = digests or 0
    if session.in_transaction():
        session.rollback()  # end the read transaction: the next pass must see new rows
    return report


def _attempt(
    session: Session, what: str, work: Callable[..., T], *args: Any, **kwargs: Any
) -> T | None:
    """`work(*args, **kwargs)`, or None when it raised: logged, undone, left for the next pass."""
    try:
        return work(*args, **kwargs)
    except Exception:
        session.rollback()
        log.exception("schedule: %s failed; trying again at the next pass", what)
        return None


def _due(session: Session, status: RoundStatus, now: datetime) -> list[tuple[int, int]]:
    moment = col(Round.opens_at) if status == RoundStatus.DRAFT else col(Round.closes_at)
    query = (
        select(Round.id, Collaboration.organisation_id)
        .join(Collaboration, col(Collaboration.id) == col(Round.collaboration_id))
        .where(col(Round.status) == status, moment <= now, col(Collaboration.archived_at).is_(None))
        .order_by(moment, col(Round.id))
    )
    if status == RoundStatus.DRAFT:
        waited = now - RETRY_AFTER
        query = query.where(
            col(Round.schedule_attempted_at).is_(None) | (col(Round.schedule_attempted_at) < waited)
        )
    return [
        (round_id, organisation_id) for round_id, organisation_id in session.exec(query) if round_id
    ]


def _claim(session: Session, round_id: int, status: RoundStatus, now: datetime) -> Round | None:
    moment = col(Round.opens_at) if status == RoundStatus.DRAFT else col(Round.closes_at)
    query = (
        select(Round)
        .where(Round.id == round_id, col(Round.status) == status, moment <= now)
        .execution_options(populate_existing=True)
    )
    if not is_sqlite(session):
        query = query.with_for_update(skip_locked=True)
    return session.exec(query).first()


def _close(session: Session, round_id: int, organisation_id: int, now: datetime) -> bool:
    with unit_of_work(session):
        if _claim(session, round_id, RoundStatus.OPEN, now) is None:
            return False
        rounds.close_round(session, organisation_id=organisation_id, round_id=round_id)
    log.info("round %s closed on schedule", round_id)
    return True


def _open(
    session: Session, round_id: int, organisation_id: int, now: datetime, settings: Settings
) -> bool:
    with unit_of_work(session):
        round_ = _claim(session, round_id, RoundStatus.DRAFT, now)
        if round_ is None:
            return False
        problem = _why_not(round_, now)
        if problem is None:
            try:
                rounds.open_round(
                    session, organisation_id=organisation_id, round_id=round_id, settings=settings
                )
                return True
            except Conflict as exc:  # refused before it changed anything
                problem = exc.message
    _note_problem(session, round_id, problem, now)
    log.warning("round %s did not open on schedule: %s", round_id, problem)
    return False


def _why_not(round_: Round, now: datetime) -> str | None:
    if round_.closes_at is not None and round_.closes_at <= now:
        return "Its closing time passed before it could open."
    return None


def _note_problem(session: Session, round_id: int, problem: str, now: datetime) -> None:
    with unit_of_work(session):
        round_: Any = session.get(Round, round_id, populate_existing=True)
        if round_ is not None and round_.status == RoundStatus.DRAFT:
            round_.schedule_error = problem[:500]
            round_.schedule_attempted_at = now
            session.add(round_)
