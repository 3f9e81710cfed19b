"""Secure by default: one test per promise, each failing if that promise regresses."""

import re
from collections.abc import Callable, Iterator

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.config import Settings
from app.errors import InvalidInput
from app.logging import redact
from app.main import create_app
from app.models import metadata
from app.security import hash_token, verify_password
from app.services.identity.auth import cookie_name
from tests.conftest import make_settings
from tests.factories import (
    DEFAULT_PASSWORD,
    make_api_key,
    make_open_collaboration,
    make_organisation,
    make_user,
)
from tests.production.server import LiveServer
from tests.web.coach.conftest import sign_in

SECRET_KEY = "a-production-secret-key-0123456789abcdef"


@pytest.fixture
def survey_url(session: Session, settings: Settings) -> str:
    opened = make_open_collaboration(session, settings=settings)
    token = opened.invitations[0].token
    assert token is not None
    return f"/s/{token}"


# --- passwords -------------------------------------------------------------------------------


def test_passwords_are_stored_as_argon2id_hashes(session: Session) -> None:
    user = make_user(session, organisation_id=make_organisation(session))
    assert user.password_hash.startswith("$argon2id$")
    assert DEFAULT_PASSWORD not in user.password_hash
    assert verify_password(DEFAULT_PASSWORD, user.password_hash)


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("kort-wacht1", "at least 12 characters"),  # 11 characters
        ("password1234", "too common"),
        ("qwertyuiop123", "too common"),
        ("zzzzzzzzzzzzzzzz", "too common"),  # one repeated character
    ],
)
def test_short_and_common_passwords_are_refused(
    session: Session, password: str, reason: str
) -> None:
    organisation_id = make_organisation(session)
    with pytest.raises(InvalidInput, match=reason):
        make_user(session, organisation_id=organisation_id, password=password)


# --- sessions --------------------------------------------------------------------------------


def test_signing_in_never_keeps_a_session_id_the_browser_brought(
    client: TestClient, session: Session
) -> None:
    user = make_user(session, organisation_id=make_organisation(session))
    planted = "planted-by-an-attacker-0123456789abcdef"
    name = cookie_name(client.app.state.settings)  # type: ignore[attr-defined]
    client.cookies.set(name, planted, domain="testserver.local")

    signed_in = sign_in(client, user.email)

    assert signed_in.status_code == 303
    issued = signed_in.cookies.get(name)
    assert issued and issued != planted
    client.cookies.clear()
    client.cookies.set(name, planted, domain="testserver.local")
    assert client.get("/coach", follow_redirects=False).status_code in (302, 303)
    client.cookies.set(name, issued, domain="testserver.local")
    assert client.get("/coach", follow_redirects=False).status_code == 200


# --- headers ---------------------------------------------------------------------------------


def _paths(survey_url: str) -> list[str]:
    return [survey_url, "/login", "/api/v1/questionnaires", "/healthz", "/no-such-page"]


def test_every_answer_carries_the_security_headers(client: TestClient, survey_url: str) -> None:
    for path in _paths(survey_url):
        headers = client.get(path, follow_redirects=False).headers
        assert headers["x-content-type-options"] == "nosniff", path
        assert headers["referrer-policy"] == "no-referrer", path
        policy = headers["content-security-policy"]
        assert "frame-ancestors 'none'" in policy, path
        assert "object-src 'none'" in policy, path


def test_scripts_run_only_with_a_fresh_nonce_never_inline(
    client: TestClient, survey_url: str
) -> None:
    nonces = set()
    for _ in range(2):
        page = client.get(survey_url, follow_redirects=True)
        policy = page.headers["content-security-policy"]
        script_src = next(d for d in policy.split("; ") if d.startswith("script-src"))
        assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
        match = re.search(r"'nonce-([^']+)'", script_src)
        assert match
        nonces.add(match.group(1))
        for tag in re.findall(r"<script\b[^>]*>", page.text):
            assert f'nonce="{match.group(1)}"' in tag or "src=" in tag, tag
        assert not re.search(r"\son[a-z]+=", page.text), "inline event handlers need unsafe-inline"
    assert len(nonces) == 2


def test_survey_pages_send_no_referrer(client: TestClient, survey_url: str) -> None:
    page = client.get(survey_url, follow_redirects=True)
    assert page.status_code == 200
    assert page.headers["referrer-policy"] == "no-referrer"


@pytest.mark.parametrize(
    ("base_url", "hsts"), [("https://trust.example", True), ("http://x", False)]
)
def test_hsts_is_sent_only_behind_tls(database_url: str, base_url: str, hsts: bool) -> None:
    app = create_app(make_settings(database_url, base_url=base_url))
    with TestClient(app) as client:
        headers = client.get("/healthz").headers
    assert ("strict-transport-security" in headers) is hsts
    if hsts:
        assert "max-age=63072000" in headers["strict-transport-security"]


