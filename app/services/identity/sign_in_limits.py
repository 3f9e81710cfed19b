"""How sign-in attempts are limited: hard per client address, slowed per account.

Every attempt is counted before its password is checked, atomically (rate_limits.take), so
concurrent guesses cannot pass the limit. Per client address the limit is hard. Per account
it slows down instead (back-off after the limit), because a hard limit per account would let
anyone lock its holder out. A browser where the holder signed in before carries a known-device
token for that account: its attempts count in a bucket of their own, so a stranger's guesses
never slow the holder down there.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlmodel import Session

from app.config import Settings
from app.errors import RateLimited
from app.security import derive_secret
from app.services.identity import rate_limits


@dataclass(frozen=True, slots=True)
class Reservation:
    hit_ids: list[int]
    account_bucket: str


def _digest(email: str) -> str:
    # The address book of who tried to sign in is nobody's business: buckets hold a hash.
    return hashlib.sha256(email.encode()).hexdigest()[:32]


def account_bucket(email: str) -> str:
    return f"login:email:{_digest(email)}"


def device_token(settings: Settings, email: str) -> str:
    """A new known-device token for `email`: a random id and its keyed signature."""
    device = secrets.token_urlsafe(12)
    return f"{device}.{_signature(settings, email, device)}"


def known_device(settings: Settings, email: str, token: str | None) -> str | None:
    """The device id when `token` was issued to this browser for `email`, else None."""
    device, _, signature = (token or "").partition(".")
    if not device or not signature:
        return None
    return device if hmac.compare_digest(signature, _signature(settings, email, device)) else None


def _signature(settings: Settings, email: str, device: str) -> str:
    key = derive_secret(settings.secret_key, "known-device")
    message = f"{_digest(email)}:{device}".encode()
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()[:32]


def reserve(
    session: Session, *, email: str, client_address: str, device: str | None, settings: Settings
) -> Reservation:
    """Count this attempt in every bucket it belongs to, or refuse it (RateLimited)."""
    limit, window = settings.login_rate_limit, settings.login_rate_window_seconds
    buckets = [(f"login:client:{client_address}", False)]
    if device:
        buckets.append((f"login:device:{device}", False))
    else:
        buckets.append((account_bucket(email), True))
    taken: list[int] = []
    try:
        for bucket, backoff in buckets:
            taken.append(
                rate_limits.take(
                    session, bucket=bucket, limit=limit, window_seconds=window, backoff=backoff
                )
            )
    except rate_limits.Full as full:
        rate_limits.release(session, hit_ids=taken)  # an attempt refused is not an attempt
        raise RateLimited(
            "Too many failed sign-in attempts; wait a little and try again.",
            retry_after=full.retry_after,
        ) from None
    return Reservation(taken, account_bucket(email))


def succeeded(session: Session, reservation: Reservation) -> None:
    """A right password: the attempt does not count, and the account's failures are forgotten."""
    rate_limits.release(session, hit_ids=reservation.hit_ids)
    rate_limits.reset(session, bucket=reservation.account_bucket)
