"""The questionnaire over HTTP: pages, saving, navigation, language, review, submit, thanks."""

import re
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.models import InvitationStatus
from app.services.answering import invitation_state, responses, survey
from tests.web.conftest import Partner, checked_value, form_token, snapshot

PROPENSITY = [f"prop_{i}" for i in range(1, 7)]


def post_page(
    client: TestClient,
    partner: Partner,
    number: int,
    answers: dict[str, Any],
    *,
    csrf: str,
    action: str | None = "next",
    **extra: Any,
) -> httpx.Response:
    data: dict[str, Any] = {f"q-{item}": value for item, value in answers.items()}
    data["csrf_token"] = csrf
    if action is not None:
        data["action"] = action
    data.update(extra)
    return client.post(f"{partner.url}/page/{number}", data=data, follow_redirects=False)


def test_the_first_visit_shows_the_welcome_with_privacy_and_time(
    client: TestClient, partner: Partner
):
    page = client.get(partner.url)
    assert page.status_code == 200
    assert '<html lang="nl">' in page.text
    for expected in (
        "Circulaire bruggen",
        "Gemeente Testdorp",  # who runs the measurement
        "Ongeveer 10 minuten",  # 72 statements at 8 seconds until answering times are measured
        "minstens 3 personen",
        "nooit aan iemand in de samenwerking getoond",
        "Ingenieursbureau &lt;Noord&gt;",
        f'href="{partner.url}/page/1"',
    ):
        assert expected in page.text


def test_the_only_script_carries_the_nonce_of_the_content_security_policy(
    client: TestClient, partner: Partner
):
    page = client.get(f"{partner.url}/page/1")
    nonce = re.search(r"'nonce-([^']+)'", page.headers["content-security-policy"])
    assert nonce is not None
    scripts = re.findall(r"<script[^>]*>", page.text)
    assert scripts == [scripts[0]] and f'nonce="{nonce.group(1)}"' in scripts[0]


def test_a_page_names_the_party_escaped_and_offers_the_scale_and_dont_know(
    client: TestClient, partner: Partner
):
    page = client.get(f"{partner.url}/page/5")  # the second party's first page: 6 statements
    assert page.status_code == 200
    assert "Ingenieursbureau &lt;Noord&gt;" in page.text
    assert "<Noord>" not in page.text and "{party}" not in page.text
    assert page.text.count('type="radio"') == 6 * 8
    assert "Helemaal mee oneens" in page.text and "Weet ik niet" in page.text
    assert "Pagina 5 van 8" in page.text


@pytest.mark.parametrize(
    ("number", "action", "destination"),
    [
        (1, "next", "/page/2"),
        (5, "previous", "/page/4"),
        (1, "previous", "/welcome"),
        (8, "next", "/review"),
        (4, "next", "/page/5"),
    ],
)
def test_every_page_post_saves_then_redirects_where_asked(
    client: TestClient,
    session: Session,
    partner: Partner,
    number: int,
    action: str,
    destination: str,
):
    csrf = form_token(client, partner)
    context = invitation_state.load_invitation(session, token=partner.token)
    item = survey.page_ref(context, number).items[0].id
    answer = post_page(client, partner, number, {item: "3"}, csrf=csrf, action=action)
    assert answer.status_code == 303
    assert answer.headers["location"] == partner.url + destination
    saved = responses.saved_answers(session, partner.invitation(session).id)
    assert any(answers.get(item) == 3 for answers in saved.values())


def test_going_back_shows_what_was_saved(client: TestClient, partner: Partner):
    csrf = form_token(client, partner)
    post_page(client, partner, 1, {"prop_1": "6", "prop_2": "dk"}, csrf=csrf)
    page = client.get(f"{partner.url}/page/1").text
    assert checked_value(page, "prop_1") == "6"
    assert checked_value(page, "prop_2") == "dk"
    assert checked_value(page, "prop_3") is None


