"""Coach sign-in: passwords, server-side sessions, rate limits, roles."""

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from app.config import Settings
from app.errors import Conflict, PermissionDenied, RateLimited
from app.models import Role, User, WebSession, utcnow
from app.security import hash_token
from app.services.identity import auth, users
from tests.conftest import make_settings
from tests.factories import DEFAULT_PASSWORD, make_organisation, make_user

CLIENT = "203.0.113.7"


@pytest.fixture
def coach(session: Session) -> User:
    return make_user(session, organisation_id=make_organisation(session))


def _sign_in(session: Session, settings: Settings, **overrides: str) -> auth.SignedIn:
    values = {"email": "coach@example.org", "password": DEFAULT_PASSWORD, "client_address": CLIENT}
    values.update(overrides)
    return auth.sign_in(session, settings=settings, **values)  # type: ignore[arg-type]


def test_right_password_starts_a_session_stored_only_as_a_hash(
    session: Session, settings: Settings, coach: User
) -> None:
    signed_in = _sign_in(session, settings)
    stored = session.exec(select(WebSession)).one()
    assert stored.token_hash == hash_token(signed_in.token)
    assert signed_in.token not in (stored.token_hash, stored.csrf_token)
    assert auth.authenticate(session, token=signed_in.token) == signed_in.principal


def test_email_is_matched_without_regard_to_case_or_spaces(
    session: Session, settings: Settings, coach: User
) -> None:
    assert _sign_in(session, settings, email="  Coach@Example.ORG ").principal.user_id == coach.id


@pytest.mark.parametrize(
    ("email", "password"),
    [("coach@example.org", "wrong-password-123"), ("nobody@example.org", DEFAULT_PASSWORD)],
)
def test_wrong_password_or_unknown_user_gets_the_same_refusal(
    session: Session, settings: Settings, coach: User, email: str, password: str
) -> None:
    with pytest.raises(auth.SignInFailed) as refused:
        _sign_in(session, settings, email=email, password=password)
    assert refused.value.message == "The e-mail address or the password is not right."
    assert session.exec(select(WebSession)).all() == []


def test_deactivated_user_cannot_sign_in(session: Session, settings: Settings, coach: User) -> None:
    coach.is_active = False
    session.add(coach)
    session.commit()
    with pytest.raises(auth.SignInFailed):
        _sign_in(session, settings)


def test_signing_in_again_replaces_the_previous_session(
    session: Session, settings: Settings, coach: User
) -> None:
    first = _sign_in(session, settings)
    second = _sign_in(session, settings, previous_token=first.token)
    assert second.token != first.token
    assert auth.authenticate(session, token=first.token) is None
    assert auth.authenticate(session, token=second.token) is not None


def test_sign_out_ends_the_session_for_good(
    session: Session, settings: Settings, coach: User
) -> None:
    signed_in = _sign_in(session, settings)
    auth.sign_out(session, token=signed_in.token)
    assert auth.authenticate(session, token=signed_in.token) is None
    assert session.exec(select(WebSession)).all() == []


def test_expired_session_opens_nothing(session: Session, settings: Settings, coach: User) -> None:
    signed_in = _sign_in(session, settings)
    stored = session.exec(select(WebSession)).one()
    stored.expires_at = utcnow() - timedelta(seconds=1)
    session.add(stored)
    session.commit()
    assert auth.authenticate(session, token=signed_in.token) is None


def test_session_lasts_the_configured_time(
    session: Session, database_url: str, coach: User
) -> None:
    settings = make_settings(database_url, session_max_age_seconds=600)
    signed_in = _sign_in(session, settings)
    assert timedelta(seconds=590) < signed_in.expires_at - utcnow() <= timedelta(seconds=600)


@pytest.mark.parametrize("token", [None, "", "not-a-session"])
def test_missing_or_unknown_cookie_is_nobody(session: Session, token: str | None) -> None:
    assert auth.authenticate(session, token=token) is None


