"""Alert thresholds in the collaboration's settings form: shown, explained, validated, saved."""

from typing import Any

import pytest
from sqlmodel import Session, select

from app.config import Settings
from app.models import Collaboration
from tests.factories import make_collaboration, make_open_collaboration, make_organisation
from tests.web.coach.conftest import Browser

VALID = {
    "name": "Circulaire bruggen",
    "description": "",
    "language": "nl",
    "anonymity_threshold": "3",
    "propensity_cutoff": "50",
    "analysis_cutoff": "50",
    "borderline_margin": "5",
    "reminder_days_before_close": "3",
    "alert_decline_points": "8",
    "alert_participation_percent": "40",
}


def _fresh(session: Session, collaboration_id: int | None) -> Collaboration:
    session.rollback()
    session.expire_all()  # reload what the app committed
    found = session.get(Collaboration, collaboration_id)
    assert found is not None
    return found


def _thresholds(collaboration: Collaboration) -> tuple[Any, ...]:
    return (
        collaboration.name,
        collaboration.alert_decline_points,
        collaboration.alert_participation_percent,
    )


def test_the_settings_form_shows_and_explains_the_alert_thresholds(
    coach: Browser, session: Session
) -> None:
    collaboration = make_collaboration(session, organisation_id=coach.user.organisation_id)
    form = coach.get(f"/coach/collaborations/{collaboration.id}/edit")
    assert form.status_code == 200
    assert '<legend class="field__label">Signalen</legend>' in form.text
    assert '<label class="field__label" for="alert_decline_points">' in form.text
    assert 'id="alert_decline_points" name="alert_decline_points" value="5.0"' in form.text
    assert (
        'value="50.0"' in form.text
        and 'aria-describedby="alert_participation_percent-hint"' in (form.text)
    )
    assert "het 95%-interval van de verandering helemaal onder 0 ligt" in form.text
    assert "0 zet dit signaal uit." in form.text
    assert "dat volgt de grenzen hierboven" in form.text


def test_a_coach_changes_the_thresholds_and_the_overview_shows_them(
    coach: Browser, session: Session
) -> None:
    collaboration = make_collaboration(session, organisation_id=coach.user.organisation_id)
    answer = coach.post(
        f"/coach/collaborations/{collaboration.id}/edit",
        {**VALID, "alert_decline_points": "7,5"},
    )
    assert answer.status_code == 303
    assert _thresholds(_fresh(session, collaboration.id))[1:] == (7.5, 40.0)
    overview = coach.get(answer.headers["location"])
    assert "een daling van 7,5 punten of meer; een respons onder 40%" in overview.text


def test_a_new_collaboration_can_start_with_its_own_thresholds(
    coach: Browser, session: Session
) -> None:
    answer = coach.post("/coach/collaborations/new", VALID)
    assert answer.status_code == 303
    session.rollback()
    (created,) = session.exec(select(Collaboration)).all()
    assert _thresholds(created)[1:] == (8.0, 40.0)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("alert_decline_points", "0", "Vul een getal in boven 0."),
        ("alert_decline_points", "51", "Vul een getal in van hoogstens 50."),
        ("alert_decline_points", "veel", "Vul een getal in."),
        ("alert_decline_points", "", "Vul dit in."),
        ("alert_participation_percent", "-1", "Vul een getal in van minstens 0."),
        ("alert_participation_percent", "101", "Vul een getal in van hoogstens 100."),
        ("alert_participation_percent", "", "Vul dit in."),
    ],
)
def test_a_bad_threshold_is_named_next_to_its_field_and_nothing_is_saved(
    coach: Browser, session: Session, field: str, value: str, message: str
) -> None:
    collaboration = make_collaboration(session, organisation_id=coach.user.organisation_id)
    answer = coach.post(
        f"/coach/collaborations/{collaboration.id}/edit",
        {**VALID, "name": "Nieuwe naam", field: value},
    )
    assert answer.status_code == 422
    assert f'<p class="field-error" id="{field}-error">{message}</p>' in answer.text
    assert f'<a href="#{field}">' in answer.text  # the summary at the top links to the field
    assert _thresholds(_fresh(session, collaboration.id)) == ("Circulaire bruggen", 5.0, 50.0)


@pytest.mark.parametrize("token", ["", "forged"], ids=["missing token", "wrong token"])
def test_thresholds_sent_without_the_forms_token_change_nothing(
    coach: Browser, session: Session, token: str
) -> None:
    collaboration = make_collaboration(session, organisation_id=coach.user.organisation_id)
    answer = coach.post(
        f"/coach/collaborations/{collaboration.id}/edit", {**VALID, "csrf_token": token}
    )
    assert answer.status_code == 403
    assert _thresholds(_fresh(session, collaboration.id))[1:] == (5.0, 50.0)


def test_a_viewer_cannot_change_the_thresholds(viewer: Browser, session: Session) -> None:
    collaboration = make_collaboration(session, organisation_id=viewer.user.organisation_id)
    assert viewer.get(f"/coach/collaborations/{collaboration.id}/edit").status_code == 403
    answer = viewer.post(f"/coach/collaborations/{collaboration.id}/edit", VALID)
    assert answer.status_code == 403
    assert _thresholds(_fresh(session, collaboration.id))[1:] == (5.0, 50.0)


def test_another_organisations_thresholds_do_not_exist_for_you(
    coach: Browser, session: Session, settings: Settings
) -> None:
    stranger = make_open_collaboration(
        session, settings=settings, organisation_id=make_organisation(session, name="Ander")
    )
    url = f"/coach/collaborations/{stranger.collaboration.id}/edit"
    assert coach.get(url).status_code == 404
    assert coach.post(url, VALID).status_code == 404
    assert _thresholds(_fresh(session, stranger.collaboration.id))[1:] == (5.0, 50.0)


def test_the_thresholds_are_explained_in_english(coach: Browser, session: Session) -> None:
    collaboration = make_collaboration(session, organisation_id=coach.user.organisation_id)
    coach.post("/coach/language", {"language": "en", "next": "/coach"})
    form = coach.get(f"/coach/collaborations/{collaboration.id}/edit")
    assert "Alert on a decline of at least" in form.text
    assert "the 95% interval of the change lies entirely below 0" in form.text
    assert "0 switches this alert off." in form.text