def test_the_same_link_resumes_where_the_partner_left_off(client: TestClient, partner: Partner):
    csrf = form_token(client, partner)
    post_page(client, partner, 1, {"prop_1": "5"}, csrf=csrf)
    post_page(client, partner, 2, {"anal_1": "5"}, csrf=csrf)
    answer = client.get(partner.url, follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == f"{partner.url}/page/3?resumed=1"
    page = client.get(answer.headers["location"])
    assert "Welkom terug" in page.text


def test_switching_language_in_the_page_form_saves_the_page_too(
    client: TestClient, session: Session, partner: Partner
):
    csrf = form_token(client, partner)
    answer = post_page(client, partner, 1, {"prop_1": "2"}, csrf=csrf, action=None, language="en")
    assert answer.headers["location"] == f"{partner.url}/page/1"
    assert partner.invitation(session).language == "en"
    page = client.get(f"{partner.url}/page/1")
    assert '<html lang="en">' in page.text and "Strongly disagree" in page.text
    assert checked_value(page.text, "prop_1") == "2"


@pytest.mark.parametrize(
    ("next_page", "destination"),
    [("review", "/review"), ("welcome", "/welcome"), ("page/4", "/page/4"), ("", "")],
)
def test_the_language_switch_remembers_the_choice_and_returns(
    client: TestClient, session: Session, partner: Partner, next_page: str, destination: str
):
    csrf = form_token(client, partner)
    answer = client.post(
        f"{partner.url}/language",
        data={"csrf_token": csrf, "language": "en", "next": next_page},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == partner.url + destination
    assert partner.invitation(session).language == "en"


@pytest.mark.parametrize("next_page", ["https://evil.example/", "//evil.example", "../x", "page/x"])
def test_the_language_switch_never_redirects_elsewhere(
    client: TestClient, partner: Partner, next_page: str
):
    csrf = form_token(client, partner)
    answer = client.post(
        f"{partner.url}/language",
        data={"csrf_token": csrf, "language": "en", "next": next_page},
        follow_redirects=False,
    )
    assert answer.headers["location"] == partner.url


def test_an_unknown_language_is_refused_and_nothing_changes(
    client: TestClient, session: Session, partner: Partner
):
    csrf = form_token(client, partner)
    before = snapshot(session)
    answer = client.post(f"{partner.url}/language", data={"csrf_token": csrf, "language": "fr"})
    assert answer.status_code == 422
    assert snapshot(session) == before


def test_review_lists_unanswered_questions_with_links_back(client: TestClient, partner: Partner):
    csrf = form_token(client, partner)
    post_page(client, partner, 1, dict.fromkeys(PROPENSITY, "4"), csrf=csrf)
    page = client.get(f"{partner.url}/review")
    assert page.status_code == 200
    assert "6 van de 36 vragen beantwoord." in page.text
    assert "0 van de 36 vragen beantwoord." in page.text
    assert f'href="{partner.url}/page/2#q-anal_1"' in page.text
    assert f'href="{partner.url}/page/1#q-prop_1"' not in page.text
    assert f'href="{partner.url}/page/5#q-prop_1"' in page.text


def test_submitting_stores_every_target_and_shows_thanks(
    client: TestClient, session: Session, partner: Partner
):
    csrf = form_token(client, partner)
    post_page(client, partner, 1, dict.fromkeys(PROPENSITY, "6"), csrf=csrf)
    answer = client.post(f"{partner.url}/submit", data={"csrf_token": csrf}, follow_redirects=False)
    assert (answer.status_code, answer.headers["location"]) == (303, f"{partner.url}/thanks")
    invitation = partner.invitation(session)
    assert invitation.status == InvitationStatus.SUBMITTED
    rows = snapshot(session)["responses"]
    assert len(rows) == 2 and all(row[6] == invitation.submitted_at for row in rows)
    thanks = client.get(f"{partner.url}/thanks")
    assert thanks.status_code == 200 and "Dank u wel" in thanks.text
    assert "zone-badge" not in thanks.text  # the collaboration does not show positions


def test_the_thanks_page_shows_own_zones_when_the_collaboration_allows(
    client: TestClient, session: Session, partner: Partner
):
    collaboration = partner.collaboration.collaboration
    collaboration.show_own_position = True
    session.add(collaboration)
    session.commit()
    csrf = form_token(client, partner)
    post_page(client, partner, 1, dict.fromkeys(PROPENSITY, "4"), csrf=csrf)
    post_page(client, partner, 2, {f"anal_{i}": "4" for i in range(1, 10)}, csrf=csrf)
    client.post(f"{partner.url}/submit", data={"csrf_token": csrf})
    thanks = client.get(f"{partner.url}/thanks").text
    assert 'zone-badge--no-trust">Geen vertrouwen' in thanks  # wholly neutral: indecision
    assert "Te weinig antwoorden om u te plaatsen" in thanks  # nothing about the other party
    for zone in ("Slim vertrouwen", "Blind vertrouwen", "Wantrouwen", "Geen vertrouwen"):
        assert f"<dt>{zone}</dt>" in thanks


def test_a_second_submit_from_another_tab_lands_on_thanks_and_stores_nothing_new(
    client: TestClient, session: Session, partner: Partner
):
    csrf = form_token(client, partner)
    post_page(client, partner, 1, {"prop_1": "4"}, csrf=csrf)
    client.post(f"{partner.url}/submit", data={"csrf_token": csrf})
    before = snapshot(session)
    answer = client.post(f"{partner.url}/submit", data={"csrf_token": csrf}, follow_redirects=False)
    assert (answer.status_code, answer.headers["location"]) == (303, f"{partner.url}/thanks")
    assert snapshot(session) == before


@pytest.mark.parametrize("path", ["", "/welcome", "/page/3", "/review"])
def test_after_submitting_every_page_leads_to_thanks(
    client: TestClient, partner: Partner, path: str
):
    csrf = form_token(client, partner)
    post_page(client, partner, 1, {"prop_1": "4"}, csrf=csrf)
    client.post(f"{partner.url}/submit", data={"csrf_token": csrf})
    answer = client.get(partner.url + path, follow_redirects=False)
    assert (answer.status_code, answer.headers["location"]) == (303, f"{partner.url}/thanks")


def test_a_page_posted_after_submitting_shows_thanks_and_changes_nothing(
    client: TestClient, session: Session, partner: Partner
):
    csrf = form_token(client, partner)
    post_page(client, partner, 1, {"prop_1": "4"}, csrf=csrf)
    client.post(f"{partner.url}/submit", data={"csrf_token": csrf})
    before = snapshot(session)
    answer = post_page(client, partner, 1, {"prop_1": "1"}, csrf=csrf)
    assert answer.status_code == 409
    assert "Uw antwoorden waren al verstuurd" in answer.text
    assert snapshot(session) == before


def test_thanks_before_submitting_goes_back_to_the_questionnaire(
    client: TestClient, partner: Partner
):
    answer = client.get(f"{partner.url}/thanks", follow_redirects=False)
    assert (answer.status_code, answer.headers["location"]) == (303, partner.url)


@pytest.mark.parametrize("number", [0, 9, 999])
def test_a_page_number_outside_the_questionnaire_is_not_found(
    client: TestClient, partner: Partner, number: int
):
    assert client.get(f"{partner.url}/page/{number}").status_code == 404


def test_scale_labels_are_escaped_although_the_scale_is_written_without_autoescape(
    client: TestClient, partner: Partner, monkeypatch: pytest.MonkeyPatch
):
    """The scale block writes ids and numbers raw (speed); a label is an author's text."""
    from app.services.answering import survey_views

    written = survey_views._options

    def options_with_markup(*args: Any, **kwargs: Any) -> list[survey_views.Option]:
        return [
            survey_views.Option(o.value, o.number, f'<b>{o.label}</b> & "x"') if o.number else o
            for o in written(*args, **kwargs)
        ]

    monkeypatch.setattr(survey_views, "_options", options_with_markup)
    page = client.get(f"{partner.url}/page/1")
    assert page.status_code == 200
    assert "<b>" not in page.text
    assert "&lt;b&gt;" in page.text and "&amp; &#34;x&#34;" in page.text
    first = PROPENSITY[0]
    assert f'name="q-{first}"' in page.text and f'id="q-{first}-1" value="1"' in page.text
