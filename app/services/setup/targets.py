"""Who rates whom: the parties each participant is asked about (default: every other party)."""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, select

from app.errors import FieldProblem, InvalidInput, NotFound
from app.infra.unit_of_work import unit_of_work
from app.models import Participant, Party
from app.services.access.lookups import get_party

FIELD = "target_party_ids"


def get_participant(session: Session, *, organisation_id: int, participant_id: int) -> Participant:
    participant = session.get(Participant, participant_id)
    if participant is not None and participant.erased_at is None:
        try:
            get_party(session, organisation_id=organisation_id, party_id=participant.party_id)
        except NotFound:
            pass
        else:
            return participant
    raise NotFound(f"No participant {participant_id} in your organisation.")


def set_participant_targets(
    session: Session,
    *,
    organisation_id: int,
    participant_id: int,
    target_party_ids: Sequence[int] | None,
) -> Participant:
    """Ask one participant about these parties only; None goes back to every other party.

    Rounds already open keep the targets their invitations were made with.
    """
    with unit_of_work(session):
        participant = get_participant(
            session, organisation_id=organisation_id, participant_id=participant_id
        )
        own = get_party(session, organisation_id=organisation_id, party_id=participant.party_id)
        participant.target_party_ids = _checked(session, own, target_party_ids)
        session.add(participant)
    return participant


def set_party_targets(
    session: Session, *, organisation_id: int, party_id: int, target_party_ids: Sequence[int] | None
) -> list[Participant]:
    """The same targets for every participant of a party at once (all or nothing)."""
    with unit_of_work(session):
        own = get_party(session, organisation_id=organisation_id, party_id=party_id)
        targets = _checked(session, own, target_party_ids)
        participants = sorted(_people(session, party_id), key=lambda p: p.id or 0)
        for participant in participants:
            participant.target_party_ids = targets
            session.add(participant)
    return list(participants)


def _checked(session: Session, own: Party, wanted: Sequence[int] | None) -> list[int] | None:
    """The wanted targets in collaboration order; InvalidInput naming each bad id."""
    if wanted is None:
        return None
    others = [p.id for p in _parties(session, own.collaboration_id) if p.id != own.id]
    problems = []
    if not wanted:
        problems.append(FieldProblem(FIELD, "choose at least one party to rate"))
    for index, party_id in enumerate(wanted):
        where = f"{FIELD}.{index}"
        if party_id == own.id:
            problems.append(FieldProblem(where, "a party does not rate itself"))
        elif party_id not in others:
            problems.append(FieldProblem(where, f"party {party_id} is not in this collaboration"))
        elif list(wanted).index(party_id) != index:
            problems.append(FieldProblem(where, f"party {party_id} is listed twice"))
    if problems:
        raise InvalidInput("These parties cannot be rated by this participant.", problems=problems)
    return [party_id for party_id in others if party_id in wanted and party_id is not None]


def _parties(session: Session, collaboration_id: int) -> list[Party]:
    query = select(Party).where(Party.collaboration_id == collaboration_id).order_by(col(Party.id))
    return list(session.exec(query).all())


def invitation_targets(
    participant: Participant, parties: Sequence[Party]
) -> tuple[list[int], dict[str, str]]:
    """The target party ids of a new invitation, and each target's kind as the items need it.

    A chosen target that has left the collaboration since is skipped; if none is left, the
    participant rates every other party rather than nobody.
    """
    others = [p for p in parties if p.id is not None and p.id != participant.party_id]
    chosen = participant.target_party_ids
    targets = [p for p in others if chosen is None or p.id in chosen] or others
    return [p.id for p in targets if p.id is not None], {str(p.id): p.kind.value for p in targets}


@dataclass(frozen=True, slots=True)
class TargetsChoice:
    """What the coach's "who rates whom" form shows for one participant or one party."""

    who: str  # the participant's name (or pseudonym), or the party's name
    party: Party  # the party they answer for
    others: list[Party]  # the parties they could rate
    chosen: set[int]  # ticked now: the stored choice, or every other party by default


def participant_choice(
    session: Session, *, organisation_id: int, collaboration_id: int, participant_id: int
) -> TargetsChoice:
    participant = get_participant(
        session, organisation_id=organisation_id, participant_id=participant_id
    )
    party = _party_in(session, organisation_id, collaboration_id, participant.party_id)
    who = participant.name or participant.email or participant.pseudonym
    return _choice(session, who, party, participant.target_party_ids)


def party_choice(
    session: Session, *, organisation_id: int, collaboration_id: int, party_id: int
) -> TargetsChoice:
    party = _party_in(session, organisation_id, collaboration_id, party_id)
    chosen = {tuple(p.target_party_ids or ()) for p in _people(session, party_id)}
    # The party's choice is shown only when all its people share one; else the default.
    shared = list(next(iter(chosen))) if len(chosen) == 1 and () not in chosen else None
    return _choice(session, party.name, party, shared)


def _party_in(
    session: Session, organisation_id: int, collaboration_id: int, party_id: int
) -> Party:
    party = get_party(session, organisation_id=organisation_id, party_id=party_id)
    if party.collaboration_id != collaboration_id:
        raise NotFound(f"No party {party_id} in this collaboration.")
    return party


def _people(session: Session, party_id: int) -> list[Participant]:
    query = (
        select(Participant)
        .where(Participant.party_id == party_id)
        .where(col(Participant.erased_at).is_(None))
    )
    return list(session.exec(query).all())


def _choice(session: Session, who: str, party: Party, chosen: list[int] | None) -> TargetsChoice:
    others = [p for p in _parties(session, party.collaboration_id) if p.id != party.id]
    ticked = {p.id for p in others if p.id is not None and (chosen is None or p.id in chosen)}
    return TargetsChoice(who, party, others, ticked)
