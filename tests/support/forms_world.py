"""A collaboration measured with Smart Trust v2 (kinds, meta scale, comments), for the tests."""

from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, select

from app.config import Settings
from app.models import Collaboration, Party, Questionnaire, Round
from app.models.collaboration import ParticipantCreate, PartyCreate, PartyKind
from app.models.response import AnswerIn
from app.models.round import RoundCreate
from app.scoring.questionnaire import QuestionnaireDefinition
from app.services.answering import invitation_state, responses
from app.services.setup import collaborations, questionnaires, rounds
from tests.factories import make_collaboration, make_organisation


@dataclass
class FormsWorld:
    organisation_id: int
    collaboration: Collaboration
    client: Party
    contractor: Party
    round: Round
    definition: QuestionnaireDefinition
    tokens: dict[int, list[str]] = field(default_factory=dict)  # party id -> tokens


def builtin(session: Session, key: str, version: int) -> Questionnaire:
    query = select(Questionnaire).where(
        Questionnaire.organisation_id.is_(None),  # type: ignore[union-attr]
        Questionnaire.key == key,
        Questionnaire.version == version,
    )
    return session.exec(query).one()


def make_forms_world(
    session: Session,
    *,
    settings: Settings,
    people: int = 3,
    key: str = "smart-trust",
    version: int = 2,
    organisation_id: int | None = None,
    **collaboration: Any,
) -> FormsWorld:
    """A client and a contractor with `people` participants each and one open round."""
    organisation_id = organisation_id or make_organisation(session)
    made = make_collaboration(session, organisation_id=organisation_id, **collaboration)
    assert made.id is not None
    parties = []
    for name, kind in (
        ("Gemeente Utrecht", PartyKind.CLIENT),
        ("Aannemer BV", PartyKind.CONTRACTOR),
    ):
        party = collaborations.create_party(
            session,
            organisation_id=organisation_id,
            collaboration_id=made.id,
            data=PartyCreate(name=name, kind=kind),
        )
        assert party.id is not None
        for number in range(people):
            collaborations.add_participant(
                session,
                organisation_id=organisation_id,
                party_id=party.id,
                data=ParticipantCreate(name=f"{name} {number + 1}"),
            )
        parties.append(party)
    questionnaire = builtin(session, key, version)
    round_ = rounds.create_round(
        session,
        organisation_id=organisation_id,
        collaboration_id=made.id,
        data=RoundCreate(label="Nulmeting", questionnaire_id=questionnaire.id),
    )
    assert round_.id is not None
    issued = rounds.open_round(
        session, organisation_id=organisation_id, round_id=round_.id, settings=settings
    )
    world = FormsWorld(
        organisation_id,
        made,
        parties[0],
        parties[1],
        round_,
        questionnaires.definition_of(questionnaire),
    )
    for item in issued:
        assert item.token is not None
        world.tokens.setdefault(item.invitation.party_id, []).append(item.token)
    return world


def answer_all(
    session: Session,
    world: FormsWorld,
    token: str,
    *,
    value_of: dict[str, int],
    default: int = 4,
    final: bool = True,
) -> None:
    """Answer every statement asked about the one target: per scale key the value its score
    should rest on (reverse-keyed statements answered mirrored), else `default`."""
    context = invitation_state.load_invitation(session, token=token)
    (target,) = context.invitation.target_party_ids
    kind = context.invitation.target_kinds[str(target)]
    answers = []
    for item in world.definition.items:
        if item.fits(kind):
            value = value_of.get(item.scale, default)
            value = 8 - value if item.reverse else value
            answers.append(AnswerIn(target_party_id=target, item_id=item.id, value=value))
    responses.submit_answers(session, token=token, answers=answers, final=final)
