"""A collaboration's alert thresholds decide which alerts closing a round raises."""

import pytest
from sqlmodel import Session, select

from app.config import Settings
from app.models import Alert, AlertKind
from app.models.response import AnswerIn
from app.models.round import RoundCreate
from app.scoring import smart_trust_v1
from app.services.answering import invitation_state, responses
from app.services.setup import questionnaires, rounds
from app.services.setup.rounds import IssuedInvitation
from tests.factories import OpenCollaboration, make_open_collaboration


def _answer(
    session: Session, issued: list[IssuedInvitation], party_id: int | None, value: int, *, n: int
) -> None:
    """The first `n` people of a party answer `value` to every item (reverse items mirrored)."""
    definition = smart_trust_v1()
    tokens = [i.token for i in issued if i.invitation.party_id == party_id and i.token][:n]
    for token in tokens:
        invitation = invitation_state.load_invitation(session, token=token).invitation
        answers = [
            AnswerIn(
                target_party_id=target,
                item_id=item.id,
                value=definition.range.min + definition.range.max - value
                if item.reverse
                else value,
            )
            for target in invitation.target_party_ids
            for item in definition.items
        ]
        responses.submit_answers(session, token=token, answers=answers, final=True)


def _raised(session: Session, kind: AlertKind) -> set[int]:
    return {a.party_id for a in session.exec(select(Alert).where(Alert.kind == kind))}


@pytest.mark.parametrize(
    ("percent", "alerted"),
    [(50.0, False), (60.0, True), (0.0, False)],
    ids=["2 of 4 is not under 50%", "2 of 4 is under 60%", "0 switches it off"],
)
def test_the_participation_threshold_decides_the_low_participation_alert(
    session: Session, settings: Settings, percent: float, alerted: bool
) -> None:
    world = make_open_collaboration(
        session, settings=settings, participants_per_party=4, alert_participation_percent=percent
    )
    first, second = (party.id for party in world.parties)
    _answer(session, world.invitations, first, 6, n=4)
    _answer(session, world.invitations, second, 6, n=2)
    rounds.close_round(session, organisation_id=world.organisation_id, round_id=world.round.id)
    assert _raised(session, AlertKind.LOW_PARTICIPATION) == ({second} if alerted else set())


def _second_round(session: Session, settings: Settings, world: OpenCollaboration) -> int:
    rounds.close_round(session, organisation_id=world.organisation_id, round_id=world.round.id)
    questionnaire = questionnaires.default_questionnaire(session)
    second = rounds.create_round(
        session,
        organisation_id=world.organisation_id,
        collaboration_id=world.collaboration.id or 0,
        data=RoundCreate(label="Na gunning", questionnaire_id=questionnaire.id or 0),
    )
    assert second.id is not None
    issued = rounds.open_round(
        session, organisation_id=world.organisation_id, round_id=second.id, settings=settings
    )
    for party in world.parties:
        _answer(session, issued, party.id, 6 if party is world.parties[0] else 5, n=4)
    return second.id


@pytest.mark.parametrize(
    ("points", "alerted"),
    [(10.0, True), (20.0, False)],
    ids=["a 16.7-point drop reaches 10", "a 16.7-point drop stays under 20"],
)
def test_the_decline_threshold_decides_the_decline_alert(
    session: Session, settings: Settings, points: float, alerted: bool
) -> None:
    world = make_open_collaboration(
        session, settings=settings, participants_per_party=4, alert_decline_points=points
    )
    for party in world.parties:
        _answer(session, world.invitations, party.id, 6, n=4)
    second = _second_round(session, settings, world)
    rounds.close_round(session, organisation_id=world.organisation_id, round_id=second)
    declined = _raised(session, AlertKind.DECLINE)
    assert declined == ({world.parties[1].id} if alerted else set())
