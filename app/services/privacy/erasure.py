"""GDPR: erase a participant and purge personal data after the retention period.

Erasure removes who someone is (name, e-mail, external reference) and kills their links, but
keeps their submitted answers (trust items and follow-up verdicts) under the pseudonym, so every
aggregate stays what it was.
"""

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete
from sqlmodel import Session, col, select

from app.errors import InvalidInput, NotFound
from app.infra.unit_of_work import unit_of_work
from app.models import (
    AgreementCheck,
    Collaboration,
    Comment,
    Invitation,
    InvitationStatus,
    JobKind,
    JobStatus,
    OutboxJob,
    Participant,
    Party,
    Response,
    Round,
    RoundStatus,
    utcnow,
)
from app.security import hash_token, new_token
from app.services.privacy import audit


@dataclass(frozen=True, slots=True)
class PurgeReport:
    collaborations: int  # collaborations in which something was purged
    participants: int  # participants erased


def erase_participant(
    session: Session,
    *,
    participant_id: int,
    organisation_id: int | None = None,
    user_id: int | None = None,
    api_key_id: int | None = None,
) -> Participant:
    """Erase one participant (idempotent). `organisation_id` None: an operator, from the CLI."""
    with unit_of_work(session):
        participant = session.get(Participant, participant_id)
        collaboration = _collaboration_of(session, participant)
        if (
            participant is None
            or collaboration is None
            or (organisation_id is not None and collaboration.organisation_id != organisation_id)
        ):
            raise NotFound(f"No participant {participant_id} in your organisation.")
        _erase(session, [participant], now=utcnow())
        audit.record(
            session,
            organisation_id=collaboration.organisation_id,
            user_id=user_id,
            api_key_id=api_key_id,
            action="participant.erased",
            subject=f"participant:{participant.pseudonym}",
        )
    return participant


def purge_expired(
    session: Session, *, retention_months: int, drop_answers: bool = False
) -> PurgeReport:
    """Erase the participants of every collaboration whose last round closed long enough ago.

    A collaboration qualifies when none of its rounds is open, its newest closed round closed
    more than `retention_months` ago and no draft round was touched since. With
    `drop_answers`, item answers go too; stored scale scores stay, so trends still work.
    """
    if retention_months < 1:
        raise InvalidInput("The retention period must be at least one month.")
    with unit_of_work(session):
        now = utcnow()
        cutoff = months_before(now, retention_months)
        expired = [c for c in session.exec(select(Collaboration)) if _expired(session, c, cutoff)]
        erased = purged = 0
        for collaboration in expired:
            count = _erase(session, _participants_of(session, collaboration), now=now)
            dropped = _drop_answers(session, collaboration) if drop_answers else 0
            if count or dropped:
                audit.record(
                    session,
                    organisation_id=collaboration.organisation_id,
                    action="retention.purged",
                    subject=f"collaboration:{collaboration.id}",
                )
                erased += count
                purged += 1
    return PurgeReport(collaborations=purged, participants=erased)


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months earlier (clamped to the month's end)."""
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def _collaboration_of(session: Session, participant: Participant | None) -> Collaboration | None:
    if participant is None:
        return None
    party = session.get(Party, participant.party_id)
    return session.get(Collaboration, party.collaboration_id) if party else None


def _erase(session: Session, participants: Sequence[Participant], *, now: datetime) -> int:
    """Blank who they are, kill their links, drop unsubmitted drafts; returns how many."""
    erased = 0
    for participant in participants:
        if participant.erased_at is not None:
            continue
        participant.name = participant.email = participant.external_ref = None
        participant.erased_at = now
        session.add(participant)
        _retire_invitations(session, participant)
        # Their own words could name them, unlike their scores: comments go entirely.
        session.exec(delete(Comment).where(col(Comment.participant_id) == participant.id))
        erased += 1
    return erased


def _retire_invitations(session: Session, participant: Participant) -> None:
    invitations = session.exec(
        select(Invitation).where(Invitation.participant_id == participant.id)
    ).all()
    for invitation in invitations:
        # A token nobody knows: the old link stops working; the salt no longer rebuilds it.
        invitation.token_salt = new_token()
        invitation.token_hash = hash_token(new_token())
        if invitation.status != InvitationStatus.SUBMITTED:
            round_ = session.get(Round, invitation.round_id)
            # Closed rounds keep their history (their response rate stays what it was).
            if round_ is not None and round_.status != RoundStatus.CLOSED:
                invitation.status = InvitationStatus.REVOKED
            session.exec(
                delete(Response).where(
                    col(Response.invitation_id) == invitation.id,
                    col(Response.submitted_at).is_(None),
                )
            )
            # A follow-up answer ("was it kept?") saved before submitting is a draft too.
            session.exec(
                delete(AgreementCheck).where(col(AgreementCheck.invitation_id) == invitation.id)
            )
        session.add(invitation)
        session.exec(
            delete(OutboxJob).where(
                col(OutboxJob.invitation_id) == invitation.id,
                col(OutboxJob.kind) == JobKind.EMAIL,
                col(OutboxJob.status) == JobStatus.PENDING,
            )
        )


def _expired(session: Session, collaboration: Collaboration, cutoff: datetime) -> bool:
    rounds = session.exec(select(Round).where(Round.collaboration_id == collaboration.id)).all()
    closed = [r.closed_at for r in rounds if r.status == RoundStatus.CLOSED and r.closed_at]
    if not closed or any(r.status == RoundStatus.OPEN for r in rounds):
        return False
    if any(r.status == RoundStatus.DRAFT and r.updated_at >= cutoff for r in rounds):
        return False
    return max(closed) < cutoff


def _participants_of(session: Session, collaboration: Collaboration) -> list[Participant]:
    query = (
        select(Participant)
        .join(Party)
        .where(Party.collaboration_id == collaboration.id)
        .where(col(Participant.erased_at).is_(None))
    )
    return list(session.exec(query))


def _drop_answers(session: Session, collaboration: Collaboration) -> int:
    round_ids = select(Round.id).where(Round.collaboration_id == collaboration.id)
    responses = session.exec(select(Response).where(col(Response.round_id).in_(round_ids)))
    dropped = 0
    for response in responses:
        if response.answers:
            response.answers = {}
            session.add(response)
            dropped += 1
    return dropped
