"""Every refusal of the questionnaire: a clear page with the right status, and nothing changed."""

import re
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.main import create_app
from app.models import InvitationStatus, Round, RoundStatus
from app.web.survey_deps import RESUME_COOKIE
from tests.conftest import make_settings
from tests.web.conftest import Partner, checked_value, form_token, rate_limit_hits, snapshot


def post(client: TestClient, url: str, data: Any, **headers: str) -> Any:
    return client.post(url, data=data, headers=headers, follow_redirects=False)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"q-integ_1": "8"}, "integ_1", "Kies een van de antwoorden van 1 tot en met 7"),
        ({"q-integ_1": "0"}, "integ_1", "Kies een van de antwoorden van 1 tot en met 7"),
        ({"q-integ_1": "zes"}, "integ_1", "Kies een van de antwoorden van 1 tot en met 7"),
        ({"q-integ_1": ["3", "4"]}, "integ_1", "Kies maar één antwoord."),
        ({"q-prop_1": "3"}, None, "Het formulier bevatte een onbekend veld."),
        ({"q-made_up": "3"}, None, "Het formulier bevatte een onbekend veld."),
        ({"remark": "hi"}, None, "Het formulier bevatte een onbekend veld."),
        ({"action": "submit"}, None, "Het formulier bevatte een onbekend veld."),
        ({"language": "fr"}, None, "Kies Nederlands of Engels."),
    ],
)
def test_a_tampered_page_comes_back_422_with_the_message_at_its_field(
    client: TestClient,
    session: Session,
    partner: Partner,
    fields: dict[str, Any],
    field: str | None,
    message: str,
):
    csrf = form_token(client, partner)
    post(client, f"{partner.url}/page/2", {"csrf_token": csrf, "q-integ_3": "2"})
    before = snapshot(session)
    data = {"csrf_token": csrf, "action": "next", "q-integ_2": "6", **fields}
    answer = post(client, f"{partner.url}/page/2", data)
    assert answer.status_code == 422
    assert snapshot(session) == before
    assert message in answer.text
    assert 'id="error-summary"' in answer.text
    assert checked_value(answer.text, "integ_2") == "6"  # the partner's choice is kept
    assert checked_value(answer.text, "integ_3") == "2"  # and what was saved before
    if field:
        assert f'aria-describedby="q-{field}-error"' in answer.text
        error = re.search(
            rf'<p class="field-error" id="q-{field}-error">(.*?)</p>', answer.text, re.S
        )
        assert error and message in error.group(1)
        assert f'href="#q-{field}"' in answer.text


@pytest.mark.parametrize(
    ("token", "headers"),
    [
        (None, {}),
        ("0" * 64, {}),
        ("valid", {"origin": "https://evil.example"}),
        ("valid", {"referer": "https://evil.example/page"}),
        ("valid", {"sec-fetch-site": "cross-site"}),
        ("valid", {"sec-fetch-site": "same-site"}),
    ],
)
def test_a_page_from_elsewhere_is_refused_403_and_nothing_is_saved(
    client: TestClient,
    session: Session,
    partner: Partner,
    token: str | None,
    headers: dict[str, str],
):
    csrf = form_token(client, partner)
    data = {"action": "next", "q-prop_1": "5"}
    if token is not None:
        data["csrf_token"] = csrf if token == "valid" else token
    before = snapshot(session)
    answer = post(client, f"{partner.url}/page/1", data, **headers)
    assert answer.status_code == 403
    assert snapshot(session) == before
    assert "Uw antwoorden zijn niet bewaard" in answer.text
    assert checked_value(answer.text, "prop_1") == "5"


