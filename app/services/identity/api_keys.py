"""API keys: created once and shown once, stored as a hash, checked in constant time."""

import time
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select as sql_select
from sqlalchemy import update
from sqlmodel import Session, col, select

from app.errors import NotFound, TrustmeterError
from app.infra.unit_of_work import end_read, unit_of_work
from app.models import ApiKey, utcnow
from app.security import hash_token, new_api_key
from app.services.identity.organisations import refuse_control_characters

# Recording every use would turn each read into a write; once a minute is enough to audit.
LAST_USED_RESOLUTION = timedelta(minutes=1)
VALID_SCOPES = ("read", "write")
# Every API request authenticates. A valid key's principal is remembered for a moment, so a
# burst of requests costs one lookup; revoking forgets it in this process at once, and the
# other worker processes stop accepting it within RECENT_SECONDS.
RECENT_SECONDS = 2.0
RECENT_MAX = 1024
_recent: dict[str, tuple[float, "ApiPrincipal"]] = {}


class Unauthorized(TrustmeterError):
    status_code = 401
    title = "Unauthorized"


@dataclass(frozen=True, slots=True)
class ApiPrincipal:
    organisation_id: int
    api_key_id: int
    scopes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CreatedApiKey:
    api_key: ApiKey
    secret: str  # shown once, never stored


def create_api_key(
    session: Session, *, organisation_id: int, name: str, scopes: tuple[str, ...] = VALID_SCOPES
) -> CreatedApiKey:
    unknown = set(scopes) - set(VALID_SCOPES)
    if unknown:
        raise TrustmeterError(f"Unknown scopes: {', '.join(sorted(unknown))}.")
    refuse_control_characters(name=name)
    with unit_of_work(session):
        secret = new_api_key()
        api_key = ApiKey(
            organisation_id=organisation_id,
            name=name,
            prefix=secret[:10],
            key_hash=hash_token(secret),
            scopes=list(scopes),
        )
        session.add(api_key)
    return CreatedApiKey(api_key=api_key, secret=secret)


def _bearer_secret(authorization: str | None) -> str | None:
    scheme, _, secret = (authorization or "").partition(" ")
    return secret.strip() if scheme.lower() == "bearer" and secret.strip() else None


def recent_principal(authorization: str | None) -> ApiPrincipal | None:
    """The principal of a key this process authenticated moments ago (no database)."""
    secret = _bearer_secret(authorization)
    found = _recent.get(hash_token(secret)) if secret else None
    if found is None or found[0] < time.monotonic():
        return None
    return found[1]


def forget_recent() -> None:
    """Forget every remembered key, as RECENT_SECONDS passing would."""
    _recent.clear()


def _remember(key_hash: str, principal: ApiPrincipal) -> None:
    if len(_recent) >= RECENT_MAX:
        _recent.clear()
    _recent[key_hash] = (time.monotonic() + RECENT_SECONDS, principal)


def authenticate(session: Session, *, authorization: str | None) -> ApiPrincipal:
    """Resolve `Bearer <key>`; the lookup is by hash, so timing reveals nothing of the key."""
    secret = _bearer_secret(authorization)
    if secret is None:
        raise Unauthorized("Send your API key as 'Authorization: Bearer <key>'.")
    key_hash = hash_token(secret)
    # Columns, not the ORM object: this runs on every API request.
    columns = (ApiKey.id, ApiKey.organisation_id, ApiKey.scopes, ApiKey.revoked_at)
    found = session.execute(
        sql_select(*(col(c) for c in columns), col(ApiKey.last_used_at)).where(
            col(ApiKey.key_hash) == key_hash
        )
    ).first()
    if found is None or found.revoked_at is not None:
        raise Unauthorized("The API key is unknown or revoked.")
    api_key_id, organisation_id, scopes, _, last_used_at = found
    now = utcnow()
    if last_used_at is None or now - last_used_at > LAST_USED_RESOLUTION:
        with unit_of_work(session):
            session.execute(
                update(ApiKey).where(col(ApiKey.id) == api_key_id).values(last_used_at=now)
            )
    # End the read transaction: the connection goes back to the pool while the request
    # works in sessions of its own, so no request holds one connection while waiting for
    # another (with more requests than pooled connections, that deadlocks).
    end_read(session)
    principal = ApiPrincipal(organisation_id, api_key_id, tuple(scopes))
    _remember(key_hash, principal)
    return principal


def list_api_keys(session: Session, *, organisation_id: int) -> list[ApiKey]:
    query = select(ApiKey).where(ApiKey.organisation_id == organisation_id).order_by(col(ApiKey.id))
    return list(session.exec(query))


def revoke_api_key(session: Session, *, organisation_id: int, api_key_id: int) -> ApiKey:
    api_key = session.get(ApiKey, api_key_id)
    if api_key is None or api_key.organisation_id != organisation_id:
        raise NotFound(f"No API key {api_key_id} in your organisation.")
    if api_key.revoked_at is None:
        with unit_of_work(session):
            api_key.revoked_at = utcnow()
            session.add(api_key)
    _recent.pop(api_key.key_hash, None)  # other workers forget it within RECENT_SECONDS
    return api_key
