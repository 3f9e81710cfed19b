"""Coach sign-in: passwords (argon2id), rate limits, server-side sessions and roles."""

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import lru_cache

from sqlalchemy import delete
from sqlmodel import Session, col, select

from app.config import Settings
from app.errors import PermissionDenied, TrustmeterError
from app.infra.unit_of_work import unit_of_work
from app.models import Role, User, WebSession, utcnow
from app.security import hash_password, hash_token, new_token, verify_and_update_password
from app.services.identity import sign_in_limits

# Browsers refuse `__Host-` cookies without Secure, so plain http (development) gets a plain name.
SECURE_COOKIE_NAME = "__Host-trustmeter_session"
PLAIN_COOKIE_NAME = "trustmeter_session"
# Recording every request would turn each page view into a write; once a minute is enough.
SEEN_RESOLUTION = timedelta(minutes=1)
EDITOR_ROLES = frozenset({Role.ADMIN, Role.COACH})


class SignInFailed(TrustmeterError):
    status_code = 401
    title = "Sign-in failed"


@dataclass(frozen=True, slots=True)
class Principal:
    """The signed-in user as the pages see them."""

    user_id: int
    organisation_id: int
    email: str
    name: str | None
    role: Role
    language: str
    csrf_token: str

    @property
    def can_edit(self) -> bool:
        return self.role in EDITOR_ROLES

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


@dataclass(frozen=True, slots=True)
class SignedIn:
    principal: Principal
    token: str  # the cookie value; only its hash is stored
    expires_at: datetime
    device_token: str | None = None  # a new known-device token for this browser, if any


def cookie_name(settings: Settings) -> str:
    return SECURE_COOKIE_NAME if settings.secure_cookies else PLAIN_COOKIE_NAME


@lru_cache
def _decoy_hash() -> str:
    """A hash to verify against for unknown e-mail addresses, so timing tells nothing."""
    return hash_password(new_token())


def sign_in(
    session: Session,
    *,
    email: str,
    password: str,
    client_address: str,
    settings: Settings,
    previous_token: str | None = None,
    device_token: str | None = None,
) -> SignedIn:
    """Check the password and start a new session (a new id: no fixation of an old one).

    The attempt is counted before the password is looked at (sign_in_limits): refused at
    the limit per client address, slowed per account, never slowed by strangers on a
    browser that carries this account's known-device token.
    """
    email = email.strip().lower()
    device = sign_in_limits.known_device(settings, email, device_token)
    reservation = sign_in_limits.reserve(
        session, email=email, client_address=client_address, device=device, settings=settings
    )
    user = session.exec(select(User).where(User.email == email)).first()
    valid, new_hash = verify_and_update_password(
        password, user.password_hash if user else _decoy_hash()
    )
    if user is None or not valid or not user.is_active:
        raise SignInFailed("The e-mail address or the password is not right.")
    sign_in_limits.succeeded(session, reservation)
    signed_in = _start_session(
        session, user=user, settings=settings, previous_token=previous_token, new_hash=new_hash
    )
    if device is None:
        signed_in = replace(signed_in, device_token=sign_in_limits.device_token(settings, email))
    return signed_in


def _start_session(
    session: Session,
    *,
    user: User,
    settings: Settings,
    previous_token: str | None,
    new_hash: str | None = None,
) -> SignedIn:
    with unit_of_work(session):
        now = utcnow()
        if new_hash is not None:
            # A hash made with older (costlier) parameters is replaced while the password is at
            # hand, in the sign-in's own transaction.
            user.password_hash = new_hash
        if previous_token:
            old = hash_token(previous_token)
            session.exec(delete(WebSession).where(col(WebSession.token_hash) == old))
        # Expired sessions are useless; removing them here keeps the table small without a cron.
        session.exec(delete(WebSession).where(col(WebSession.expires_at) <= now))
        token = new_token()
        expires_at = now + timedelta(seconds=settings.session_max_age_seconds)
        assert user.id is not None
        web_session = WebSession(
            token_hash=hash_token(token),
            user_id=user.id,
            csrf_token=new_token(),
            expires_at=expires_at,
            last_seen_at=now,
        )
        user.last_login_at = now
        session.add_all([web_session, user])
    return SignedIn(_principal(user, web_session), token, expires_at)


def authenticate(session: Session, *, token: str | None) -> Principal | None:
    """The principal behind a session cookie, or None when it is unknown, expired or disabled."""
    if not token:
        return None
    web_session = session.exec(
        select(WebSession).where(WebSession.token_hash == hash_token(token))
    ).first()
    now = utcnow()
    if web_session is None or web_session.expires_at <= now:
        return None
    user = session.get(User, web_session.user_id)
    if user is None or not user.is_active:
        return None
    if now - web_session.last_seen_at > SEEN_RESOLUTION:
        with unit_of_work(session):
            web_session.last_seen_at = now
            session.add(web_session)
    return _principal(user, web_session)


def sign_out(session: Session, *, token: str | None) -> None:
    """End the session for good: the row goes, so the cookie opens nothing any more."""
    if not token:
        return
    with unit_of_work(session):
        session.exec(delete(WebSession).where(col(WebSession.token_hash) == hash_token(token)))


def end_sessions_of(session: Session, *, user_id: int) -> None:
    """Sign a user out everywhere (inside the caller's write transaction; no commit)."""
    session.exec(delete(WebSession).where(col(WebSession.user_id) == user_id))


def require_editor(principal: Principal) -> None:
    if not principal.can_edit:
        raise PermissionDenied("Viewers can look at everything but change nothing.")


def require_admin(principal: Principal) -> None:
    if not principal.is_admin:
        raise PermissionDenied("Only administrators manage users and API keys.")


def _principal(user: User, web_session: WebSession) -> Principal:
    assert user.id is not None
    return Principal(
        user_id=user.id,
        organisation_id=user.organisation_id,
        email=user.email,
        name=user.name,
        role=user.role,
        language=user.language,
        csrf_token=web_session.csrf_token,
    )
