"""Tenant-checked lookups: load a resource of the caller's organisation, or NotFound."""

from sqlmodel import Session

from app.errors import NotFound
from app.models import Collaboration, Party, Round


def get_collaboration(
    session: Session, *, organisation_id: int, collaboration_id: int
) -> Collaboration:
    collaboration = session.get(Collaboration, collaboration_id)
    if collaboration is None or collaboration.organisation_id != organisation_id:
        raise NotFound(f"No collaboration {collaboration_id} in your organisation.")
    return collaboration


def get_party(session: Session, *, organisation_id: int, party_id: int) -> Party:
    party = session.get(Party, party_id)
    if party is not None:
        collaboration = session.get(Collaboration, party.collaboration_id)
        if collaboration is not None and collaboration.organisation_id == organisation_id:
            return party
    raise NotFound(f"No party {party_id} in your organisation.")


def get_round(session: Session, *, organisation_id: int, round_id: int) -> Round:
    round_ = session.get(Round, round_id)
    if round_ is not None:
        collaboration = session.get(Collaboration, round_.collaboration_id)
        if collaboration is not None and collaboration.organisation_id == organisation_id:
            return round_
    raise NotFound(f"No round {round_id} in your organisation.")
