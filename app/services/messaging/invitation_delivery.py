"""Per invitation, what happened to its e-mail (queued, sent, failed, bounced), and sending again.

Only the invitation e-mail counts: a reminder skipped because someone submitted would tell the
coach who answered.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlmodel import Session, col, select

from app.errors import Conflict
from app.infra.unit_of_work import unit_of_work
from app.models import (
    Collaboration,
    Invitation,
    InvitationStatus,
    JobKind,
    JobStatus,
    OutboxJob,
    Participant,
    Party,
    Round,
)
from app.services.access.lookups import get_round

# The server refused the address itself: retrying will not help until it is corrected.
_REFUSED = re.compile(r"^SMTP (recipient refused|55\d)")


class DeliveryState(StrEnum):
    NO_ADDRESS = "no_address"
    NOT_SENT = "not_sent"
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"
    BOUNCED = "bounced"


FAILING = (DeliveryState.FAILED, DeliveryState.BOUNCED, DeliveryState.NOT_SENT)


@dataclass(frozen=True, slots=True)
class Delivery:
    invitation_id: int
    participant_id: int
    party_id: int
    name: str
    party: str
    email: str | None
    state: DeliveryState
    reason: str | None
    retrying_at: datetime | None  # the worker tries again then (a failure it may overcome)
    sent_at: datetime | None


def deliveries(session: Session, *, round_id: int) -> list[Delivery]:
    """The e-mail state of every live invitation of the round, by party and name."""
    rows = session.exec(
        select(Invitation, Participant, Party)
        .join(Participant, col(Participant.id) == col(Invitation.participant_id))
        .join(Party, col(Party.id) == col(Invitation.party_id))
        .where(
            Invitation.round_id == round_id,
            col(Participant.erased_at).is_(None),
            col(Invitation.status) != InvitationStatus.REVOKED,
        )
        .order_by(col(Party.name), col(Participant.name), col(Participant.id))
    ).all()
    jobs = _latest_jobs(session, [i.id for i, _, _ in rows if i.id])
    return [_delivery(i, p, party, jobs.get(i.id or 0)) for i, p, party in rows]


def _latest_jobs(session: Session, invitation_ids: Sequence[int]) -> dict[int, OutboxJob]:
    if not invitation_ids:
        return {}
    found: dict[int, OutboxJob] = {}
    for job in session.exec(
        select(OutboxJob)
        .where(col(OutboxJob.invitation_id).in_(invitation_ids), OutboxJob.kind == JobKind.EMAIL)
        .order_by(col(OutboxJob.id))
    ):
        if job.payload.get("template") == "invitation" and job.invitation_id:
            found[job.invitation_id] = job
    return found


def _delivery(
    invitation: Invitation, person: Participant, party: Party, job: OutboxJob | None
) -> Delivery:
    state, reason, retrying = _state(person, job)
    return Delivery(
        invitation_id=invitation.id or 0,
        participant_id=person.id or 0,
        party_id=party.id or 0,
        name=person.name or person.email or person.external_ref or person.pseudonym,
        party=party.name,
        email=person.email,
        state=state,
        reason=reason,
        retrying_at=retrying,
        sent_at=invitation.invited_at,
    )


def _state(
    person: Participant, job: OutboxJob | None
) -> tuple[DeliveryState, str | None, datetime | None]:
    if not person.email:
        return DeliveryState.NO_ADDRESS, None, None
    if job is None:
        return DeliveryState.NOT_SENT, None, None
    if job.status == JobStatus.DONE:
        if job.last_error:  # skipped: nothing went out
            return DeliveryState.NOT_SENT, job.last_error, None
        return DeliveryState.SENT, None, None
    if job.last_error is None or job.status == JobStatus.SENDING:  # a worker is on it
        return DeliveryState.QUEUED, None, None
    failed = DeliveryState.BOUNCED if _REFUSED.match(job.last_error) else DeliveryState.FAILED
    retrying = job.next_attempt_at if job.status == JobStatus.PENDING else None
    return failed, job.last_error, retrying


def send_again(
    session: Session, *, round_: Round, invitation_ids: Sequence[int] | None, now: datetime
) -> int:
    """Queue the invitation e-mail again for failed, bounced or unsent invitations of the round
    (all of them, or those named); returns how many were queued."""
    with unit_of_work(session):
        wanted = [
            d
            for d in deliveries(session, round_id=round_.id or 0)
            if d.state in FAILING and (invitation_ids is None or d.invitation_id in invitation_ids)
        ]
        if invitation_ids is not None and not wanted:
            raise Conflict(
                "This invitation's e-mail did not fail; there is nothing to send again.",
                code="delivery.not_failed",
            )
        collaboration = session.get(Collaboration, round_.collaboration_id)
        assert collaboration is not None
        jobs = _latest_jobs(session, [d.invitation_id for d in wanted])
        for delivery in wanted:
            _requeue(session, collaboration.organisation_id, delivery, jobs, now)
    return len(wanted)


def _requeue(
    session: Session,
    organisation_id: int,
    delivery: Delivery,
    jobs: dict[int, OutboxJob],
    now: datetime,
) -> None:
    job = jobs.get(delivery.invitation_id)
    if job is None or job.status == JobStatus.DONE:
        job = OutboxJob(
            organisation_id=organisation_id,
            kind=JobKind.EMAIL,
            invitation_id=delivery.invitation_id,
            payload={"template": "invitation", "invitation_id": delivery.invitation_id},
        )
    job.status, job.attempts, job.last_error = JobStatus.PENDING, 0, None
    job.next_attempt_at, job.locked_until = now, None
    session.add(job)


def round_deliveries(session: Session, *, organisation_id: int, round_id: int) -> dict[str, Any]:
    """The API's view: counts per state and each invitation's state (no names)."""
    get_round(session, organisation_id=organisation_id, round_id=round_id)
    found = deliveries(session, round_id=round_id)
    return {
        "round_id": round_id,
        "counts": {
            state.value: sum(1 for d in found if d.state == state) for state in DeliveryState
        },
        "invitations": [
            {
                "invitation_id": d.invitation_id,
                "participant_id": d.participant_id,
                "party_id": d.party_id,
                "state": d.state.value,
                "reason": d.reason,
                "retrying_at": d.retrying_at,
                "sent_at": d.sent_at,
            }
            for d in found
        ],
    }


def newly_emailed(session: Session, *, issued: Sequence[Any]) -> int:
    """How many of the invitations just made got an e-mail queued (those with an address)."""
    new = [item.invitation.participant_id for item in issued if item.token is not None]
    if not new:
        return 0
    found = session.exec(
        select(Participant.id).where(
            col(Participant.id).in_(new), col(Participant.email).is_not(None)
        )
    ).all()
    return len(found)