@pytest.mark.parametrize(
    "headers",
    [
        {"origin": "null"},  # what browsers send under Referrer-Policy: no-referrer
        {"origin": "http://testserver", "sec-fetch-site": "same-origin"},
        {"referer": "http://testserver/s/x/page/1"},
        {"sec-fetch-site": "none"},
    ],
)
def test_a_page_from_this_site_is_accepted(
    client: TestClient, partner: Partner, headers: dict[str, str]
):
    csrf = form_token(client, partner)
    answer = post(client, f"{partner.url}/page/1", {"csrf_token": csrf, "q-prop_1": "5"}, **headers)
    assert answer.status_code == 303


@pytest.mark.parametrize("path", ["/submit", "/language"])
def test_other_forms_without_a_valid_token_are_refused_403(
    client: TestClient, session: Session, partner: Partner, path: str
):
    before = snapshot(session)
    answer = post(client, partner.url + path, {"csrf_token": "forged", "language": "en"})
    assert answer.status_code == 403
    assert snapshot(session) == before


def test_a_form_token_of_another_invitation_is_refused(
    client: TestClient, session: Session, partner: Partner
):
    other = Partner(
        partner.collaboration.tokens_of(partner.collaboration.parties[1])[0],
        partner.collaboration,
    )
    before = snapshot(session)
    answer = post(client, f"{partner.url}/submit", {"csrf_token": form_token(client, other)})
    assert answer.status_code == 403
    assert snapshot(session) == before


@pytest.mark.parametrize("path", ["", "/page/1", "/review", "/thanks"])
def test_an_unknown_link_gets_a_404_that_says_to_ask_the_coach(client: TestClient, path: str):
    answer = client.get(f"/s/not-a-real-token-at-all{path}")
    assert answer.status_code == 404
    assert "Deze link werkt niet" in answer.text
    assert "Vraag de coach" in answer.text
    assert "not-a-real-token-at-all" not in answer.text


def test_the_404_page_speaks_the_browsers_language_or_the_chosen_one(client: TestClient):
    english = client.get("/s/unknown", headers={"accept-language": "en-GB,en;q=0.9,nl;q=0.5"})
    assert '<html lang="en">' in english.text and "This link does not work" in english.text
    dutch = client.get("/s/unknown?lang=nl", headers={"accept-language": "en"})
    assert '<html lang="nl">' in dutch.text


def test_a_revoked_link_is_unknown_and_its_answers_stay_untouched(
    client: TestClient, session: Session, partner: Partner
):
    invitation = partner.invitation(session)
    invitation.status = InvitationStatus.REVOKED
    session.add(invitation)
    session.commit()
    before = snapshot(session)
    assert client.get(partner.url).status_code == 404
    answer = post(client, f"{partner.url}/page/1", {"q-prop_1": "3"})
    assert answer.status_code == 404
    assert snapshot(session) == before


def test_guessing_links_is_limited_per_address_with_429(database_url: str, partner: Partner):
    app = create_app(make_settings(database_url, token_rate_limit=2))
    with TestClient(app) as client:
        assert [client.get(f"/s/guess-{n}").status_code for n in range(3)] == [404, 404, 429]
        limited = client.get(partner.url)
    assert limited.status_code == 429
    assert limited.headers["retry-after"] == "600"
    assert "Te veel pogingen" in limited.text


def test_past_the_limit_only_the_browser_holding_the_resume_code_gets_in(
    database_url: str, partner: Partner
):
    app = create_app(make_settings(database_url, token_rate_limit=2))
    with TestClient(app) as client:
        csrf = form_token(client, partner)
        saved = post(client, f"{partner.url}/page/1", {"csrf_token": csrf, "q-prop_1": "5"})
        assert saved.status_code == 303  # this browser now keeps the link's resume code
        code = client.cookies.get(RESUME_COOKIE)
        assert code
        assert [client.get(f"/s/guess-{n}").status_code for n in range(3)] == [404, 404, 429]
        # It proved it knows the link: telling it the link is real reveals nothing.
        assert client.get(f"{partner.url}/page/2").status_code == 200
        client.cookies.clear()
        assert client.get(f"{partner.url}/page/2").status_code == 429  # the link alone
        client.cookies.set(RESUME_COOKIE, "WRONGCODE234", path=partner.url)
        assert client.get(f"{partner.url}/page/2").status_code == 429  # a made-up code


