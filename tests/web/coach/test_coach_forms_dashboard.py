"""The dashboard's mirror of expectations, comments, answering time and form marker."""

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.config import Settings
from app.models import Role
from app.services.answering import comments, invitation_state
from app.services.setup import rounds
from tests.factories import make_user
from tests.support.forms_world import FormsWorld, answer_all, make_forms_world
from tests.web.coach.conftest import browser_for


def _world(session: Session, settings: Settings, commenters: int) -> FormsWorld:
    world = make_forms_world(session, settings=settings, people=5)
    for token in world.tokens[world.client.id]:  # type: ignore[index]
        answer_all(session, world, token, value_of={"propensity": 4, "meta": 7})
    for number, token in enumerate(world.tokens[world.contractor.id]):  # type: ignore[index]
        if number < commenters:
            context = invitation_state.load_invitation(session, token=token)
            comments.save_comment(
                session,
                context=context,
                target_party_id=world.client.id or 0,
                text=f"Sneller besluiten\nover meerwerk ({number})",
            )
        answer_all(session, world, token, value_of={"propensity": 7, "meta": 1})
    # Figures exist only once the round is closed (an open round's would give answers away).
    rounds.close_round(session, organisation_id=world.organisation_id, round_id=world.round.id or 0)
    return world


def _dashboard(client: TestClient, session: Session, world: FormsWorld) -> str:
    coach = make_user(
        session, organisation_id=world.organisation_id, email="coach@example.org", role=Role.COACH
    )
    browser = browser_for(client, coach)
    page = browser.get(f"/coach/collaborations/{world.collaboration.id}/dashboard")
    assert page.status_code == 200
    return page.text


def test_the_coach_sees_the_mirror_and_five_comments(
    client: TestClient, session: Session, settings: Settings
) -> None:
    html = _dashboard(client, session, _world(session, settings, commenters=5))
    assert "The mirror of expectations" in html or "De spiegel van verwachtingen" in html
    # The contractor thinks the client trusts it at 0; the client's propensity is 50: -50.
    # The client thinks it is trusted at 100, and the contractor's propensity is 100: +0.
    mirror = html[html.index('id="expectations-heading"') : html.index('id="comments-heading"')]
    assert ">-50<" in mirror and ">+0<" in mirror
    assert html.count('class="comment"') == 5
    assert "Sneller besluiten" in html
    assert "Aannemer BV 1" not in html


def test_four_comments_show_nothing_on_the_dashboard(
    client: TestClient, session: Session, settings: Settings
) -> None:
    html = _dashboard(client, session, _world(session, settings, commenters=4))
    assert "Sneller besluiten" not in html
    assert 'class="comment"' not in html


def test_the_printable_report_holds_the_mirror_too(
    client: TestClient, session: Session, settings: Settings
) -> None:
    world = _world(session, settings, commenters=0)
    _dashboard(client, session, world)  # signs the coach in
    report = client.get(f"/coach/collaborations/{world.collaboration.id}/report")
    assert report.status_code == 200
    assert 'id="expectations-heading"' in report.text and ">-50<" in report.text
