"""Plain factory functions with keyword overrides; each commits through the real services."""

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from app.config import Settings
from app.models import Agreement, Collaboration, Participant, Party, Role, Round, User
from app.models.agreement import AgreementCreate
from app.models.collaboration import CollaborationCreate, ParticipantCreate, PartyCreate
from app.models.round import RoundCreate
from app.services.agreements import agreements
from app.services.identity import api_keys, organisations
from app.services.setup import collaborations, questionnaires, rounds
from app.services.setup.rounds import IssuedInvitation

DEFAULT_PASSWORD = "a-long-test-password-42"


def make_organisation(session: Session, *, name: str = "Gemeente Testdorp") -> int:
    organisation = organisations.get_or_create_organisation(session, name=name)
    assert organisation.id is not None
    return organisation.id


def make_user(
    session: Session,
    *,
    organisation_id: int,
    email: str = "coach@example.org",
    role: Role = Role.COACH,
    password: str = DEFAULT_PASSWORD,
) -> User:
    return organisations.create_user(
        session, organisation_id=organisation_id, email=email, password=password, role=role
    )


def make_api_key(
    session: Session, *, organisation_id: int, scopes: tuple[str, ...] = ("read", "write")
) -> str:
    return api_keys.create_api_key(
        session, organisation_id=organisation_id, name="test key", scopes=scopes
    ).secret


def make_collaboration(
    session: Session, *, organisation_id: int, **overrides: Any
) -> Collaboration:
    data = CollaborationCreate(**{"name": "Circulaire bruggen", **overrides})
    return collaborations.create_collaboration(session, organisation_id=organisation_id, data=data)


def make_party(
    session: Session, *, organisation_id: int, collaboration_id: int, name: str = "Gemeente"
) -> Party:
    return collaborations.create_party(
        session,
        organisation_id=organisation_id,
        collaboration_id=collaboration_id,
        data=PartyCreate(name=name),
    )


def make_participant(
    session: Session, *, organisation_id: int, party_id: int, **overrides: Any
) -> Participant:
    return collaborations.add_participant(
        session,
        organisation_id=organisation_id,
        party_id=party_id,
        data=ParticipantCreate(**overrides),
    )


def make_round(
    session: Session, *, organisation_id: int, collaboration_id: int, **overrides: Any
) -> Round:
    questionnaire = questionnaires.default_questionnaire(session)
    data = RoundCreate(**{"label": "Nulmeting", "questionnaire_id": questionnaire.id, **overrides})
    return rounds.create_round(
        session, organisation_id=organisation_id, collaboration_id=collaboration_id, data=data
    )


@dataclass
class OpenCollaboration:
    """A collaboration with parties and participants and one open round, tokens at hand."""

    organisation_id: int
    collaboration: Collaboration
    parties: list[Party]
    round: Round
    invitations: list[IssuedInvitation]

    def tokens_of(self, party: Party) -> list[str]:
        return [
            item.token
            for item in self.invitations
            if item.invitation.party_id == party.id and item.token
        ]


def make_open_collaboration(
    session: Session,
    *,
    settings: Settings,
    organisation_id: int | None = None,
    party_names: tuple[str, ...] = ("Gemeente Utrecht", "Aannemer BV"),
    participants_per_party: int = 3,
    **collaboration_overrides: Any,
) -> OpenCollaboration:
    organisation_id = organisation_id or make_organisation(session)
    collaboration = make_collaboration(
        session, organisation_id=organisation_id, **collaboration_overrides
    )
    assert collaboration.id is not None
    parties = []
    for name in party_names:
        party = make_party(
            session, organisation_id=organisation_id, collaboration_id=collaboration.id, name=name
        )
        assert party.id is not None
        for number in range(participants_per_party):
            make_participant(
                session,
                organisation_id=organisation_id,
                party_id=party.id,
                name=f"{name} {number + 1}",
                email=f"p{party.id}-{number}@example.org",
            )
        parties.append(party)
    round_ = make_round(session, organisation_id=organisation_id, collaboration_id=collaboration.id)
    assert round_.id is not None
    issued = rounds.open_round(
        session, organisation_id=organisation_id, round_id=round_.id, settings=settings
    )
    return OpenCollaboration(organisation_id, collaboration, parties, round_, issued)


@dataclass
class CheckingRound:
    """An agreement made after the first round and checked in the second, which is open."""

    agreement: Agreement
    round: Round
    issued: list[IssuedInvitation]


def make_checking_round(
    session: Session, *, world: OpenCollaboration, settings: Settings
) -> CheckingRound:
    """Close `world`'s round; the second party ("contractor") agrees with the first to keep
    its commitments ("Afspraken nakomen"), checked in a second round that is then opened."""
    organisation_id, collaboration_id = world.organisation_id, world.collaboration.id or 0
    municipality, contractor = (p.id or 0 for p in world.parties[:2])
    rounds.close_round(session, organisation_id=organisation_id, round_id=world.round.id or 0)
    second = make_round(
        session,
        organisation_id=organisation_id,
        collaboration_id=collaboration_id,
        label="Tweede meting",
    )
    agreement = agreements.create_agreement(
        session,
        organisation_id=organisation_id,
        collaboration_id=collaboration_id,
        data=AgreementCreate(
            title="Afspraken nakomen",
            committing_party_ids=[contractor],
            target_party_id=municipality,
            round_id=world.round.id or 0,
            check_round_id=second.id,
        ),
    )
    issued = rounds.open_round(
        session, organisation_id=organisation_id, round_id=second.id or 0, settings=settings
    )
    return CheckingRound(agreement, second, issued)
