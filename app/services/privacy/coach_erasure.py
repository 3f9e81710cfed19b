"""Erasing one participant of a collaboration from the coach's pages (GDPR), exactly once."""

from dataclasses import dataclass

from sqlmodel import Session

from app.errors import Conflict, NotFound
from app.infra.unit_of_work import unit_of_work
from app.models import Participant, Party
from app.services.access.lookups import get_collaboration
from app.services.privacy import erasure as privacy


class AlreadyErased(Conflict):
    """The participant was erased before; there is nothing left to remove."""


@dataclass(frozen=True, slots=True)
class ErasureCandidate:
    participant: Participant
    party: Party


def erasure_candidate(
    session: Session, *, organisation_id: int, collaboration_id: int, participant_id: int
) -> ErasureCandidate:
    """The person the confirmation page names; NotFound outside this collaboration."""
    get_collaboration(session, organisation_id=organisation_id, collaboration_id=collaboration_id)
    participant = session.get(Participant, participant_id)
    party = session.get(Party, participant.party_id) if participant is not None else None
    if participant is None or party is None or party.collaboration_id != collaboration_id:
        raise NotFound(f"No participant {participant_id} in collaboration {collaboration_id}.")
    if participant.erased_at is not None:
        raise AlreadyErased(f"Participant {participant.pseudonym} was already erased.")
    return ErasureCandidate(participant, party)


def erase_from_collaboration(
    session: Session,
    *,
    organisation_id: int,
    collaboration_id: int,
    participant_id: int,
    user_id: int,
) -> Participant:
    """Erase the participant (see privacy.erase_participant), audited under the coach's name.

    Checked inside the write transaction, so two clicks erase once and the second is told.
    """
    with unit_of_work(session):
        erasure_candidate(
            session,
            organisation_id=organisation_id,
            collaboration_id=collaboration_id,
            participant_id=participant_id,
        )
        return privacy.erase_participant(
            session,
            participant_id=participant_id,
            organisation_id=organisation_id,
            user_id=user_id,
        )
