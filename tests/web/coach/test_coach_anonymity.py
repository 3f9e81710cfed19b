"""The anonymity promise on the settings form: stricter at any time, looser only before answers."""

from sqlmodel import Session

from app.config import Settings
from app.models import Collaboration
from app.models.response import AnswerIn
from app.services.answering import invitation_state, responses
from tests.factories import make_open_collaboration
from tests.web.coach.conftest import Browser
from tests.web.coach.test_coach_setup import VALID


def _answered(session: Session, settings: Settings, organisation_id: int) -> Collaboration:
    world = make_open_collaboration(
        session, settings=settings, organisation_id=organisation_id, anonymity_threshold=4
    )
    context = invitation_state.load_invitation(session, token=world.tokens_of(world.parties[0])[0])
    target = context.invitation.target_party_ids[0]
    answer = AnswerIn(target_party_id=target, item_id=context.definition.items[0].id, value=5)
    responses.save_answers(session, context=context, answers=[answer], final=False)
    return world.collaboration


def test_a_lower_threshold_after_answers_is_refused_next_to_the_field(
    coach: Browser, session: Session, settings: Settings
) -> None:
    collaboration = _answered(session, settings, coach.user.organisation_id)
    path = f"/coach/collaborations/{collaboration.id}/edit"
    answer = coach.post(path, {**VALID, "name": "Nieuwe naam", "anonymity_threshold": "3"})
    assert answer.status_code == 422
    assert 'id="anonymity_threshold-error"' in answer.text
    assert "kunt de drempel nu nog verhogen, maar niet meer verlagen" in answer.text
    session.refresh(collaboration)
    assert (collaboration.name, collaboration.anonymity_threshold) == ("Circulaire bruggen", 4)


def test_a_higher_threshold_after_answers_is_saved(
    coach: Browser, session: Session, settings: Settings
) -> None:
    collaboration = _answered(session, settings, coach.user.organisation_id)
    path = f"/coach/collaborations/{collaboration.id}/edit"
    answer = coach.post(path, {**VALID, "anonymity_threshold": "6"})
    assert answer.status_code == 303
    session.refresh(collaboration)
    assert collaboration.anonymity_threshold == 6
