"""The dashboard tells what changed first, keeps the chosen round, and alerts take a note."""

import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.config import Settings
from app.models import Alert, Collaboration, Role, Round
from app.models.round import RoundCreate
from app.services import demo
from app.services.setup import questionnaires, rounds
from tests.factories import make_organisation
from tests.web.coach.conftest import Browser, browser_for, other_browser


@pytest.fixture
def demo_coach(client: TestClient, session: Session, settings: Settings) -> Browser:
    demo.load_demo(session, settings=settings)
    user = session.exec(select(demo.User).where(demo.User.email == demo.COACH_EMAIL)).one()
    return browser_for(client, user, demo.COACH_PASSWORD)


def _collaboration(session: Session) -> Collaboration:
    return session.exec(select(Collaboration)).one()


def _round_ids(session: Session, collaboration_id: int) -> list[int]:
    """The demo's four closed rounds, in their order (its fifth, open round comes after)."""
    found = session.exec(select(Round).where(Round.collaboration_id == collaboration_id)).all()
    by_label = {r.label: r.id or 0 for r in found}
    return [by_label[label] for label, *_rest in demo.ROUNDS]


def _selected_round(html: str) -> int:
    match = re.search(r'<option value="(\d+)" selected>', html)
    assert match, "no round selected"
    return int(match.group(1))


def test_the_story_comes_first_then_the_matrix_then_the_alerts(
    demo_coach: Browser, session: Session
) -> None:
    html = demo_coach.get(f"/coach/collaborations/{_collaboration(session).id}/dashboard").text
    story, matrix, alerts = (
        html.index('id="story-heading"'),
        html.index('id="matrix-heading"'),
        html.index('id="alerts-heading"'),
    )
    assert story < matrix < alerts
    assert "Wat er veranderde in ‘Halverwege uitvoering’" in html  # noqa: RUF001
    assert "Wegenbouw Rijnland ging van ‘Blind vertrouwen’ naar ‘Geen vertrouwen’." in html  # noqa: RUF001
    assert "Waar het volgende gesprek over kan gaan" in html
    assert html.count("Hoe zeker zijn deze cijfers?") == 1  # explained once
    assert "-0,0" not in html and "−0" not in html  # noqa: RUF001


def test_a_new_round_without_answers_does_not_blank_the_dashboard(
    demo_coach: Browser, session: Session, settings: Settings
) -> None:
    collaboration = _collaboration(session)
    last_measured = _round_ids(session, collaboration.id or 0)[-1]
    fresh = rounds.create_round(
        session,
        organisation_id=collaboration.organisation_id,
        collaboration_id=collaboration.id or 0,
        data=RoundCreate(
            label="Oplevering",
            questionnaire_id=questionnaires.default_questionnaire(session).id or 0,
        ),
    )
    rounds.open_round(
        session,
        organisation_id=collaboration.organisation_id,
        round_id=fresh.id or 0,
        settings=settings,
    )
    html = demo_coach.get(f"/coach/collaborations/{collaboration.id}/dashboard").text
    assert _selected_round(html) == last_measured
    assert f'<option value="{fresh.id}">' in html  # the new round can still be chosen
    assert "Wat er veranderde in ‘Halverwege uitvoering’" in html  # noqa: RUF001


def test_acknowledging_with_a_note_keeps_the_round_and_shows_the_note(
    demo_coach: Browser, session: Session
) -> None:
    collaboration = _collaboration(session)
    second = _round_ids(session, collaboration.id or 0)[1]
    alert = session.exec(
        select(Alert).where(Alert.round_id == second, col(Alert.acknowledged_at).is_(None))
    ).first()
    assert alert is not None
    response = demo_coach.post(
        f"/coach/collaborations/{collaboration.id}/alerts/{alert.id}/acknowledge",
        {"note": "Besproken op de stuurgroep van 3 april.", "round": str(second)},
    )
    assert response.status_code == 303
    location = response.headers["location"]
    assert f"round={second}" in location and location.endswith(f"#alert-{alert.id}")
    html = demo_coach.get(location.split("#")[0]).text
    assert _selected_round(html) == second
    assert "Besproken op de stuurgroep van 3 april." in html
    session.rollback()  # end this session's read snapshot: the app wrote since
    session.refresh(alert)
    assert alert.acknowledged_at is not None
    assert alert.acknowledged_note == "Besproken op de stuurgroep van 3 april."


