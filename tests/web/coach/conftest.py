"""Signed-in browsers for the coach pages: a coach, a viewer, an admin, and their forms."""

import re
from dataclasses import dataclass

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.models import Role, User
from tests.factories import DEFAULT_PASSWORD, make_organisation, make_user

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    match = TOKEN.search(html)
    assert match, html
    return match.group(1)


def sign_in(client: TestClient, email: str, password: str = DEFAULT_PASSWORD) -> httpx.Response:
    token = csrf_of(client.get("/login").text)
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token},
        follow_redirects=False,
    )


@dataclass
class Browser:
    """A TestClient signed in as `user`, with the session's form token at hand."""

    client: TestClient
    user: User
    csrf: str

    def post(
        self, url: str, data: dict[str, object] | None = None, **kwargs: object
    ) -> httpx.Response:
        form = {"csrf_token": self.csrf, **(data or {})}
        return self.client.post(url, data=form, follow_redirects=False, **kwargs)  # type: ignore[arg-type]

    def get(self, url: str) -> httpx.Response:
        return self.client.get(url, follow_redirects=False)


def browser_for(client: TestClient, user: User, password: str = DEFAULT_PASSWORD) -> Browser:
    signed_in = sign_in(client, user.email, password)
    assert signed_in.status_code == 303, signed_in.text
    csrf = csrf_of(client.get("/coach").text)
    return Browser(client, user, csrf)


@pytest.fixture
def organisation_id(session: Session) -> int:
    return make_organisation(session)


@pytest.fixture
def coach(client: TestClient, session: Session, organisation_id: int) -> Browser:
    user = make_user(session, organisation_id=organisation_id, email="coach@example.org")
    return browser_for(client, user)


def other_browser(
    app_client: TestClient, session: Session, organisation_id: int, role: Role, email: str
) -> Browser:
    user = make_user(session, organisation_id=organisation_id, email=email, role=role)
    return browser_for(app_client, user)


@pytest.fixture
def viewer(app, session: Session, organisation_id: int):  # type: ignore[no-untyped-def]
    with TestClient(app) as client:
        yield other_browser(client, session, organisation_id, Role.VIEWER, "viewer@example.org")


@pytest.fixture
def admin(app, session: Session, organisation_id: int):  # type: ignore[no-untyped-def]
    with TestClient(app) as client:
        yield other_browser(client, session, organisation_id, Role.ADMIN, "admin@example.org")