def test_failed_attempts_per_email_are_limited(
    session: Session, settings: Settings, coach: User
) -> None:
    for attempt in range(settings.login_rate_limit):
        with pytest.raises(auth.SignInFailed):
            _sign_in(session, settings, password="wrong", client_address=f"198.51.100.{attempt}")
    with pytest.raises(RateLimited) as limited:
        _sign_in(session, settings, client_address="198.51.100.99")  # even the right password
    # Per account the limit slows down (back-off) rather than locking the holder out.
    assert 0 < limited.value.retry_after < settings.login_rate_window_seconds


def test_failed_attempts_per_client_are_limited_across_accounts(
    session: Session, settings: Settings, coach: User
) -> None:
    for attempt in range(settings.login_rate_limit):
        with pytest.raises(auth.SignInFailed):
            _sign_in(session, settings, email=f"guess{attempt}@example.org")
    with pytest.raises(RateLimited):
        _sign_in(session, settings)


def test_a_successful_sign_in_forgets_the_accounts_failed_attempts(
    session: Session, settings: Settings, coach: User
) -> None:
    for attempt in range(settings.login_rate_limit - 1):
        with pytest.raises(auth.SignInFailed):
            _sign_in(session, settings, password="wrong", client_address=f"198.51.100.{attempt}")
    _sign_in(session, settings, client_address="192.0.2.1")
    with pytest.raises(auth.SignInFailed):
        _sign_in(session, settings, password="wrong", client_address="192.0.2.2")
    _sign_in(session, settings, client_address="192.0.2.3")


@pytest.mark.parametrize(
    ("secure", "name"),
    [(True, "__Host-trustmeter_session"), (False, "trustmeter_session")],
)
def test_cookie_name_uses_host_prefix_only_over_https(
    database_url: str, secure: bool, name: str
) -> None:
    base_url = "https://trust.example.org" if secure else "http://127.0.0.1:8000"
    assert auth.cookie_name(make_settings(database_url, base_url=base_url)) == name


@pytest.mark.parametrize(
    ("role", "can_edit", "is_admin"),
    [(Role.ADMIN, True, True), (Role.COACH, True, False), (Role.VIEWER, False, False)],
)
def test_roles_decide_who_may_change_and_administer(
    session: Session, settings: Settings, role: Role, can_edit: bool, is_admin: bool
) -> None:
    make_user(session, organisation_id=make_organisation(session), role=role)
    principal = _sign_in(session, settings).principal
    assert (principal.can_edit, principal.is_admin) == (can_edit, is_admin)
    if not can_edit:
        with pytest.raises(PermissionDenied):
            auth.require_editor(principal)
    if not is_admin:
        with pytest.raises(PermissionDenied):
            auth.require_admin(principal)


def test_deactivating_a_user_signs_them_out_everywhere(
    session: Session, settings: Settings, coach: User
) -> None:
    admin = make_user(
        session, organisation_id=coach.organisation_id, email="admin@example.org", role=Role.ADMIN
    )
    signed_in = _sign_in(session, settings)
    users.set_active(
        session,
        organisation_id=coach.organisation_id,
        user_id=coach.id or 0,
        active=False,
        acting_user_id=admin.id or 0,
    )
    assert auth.authenticate(session, token=signed_in.token) is None


def test_the_last_administrator_cannot_step_down(session: Session) -> None:
    organisation_id = make_organisation(session)
    admin = make_user(session, organisation_id=organisation_id, role=Role.ADMIN)
    with pytest.raises(Conflict):
        users.change_role(
            session, organisation_id=organisation_id, user_id=admin.id or 0, role=Role.COACH
        )
    session.refresh(admin)
    assert admin.role == Role.ADMIN


def test_a_role_change_applies_to_the_open_session(
    session: Session, settings: Settings, coach: User
) -> None:
    signed_in = _sign_in(session, settings)
    users.change_role(
        session, organisation_id=coach.organisation_id, user_id=coach.id or 0, role=Role.VIEWER
    )
    principal = auth.authenticate(session, token=signed_in.token)
    assert principal is not None and principal.role == Role.VIEWER