def test_a_note_that_is_too_long_is_shown_again_with_the_message_and_changes_nothing(
    demo_coach: Browser, session: Session
) -> None:
    collaboration = _collaboration(session)
    alert = session.exec(select(Alert).where(col(Alert.acknowledged_at).is_(None))).first()
    assert alert is not None
    too_long = "x" * 501
    response = demo_coach.post(
        f"/coach/collaborations/{collaboration.id}/alerts/{alert.id}/acknowledge",
        {"note": too_long, "round": str(alert.round_id)},
    )
    assert response.status_code == 422
    assert "Houd de notitie op hoogstens 500 tekens." in response.text
    assert f'id="note-{alert.id}-error"' in response.text and too_long in response.text
    session.rollback()
    session.refresh(alert)
    assert alert.acknowledged_at is None and alert.acknowledged_note is None


def test_another_organisation_cannot_acknowledge_an_alert(
    app, demo_coach: Browser, session: Session
) -> None:  # type: ignore[no-untyped-def]
    collaboration = _collaboration(session)
    alert = session.exec(select(Alert).where(col(Alert.acknowledged_at).is_(None))).first()
    assert alert is not None
    elsewhere = make_organisation(session, name="Ander bureau")
    with TestClient(app) as client:
        stranger = other_browser(client, session, elsewhere, Role.COACH, "vreemd@example.org")
        response = stranger.post(
            f"/coach/collaborations/{collaboration.id}/alerts/{alert.id}/acknowledge",
            {"note": "niet van mij"},
        )
        assert response.status_code == 404
        story = stranger.get(f"/coach/collaborations/{collaboration.id}/dashboard")
        assert story.status_code == 404 and "Rijnland" not in story.text
    session.rollback()
    session.refresh(alert)
    assert alert.acknowledged_at is None


def test_an_alert_of_another_collaboration_is_not_found_under_this_one(
    demo_coach: Browser, session: Session
) -> None:
    alert = session.exec(select(Alert)).first()
    assert alert is not None
    response = demo_coach.post(
        f"/coach/collaborations/{alert.collaboration_id + 999}/alerts/{alert.id}/acknowledge", {}
    )
    assert response.status_code == 404


def test_the_language_switch_returns_to_the_chosen_round(
    demo_coach: Browser, session: Session
) -> None:
    collaboration = _collaboration(session)
    first = _round_ids(session, collaboration.id or 0)[0]
    dashboard = f"/coach/collaborations/{collaboration.id}/dashboard"
    url = f"{dashboard}?round={first}&notice=alert_acknowledged"
    html = demo_coach.get(url).text
    expected = (
        f'name="next" value="/coach/collaborations/{collaboration.id}/dashboard?round={first}"'
    )
    assert expected in html  # the round stays, the old notice does not come back
    switched = demo_coach.post(
        "/coach/language",
        {
            "language": "en",
            "next": f"/coach/collaborations/{collaboration.id}/dashboard?round={first}",
        },
    )
    assert switched.status_code == 303
    english = demo_coach.get(switched.headers["location"]).text
    assert _selected_round(english) == first
    assert "What changed in “Nulmeting voorbereiding”" in english
    assert "This is the first round" in english


def test_the_report_lists_each_alert_once_and_nothing_of_a_later_round(
    demo_coach: Browser, session: Session
) -> None:
    collaboration = _collaboration(session)
    ids = _round_ids(session, collaboration.id or 0)
    second = ids[1]
    html = demo_coach.get(f"/coach/collaborations/{collaboration.id}/report?round={second}").text
    assert "Na gunning" not in html and "Halverwege uitvoering" not in html  # later rounds
    alerts = session.exec(select(Alert).where(Alert.round_id == second)).all()
    assert alerts
    items = re.findall(r'<p class="alert-item__what">(.*?)</p>', html)
    assert len(items) == len(alerts) == len(set(items))
    assert "Wat er veranderde in ‘Marktconsultatie’" in html  # noqa: RUF001
