"""Collaborations and their parties and participants, always within one organisation."""

import secrets
from datetime import datetime

from sqlmodel import Session, select

from app.errors import Conflict, FieldProblem, InvalidInput
from app.infra.unit_of_work import unit_of_work
from app.models import Collaboration, Participant, Party
from app.models.collaboration import (
    CLEARABLE_SETTINGS,
    CollaborationCreate,
    CollaborationUpdate,
    ParticipantCreate,
    PartyCreate,
)
from app.services.access.lookups import get_collaboration, get_party
from app.services.access.paging import fetch_page
from app.services.setup import anonymity


def create_collaboration(
    session: Session, *, organisation_id: int, data: CollaborationCreate
) -> Collaboration:
    with unit_of_work(session):
        collaboration = Collaboration(organisation_id=organisation_id, **data.model_dump())
        session.add(collaboration)
    return collaboration


def list_collaborations(
    session: Session,
    *,
    organisation_id: int,
    after_id: int | None = None,
    updated_since: datetime | None = None,
    limit: int = 50,
) -> list[Collaboration]:
    query = select(Collaboration).where(Collaboration.organisation_id == organisation_id)
    return fetch_page(
        session, query, Collaboration, after_id=after_id, updated_since=updated_since, limit=limit
    )


def update_collaboration(
    session: Session, *, organisation_id: int, collaboration_id: int, data: CollaborationUpdate
) -> Collaboration:
    with unit_of_work(session):
        collaboration = get_collaboration(
            session, organisation_id=organisation_id, collaboration_id=collaboration_id
        )
        changes = data.model_dump(exclude_unset=True)
        refused = [
            FieldProblem(field, "may not be null")
            for field, value in changes.items()
            if value is None and field not in CLEARABLE_SETTINGS
        ]
        if refused:
            raise InvalidInput(
                "Some settings cannot be emptied; nothing was changed.", problems=refused
            )
        anonymity.refuse_loosening(session, collaboration=collaboration, changes=changes)
        for field, value in changes.items():
            setattr(collaboration, field, value)
        session.add(collaboration)
    return collaboration


def create_party(
    session: Session, *, organisation_id: int, collaboration_id: int, data: PartyCreate
) -> Party:
    with unit_of_work(session):
        get_collaboration(
            session, organisation_id=organisation_id, collaboration_id=collaboration_id
        )
        duplicate = session.exec(
            select(Party).where(Party.collaboration_id == collaboration_id, Party.name == data.name)
        ).first()
        if duplicate is not None:
            raise Conflict(
                f"This collaboration already has a party called '{data.name}'.",
                code="party.name_taken",
            )
        party = Party(collaboration_id=collaboration_id, name=data.name, kind=data.kind)
        session.add(party)
    return party


def list_parties(
    session: Session,
    *,
    organisation_id: int,
    collaboration_id: int,
    after_id: int | None = None,
    updated_since: datetime | None = None,
    limit: int = 500,
) -> list[Party]:
    get_collaboration(session, organisation_id=organisation_id, collaboration_id=collaboration_id)
    query = select(Party).where(Party.collaboration_id == collaboration_id)
    return fetch_page(
        session, query, Party, after_id=after_id, updated_since=updated_since, limit=limit
    )


def add_participant(
    session: Session, *, organisation_id: int, party_id: int, data: ParticipantCreate
) -> Participant:
    with unit_of_work(session):
        party = get_party(session, organisation_id=organisation_id, party_id=party_id)
        if data.external_ref:
            clash = session.exec(
                select(Participant)
                .join(Party)
                .where(
                    Party.collaboration_id == party.collaboration_id,
                    Participant.external_ref == data.external_ref,
                )
            ).first()
            if clash is not None:
                raise Conflict(
                    f"A participant with external_ref '{data.external_ref}' already exists in this"
                    " collaboration."
                )
        participant = Participant(
            party_id=party_id,
            pseudonym=new_pseudonym(),
            name=data.name,
            email=str(data.email).lower() if data.email else None,
            external_ref=data.external_ref,
            language=data.language,
        )
        session.add(participant)
    return participant


def new_pseudonym() -> str:
    """A stable identity for a participant that says nothing about who they are."""
    return "P-" + secrets.token_hex(6).upper()


def list_participants(
    session: Session,
    *,
    organisation_id: int,
    party_id: int,
    after_id: int | None = None,
    updated_since: datetime | None = None,
    limit: int = 500,
) -> list[Participant]:
    get_party(session, organisation_id=organisation_id, party_id=party_id)
    query = select(Participant).where(Participant.party_id == party_id)
    return fetch_page(
        session, query, Participant, after_id=after_id, updated_since=updated_since, limit=limit
    )