def test_unknown_links_are_counted_but_real_ones_are_not(
    client: TestClient, session: Session, partner: Partner
):
    client.get(partner.url)
    client.get(f"{partner.url}/page/2")
    assert rate_limit_hits(session) == 0
    client.get("/s/guess")
    assert rate_limit_hits(session) == 1


def _set_round(session: Session, partner: Partner, **values: Any) -> None:
    round_ = session.get(Round, partner.collaboration.round.id)
    assert round_ is not None
    for name, value in values.items():
        setattr(round_, name, value)
    session.add(round_)
    session.commit()


def test_a_round_not_yet_open_says_when_it_opens_with_409(
    client: TestClient, session: Session, partner: Partner
):
    _set_round(session, partner, opens_at=datetime(2099, 3, 2, 8, 0, tzinfo=UTC))
    answer = client.get(partner.url)
    assert answer.status_code == 409
    assert "nog niet open" in answer.text
    assert "2 maart 2099, 09:00" in answer.text  # Amsterdam time


@pytest.mark.parametrize("path", ["", "/welcome", "/page/4", "/review"])
def test_a_closed_round_says_when_it_closed_with_410(
    client: TestClient, session: Session, partner: Partner, path: str
):
    _set_round(
        session,
        partner,
        status=RoundStatus.CLOSED,
        closed_at=datetime(2026, 6, 30, 15, 30, tzinfo=UTC),
    )
    answer = client.get(partner.url + path)
    assert answer.status_code == 410
    assert "Deze vragenlijst is gesloten" in answer.text
    assert "30 juni 2026, 17:30" in answer.text


def test_a_round_past_its_closing_time_takes_no_answers(
    client: TestClient, session: Session, partner: Partner
):
    csrf = form_token(client, partner)
    _set_round(session, partner, closes_at=datetime.now(UTC) - timedelta(minutes=1))
    before = snapshot(session)
    assert (
        post(client, f"{partner.url}/page/1", {"csrf_token": csrf, "q-prop_1": "3"}).status_code
        == 410
    )
    assert post(client, f"{partner.url}/submit", {"csrf_token": csrf}).status_code == 410
    assert snapshot(session) == before


def test_two_tabs_submitting_at_once_store_exactly_one_submission(
    app: Any, session: Session, partner: Partner
):
    with TestClient(app) as first, TestClient(app) as second:
        csrf = form_token(first, partner)
        post(first, f"{partner.url}/page/1", {"csrf_token": csrf, "q-prop_1": "6"})
        for cookie in first.cookies.jar:  # two tabs of one browser share its resume code
            second.cookies.jar.set_cookie(cookie)
        start = threading.Barrier(2)
        answers: list[Any] = []

        def submit(client: TestClient) -> None:
            start.wait()
            answers.append(post(client, f"{partner.url}/submit", {"csrf_token": csrf}))

        threads = [threading.Thread(target=submit, args=(c,)) for c in (first, second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert [(a.status_code, a.headers["location"]) for a in answers] == [
        (303, f"{partner.url}/thanks")
    ] * 2
    rows = snapshot(session)["responses"]
    invitation = partner.invitation(session)
    assert invitation.status == InvitationStatus.SUBMITTED
    assert len(rows) == 2 and {row[6] for row in rows} == {invitation.submitted_at}


def test_an_unknown_page_outside_the_survey_is_an_html_404(client: TestClient):
    answer = client.get("/no/such/page", headers={"accept-language": "en"})
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("text/html")
    assert "Page not found" in answer.text
    assert 'href="?lang=nl"' in answer.text
    assert "Pagina niet gevonden" in client.get("/no/such/page?lang=nl").text
