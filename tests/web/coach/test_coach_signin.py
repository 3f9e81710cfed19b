"""/login and /logout over HTTP: cookies, form tokens, rate limits, redirects, language."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.main import create_app
from app.models import User, WebSession
from tests.conftest import make_settings
from tests.factories import DEFAULT_PASSWORD, make_organisation, make_user
from tests.web.coach.conftest import Browser, csrf_of, sign_in


@pytest.fixture
def user(session: Session) -> User:
    return make_user(session, organisation_id=make_organisation(session))


def sessions(session: Session) -> list[WebSession]:
    session.rollback()
    return list(session.exec(select(WebSession)))


def test_sign_in_sets_an_httponly_lax_session_cookie_and_goes_to_the_coach_pages(
    client: TestClient, session: Session, user: User
) -> None:
    answer = sign_in(client, user.email)
    assert answer.status_code == 303 and answer.headers["location"] == "/coach"
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith("trustmeter_session=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # plain http: browsers would drop a Secure cookie
    assert len(sessions(session)) == 1
    assert client.get("/coach").status_code == 200


def test_over_https_the_cookie_is_host_prefixed_and_secure(
    database_url: str, session: Session, user: User
) -> None:
    settings = make_settings(database_url, base_url="https://trust.example.org")
    with TestClient(create_app(settings), base_url="https://trust.example.org") as client:
        answer = sign_in(client, user.email)
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith("__Host-trustmeter_session=") and "Secure" in cookie


@pytest.mark.parametrize(
    ("email", "password"),
    [("coach@example.org", "not-the-password"), ("nobody@example.org", DEFAULT_PASSWORD)],
)
def test_wrong_credentials_show_the_form_again_with_one_message(
    client: TestClient, session: Session, user: User, email: str, password: str
) -> None:
    answer = sign_in(client, email, password)
    assert answer.status_code == 401
    assert "Het e-mailadres of het wachtwoord klopt niet." in answer.text
    assert f'value="{email}"' in answer.text
    assert "trustmeter_session" not in answer.headers.get("set-cookie", "")
    assert sessions(session) == []


def test_empty_fields_are_named(client: TestClient, user: User) -> None:
    answer = sign_in(client, "", "")
    assert answer.status_code == 422
    assert "Vul uw e-mailadres en uw wachtwoord in." in answer.text


def test_login_form_without_its_cookie_is_refused(
    client: TestClient, session: Session, user: User
) -> None:
    token = csrf_of(client.get("/login").text)
    client.cookies.clear()
    answer = client.post(
        "/login",
        data={"email": user.email, "password": DEFAULT_PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert answer.status_code == 403
    assert sessions(session) == []


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Referer": "https://evil.example/x"},
    ],
)
def test_login_posted_from_another_site_is_refused(
    client: TestClient, session: Session, user: User, headers: dict[str, str]
) -> None:
    token = csrf_of(client.get("/login").text)
    answer = client.post(
        "/login",
        data={"email": user.email, "password": DEFAULT_PASSWORD, "csrf_token": token},
        headers=headers,
        follow_redirects=False,
    )
    assert answer.status_code == 403
    assert sessions(session) == []


def test_repeated_failures_are_rate_limited_even_with_the_right_password(
    client: TestClient, user: User
) -> None:
    for _ in range(5):
        assert sign_in(client, user.email, "wrong-password-123").status_code == 401
    limited = sign_in(client, user.email)
    assert limited.status_code == 429
    assert 0 < int(limited.headers["retry-after"]) <= 300
    assert "Te veel mislukte pogingen" in limited.text


def test_sign_out_really_ends_the_session(
    client: TestClient, session: Session, coach: Browser
) -> None:
    cookie = client.cookies.get("trustmeter_session")
    answer = coach.post("/logout")
    assert answer.status_code == 303 and answer.headers["location"] == "/login?notice=signed_out"
    assert sessions(session) == []
    client.cookies.set("trustmeter_session", cookie or "")  # a copy of the old cookie opens nothing
    again = client.get("/coach", follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"].startswith("/login")


def test_sign_out_without_the_form_token_is_refused(
    client: TestClient, session: Session, coach: Browser
) -> None:
    answer = client.post("/logout", data={"csrf_token": "forged"}, follow_redirects=False)
    assert answer.status_code == 403
    assert len(sessions(session)) == 1


def test_signing_in_again_replaces_the_old_session(
    client: TestClient, session: Session, coach: Browser
) -> None:
    old = client.cookies.get("trustmeter_session") or ""
    client.cookies.delete("trustmeter_session")
    token = csrf_of(client.get("/login").text)
    client.cookies.set("trustmeter_session", old)
    answer = client.post(
        "/login",
        data={"email": coach.user.email, "password": DEFAULT_PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    new = answer.cookies.get("trustmeter_session")
    assert new and new != old
    assert len(sessions(session)) == 1  # the old session was ended, not kept next to the new


def test_pages_send_strangers_to_sign_in_and_back(client: TestClient, user: User) -> None:
    answer = client.get("/coach/collaborations/1/dashboard", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login?next=/coach/collaborations/1/dashboard"
    token = csrf_of(client.get(answer.headers["location"]).text)
    signed_in = client.post(
        "/login",
        data={
            "email": user.email,
            "password": DEFAULT_PASSWORD,
            "csrf_token": token,
            "next": "/coach/collaborations/1/dashboard",
        },
        follow_redirects=False,
    )
    assert signed_in.headers["location"] == "/coach/collaborations/1/dashboard"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/coach", "/s/abc"])
def test_sign_in_never_redirects_outside_the_coach_pages(
    client: TestClient, user: User, target: str
) -> None:
    token = csrf_of(client.get("/login").text)
    answer = client.post(
        "/login",
        data={
            "email": user.email,
            "password": DEFAULT_PASSWORD,
            "csrf_token": token,
            "next": target,
        },
        follow_redirects=False,
    )
    assert answer.headers["location"] == "/coach"


def test_a_signed_in_user_visiting_login_goes_to_the_coach_pages(
    client: TestClient, coach: Browser
) -> None:
    assert client.get("/login", follow_redirects=False).headers["location"] == "/coach"


def test_login_page_speaks_english_on_request(client: TestClient) -> None:
    page = client.get("/login?lang=en")
    assert '<html lang="en">' in page.text and "<h1>Sign in</h1>" in page.text


def test_the_coach_chooses_the_language_of_their_pages(
    client: TestClient, session: Session, coach: Browser
) -> None:
    assert "<h1>Samenwerkingen</h1>" in client.get("/coach").text
    answer = coach.post("/coach/language", {"language": "en", "next": "/coach"})
    assert answer.headers["location"] == "/coach"
    assert "<h1>Collaborations</h1>" in client.get("/coach").text
    session.refresh(coach.user)
    assert coach.user.language == "en"