# --- CORS, body size, docs -------------------------------------------------------------------


def test_cross_origin_callers_get_no_cors_grant(client: TestClient) -> None:
    origin = {"Origin": "https://evil.example"}
    preflight = client.options(
        "/api/v1/questionnaires",
        headers={**origin, "Access-Control-Request-Method": "GET"},
    )
    simple = client.get("/api/v1/questionnaires", headers=origin)
    for answer in (preflight, simple):
        assert not any(name.startswith("access-control-") for name in answer.headers)


@pytest.mark.parametrize("path", ["/api/v1/collaborations", "/login", "/s/some-token/submit"])
def test_bodies_over_the_limit_are_refused_with_413(database_url: str, path: str) -> None:
    app = create_app(make_settings(database_url, max_body_bytes=1_000))
    with TestClient(app) as client:
        answer = client.post(
            path, content=b"x" * 1_001, headers={"Content-Type": "application/json"}
        )
    assert answer.status_code == 413


@pytest.mark.parametrize(("environment", "status"), [("production", 404), ("development", 200)])
def test_api_docs_are_off_in_production(database_url: str, environment: str, status: int) -> None:
    settings = make_settings(database_url, environment=environment, secret_key=SECRET_KEY)
    with TestClient(create_app(settings)) as client:
        assert client.get("/api/v1/docs").status_code == status


# --- errors ----------------------------------------------------------------------------------


class _Secret(Exception):
    pass


def _boom() -> None:
    raise _Secret("secret internals: /srv/trustmeter/app.py line 42")


@pytest.fixture
def failing_app(database_url: str) -> Iterator[TestClient]:
    app = create_app(make_settings(database_url))
    app.add_api_route("/boom", _boom)
    api = next(r.app for r in app.routes if getattr(r, "path", "") == "/api/v1")  # type: ignore[attr-defined]
    assert isinstance(api, FastAPI)
    api.add_api_route("/boom", _boom)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.mark.parametrize(
    ("path", "media_type"), [("/api/v1/boom", "application/problem+json"), ("/boom", "text/html")]
)
def test_unexpected_errors_show_no_internals(
    failing_app: TestClient, path: str, media_type: str
) -> None:
    answer = failing_app.get(path)
    assert answer.status_code == 500
    assert answer.headers["content-type"].startswith(media_type)
    for leak in ("Traceback", "secret internals", "_Secret", "app.py"):
        assert leak not in answer.text
    assert answer.headers["x-request-id"]
    assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]


@pytest.mark.parametrize(
    ("line", "hidden"),
    [
        ("GET /s/Abc_12-xyz/page/2", "Abc_12-xyz"),
        ("POST /api/v1/invitations/Tok3n_value/responses", "Tok3n_value"),
        ("Authorization: Bearer tm_SecretKey123", "tm_SecretKey123"),
    ],
)
def test_log_lines_never_carry_tokens_or_keys(line: str, hidden: str) -> None:
    assert hidden not in redact(line)
    assert "[redacted]" in redact(line)


def test_forwarded_addresses_count_only_from_trusted_proxies(
    live_server: Callable[..., LiveServer],
) -> None:
    server = live_server(forwarded_allow_ips="192.0.2.10", token_rate_limit="2")
    statuses = []
    with httpx.Client(base_url=server.url) as client:
        for number in range(3):
            # A spoofed address per guess would dodge the limit if it were believed.
            spoofed = {"X-Forwarded-For": f"198.51.100.{number}"}
            statuses.append(client.get(f"/s/guess-{number}", headers=spoofed).status_code)
    assert statuses == [404, 404, 429]


def test_no_token_key_or_password_is_stored_in_the_clear(
    client: TestClient, session: Session, settings: Settings
) -> None:
    opened = make_open_collaboration(session, settings=settings)
    key = make_api_key(session, organisation_id=opened.organisation_id)
    user = make_user(session, organisation_id=opened.organisation_id)
    browser_signed_in = sign_in(client, user.email)
    cookie = browser_signed_in.cookies.get(cookie_name(settings))
    secrets = [item.token for item in opened.invitations if item.token]
    secrets += [key, DEFAULT_PASSWORD, cookie or "no session cookie"]

    session.rollback()
    stored = "\n".join(
        repr(row) for table in metadata.sorted_tables for row in session.execute(table.select())
    )

    assert cookie and len(secrets) > 3
    assert hash_token(key) in stored  # the dump does hold the rows: only as hashes
    for secret in secrets:
        assert secret not in stored
