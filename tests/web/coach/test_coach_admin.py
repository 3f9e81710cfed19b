"""Administrators manage users and API keys; nobody else may."""

import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.models import ApiKey, Role, User, WebSession
from app.security import hash_token
from tests.factories import make_user
from tests.web.coach.conftest import Browser

NEW_USER = {"email": "nieuw@example.org", "name": "Nieuwe coach", "role": "coach"}


def users(session: Session) -> list[User]:
    session.rollback()
    return list(session.exec(select(User).order_by(User.email)))  # type: ignore[arg-type]


@pytest.mark.parametrize("url", ["/coach/users", "/coach/api-keys"])
def test_only_administrators_see_the_admin_pages(coach: Browser, admin: Browser, url: str) -> None:
    assert coach.get(url).status_code == 403
    assert admin.get(url).status_code == 200
    assert 'href="/coach/users"' not in coach.get("/coach").text


def test_a_coach_cannot_add_users_or_keys(coach: Browser, session: Session) -> None:
    assert (
        coach.post("/coach/users", {**NEW_USER, "password": "a-long-password-for-x"}).status_code
        == 403
    )
    assert coach.post("/coach/api-keys", {"name": "portaal"}).status_code == 403
    assert [u.email for u in users(session)] == ["coach@example.org"]


def test_an_admin_adds_a_user_with_an_argon2id_password(
    admin: Browser, session: Session, app: object
) -> None:
    answer = admin.post("/coach/users", {**NEW_USER, "password": "een-lang-wachtwoord-2026"})
    assert answer.status_code == 303
    added = next(u for u in users(session) if u.email == "nieuw@example.org")
    assert added.role == Role.COACH and added.password_hash.startswith("$argon2id$")


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"password": "kort"}, "password", "Gebruik minstens 12 tekens"),
        ({"password": "wachtwoord1234"}, "password", "Gebruik minstens 12 tekens"),
        (
            {"email": "geen-adres", "password": "een-lang-wachtwoord-2026"},
            "email",
            "Vul een e-mailadres in",
        ),
        (
            {"role": "baas", "password": "een-lang-wachtwoord-2026"},
            "role",
            "Kies een van de mogelijkheden.",
        ),
        (
            {"email": "admin@example.org", "password": "een-lang-wachtwoord-2026"},
            "email",
            "Er is al een gebruiker",
        ),
    ],
)
def test_a_bad_new_user_is_explained_and_not_added(
    admin: Browser, session: Session, values: dict[str, str], field: str, message: str
) -> None:
    before = [u.email for u in users(session)]
    answer = admin.post("/coach/users", {**NEW_USER, **values})
    assert answer.status_code == 422
    assert f'id="{field}-error">{message}' in answer.text
    assert [u.email for u in users(session)] == before


def test_the_last_administrator_cannot_step_down(admin: Browser, session: Session) -> None:
    answer = admin.post(f"/coach/users/{admin.user.id}/role", {"role": "viewer"})
    assert answer.status_code == 409
    assert "Een organisatie houdt minstens één beheerder." in answer.text
    session.refresh(admin.user)
    assert admin.user.role == Role.ADMIN


def test_deactivating_a_user_signs_them_out(
    admin: Browser, coach: Browser, session: Session, client: TestClient
) -> None:
    assert client.get("/coach").status_code == 200  # the coach's browser
    answer = admin.post(f"/coach/users/{coach.user.id}/active", {})
    assert answer.status_code == 303
    session.rollback()
    assert session.exec(select(WebSession).where(WebSession.user_id == coach.user.id)).all() == []
    assert client.get("/coach", follow_redirects=False).status_code == 303


def test_an_admin_cannot_deactivate_themselves(admin: Browser, session: Session) -> None:
    answer = admin.post(f"/coach/users/{admin.user.id}/active", {})
    assert answer.status_code == 409
    session.refresh(admin.user)
    assert admin.user.is_active


def test_users_of_another_organisation_cannot_be_touched(admin: Browser, session: Session) -> None:
    from tests.factories import make_organisation

    stranger = make_user(
        session, organisation_id=make_organisation(session, name="Ander"), email="x@example.org"
    )
    assert admin.post(f"/coach/users/{stranger.id}/role", {"role": "viewer"}).status_code == 404
    assert admin.post(f"/coach/users/{stranger.id}/active", {}).status_code == 404
    session.refresh(stranger)
    assert stranger.role == Role.COACH and stranger.is_active


def test_a_new_api_key_is_shown_once_and_stored_as_a_hash(admin: Browser, session: Session) -> None:
    answer = admin.post("/coach/api-keys", {"name": "partnerportaal", "read_only": "on"})
    assert answer.status_code == 201
    secret = re.search(r'<code class="secret" id="new-key">([^<]+)</code>', answer.text).group(1)  # type: ignore[union-attr]
    session.rollback()
    (key,) = session.exec(select(ApiKey)).all()
    assert key.key_hash == hash_token(secret) and key.scopes == ["read"]
    assert secret not in admin.get("/coach/api-keys").text
    api = admin.client.get("/api/v1/collaborations", headers={"Authorization": f"Bearer {secret}"})
    assert api.status_code == 200


def test_a_revoked_key_stops_working(admin: Browser, session: Session) -> None:
    answer = admin.post("/coach/api-keys", {"name": "tijdelijk"})
    secret = re.search(r'id="new-key">([^<]+)<', answer.text).group(1)  # type: ignore[union-attr]
    session.rollback()
    key = session.exec(select(ApiKey)).one()
    assert admin.post(f"/coach/api-keys/{key.id}/revoke").status_code == 303
    api = admin.client.get("/api/v1/collaborations", headers={"Authorization": f"Bearer {secret}"})
    assert api.status_code == 401


def test_a_key_needs_a_name(admin: Browser, session: Session) -> None:
    answer = admin.post("/coach/api-keys", {"name": ""})
    assert answer.status_code == 422 and 'id="name-error"' in answer.text
    session.rollback()
    assert session.exec(select(ApiKey)).all() == []
