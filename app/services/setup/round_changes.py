"""The round page's view, what closing a round will do, and reopening a closed round (admins)."""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from app.errors import Conflict, FieldProblem, InvalidInput, NotFound
from app.infra.unit_of_work import unit_of_work
from app.models import Collaboration, Round, RoundStatus
from app.services.access.lookups import get_collaboration, get_round
from app.services.messaging.invitation_delivery import Delivery, DeliveryState, deliveries
from app.services.privacy import audit
from app.services.results import dashboard

REASON_MAX = 160  # it is kept in the audit entry's subject, which holds 200 characters


@dataclass(frozen=True, slots=True)
class RoundPage:
    collaboration: Collaboration
    round: Round
    deliveries: list[Delivery]
    invited: int
    submitted: int
    reopenable: bool  # closed, and no later round has opened since

    def count(self, *states: DeliveryState) -> int:
        return sum(1 for d in self.deliveries if d.state in states)


def round_in(
    session: Session, *, organisation_id: int, collaboration_id: int, round_id: int
) -> tuple[Collaboration, Round]:
    collaboration = get_collaboration(
        session, organisation_id=organisation_id, collaboration_id=collaboration_id
    )
    round_ = get_round(session, organisation_id=organisation_id, round_id=round_id)
    if round_.collaboration_id != collaboration_id:
        raise NotFound(f"No round {round_id} in collaboration {collaboration_id}.")
    return collaboration, round_


def round_page(
    session: Session, *, organisation_id: int, collaboration_id: int, round_id: int
) -> RoundPage:
    collaboration, round_ = round_in(
        session,
        organisation_id=organisation_id,
        collaboration_id=collaboration_id,
        round_id=round_id,
    )
    counts = dashboard.participation(session, round_ids=[round_id])
    return RoundPage(
        collaboration=collaboration,
        round=round_,
        deliveries=deliveries(session, round_id=round_id),
        invited=sum(cell.invited for cell in counts.values()),
        submitted=sum(cell.submitted for cell in counts.values()),
        reopenable=round_.status == RoundStatus.CLOSED and _later_opened(session, round_) is None,
    )


def reopen_round(
    session: Session,
    *,
    organisation_id: int,
    collaboration_id: int,
    round_id: int,
    reason: str,
    closes_at: datetime | None,
    user_id: int,
    now: datetime,
) -> Round:
    """Open a closed round again, until a later round has opened; the reason is audited."""
    with unit_of_work(session):
        _, round_ = round_in(
            session,
            organisation_id=organisation_id,
            collaboration_id=collaboration_id,
            round_id=round_id,
        )
        problems = _reopen_problems(reason, closes_at, now)
        if problems:
            raise InvalidInput("The round cannot be reopened like this.", problems=problems)
        if round_.status != RoundStatus.CLOSED:
            raise Conflict(f"Round '{round_.label}' is not closed.", code="round.not_closed")
        later = _later_opened(session, round_)
        if later is not None:
            raise Conflict(
                f"Round '{later.label}' has opened since; '{round_.label}' stays closed.",
                code="round.later_opened",
            )
        round_.status, round_.closed_at, round_.closes_at = RoundStatus.OPEN, None, closes_at
        session.add(round_)
        audit.record(
            session,
            organisation_id=organisation_id,
            user_id=user_id,
            action="round.reopened",
            subject=f"round:{round_id} reason: {reason.strip()}",
        )
    return round_


def _reopen_problems(reason: str, closes_at: datetime | None, now: datetime) -> list[FieldProblem]:
    problems = []
    if len(reason.strip()) < 5:
        problems.append(FieldProblem("reason", "say why, in a few words"))
    elif len(reason.strip()) > REASON_MAX:
        problems.append(FieldProblem("reason", f"at most {REASON_MAX} characters"))
    if closes_at is not None and closes_at <= now:
        problems.append(FieldProblem("closes_at", "must lie in the future"))
    return problems


def _later_opened(session: Session, round_: Round) -> Round | None:
    """A round of the same collaboration that opened after this one."""
    return session.exec(
        select(Round).where(
            Round.collaboration_id == round_.collaboration_id,
            Round.id != round_.id,
            col(Round.status) != RoundStatus.DRAFT,
            col(Round.opened_at) > (round_.opened_at or round_.created_at),
        )
    ).first()
