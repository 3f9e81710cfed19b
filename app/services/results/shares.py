"""Share links for the feedback session: made, listed and revoked by the coach, opened by anyone
holding the token. Only the token's hash is stored; the coach's pages derive it again."""

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from app.config import Settings
from app.errors import Conflict, FieldProblem, Gone, InvalidInput, NotFound, RateLimited
from app.infra.unit_of_work import unit_of_work
from app.models import RoundStatus, Share, utcnow
from app.models.share import ShareCreate
from app.security import hash_token
from app.services.access.lookups import get_round
from app.services.access.paging import fetch_page
from app.services.identity import rate_limits


@dataclass(frozen=True, slots=True)
class ShareLink:
    share: Share
    token: str
    url: str


def token_for(secret_key: str, salt: str) -> str:
    digest = hmac.new(secret_key.encode(), f"share:{salt}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode()  # 192 bits, URL-safe, no padding


def share_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/r/{token}"


def link_of(share: Share, settings: Settings) -> ShareLink:
    token = token_for(settings.secret_key, share.token_salt)
    return ShareLink(share, token, share_url(settings.base_url, token))


def create_share(
    session: Session, *, organisation_id: int, round_id: int, data: ShareCreate, settings: Settings
) -> ShareLink:
    now = utcnow()
    if data.expires_at is not None and data.expires_at <= now:
        problem = FieldProblem("expires_at", "must lie in the future")
        raise InvalidInput("The link would be expired at once.", problems=[problem])
    with unit_of_work(session):
        round_ = get_round(session, organisation_id=organisation_id, round_id=round_id)
        if round_.status == RoundStatus.DRAFT:
            raise Conflict("This round was never opened: there are no results to share yet.")
        salt = secrets.token_hex(16)
        share = Share(
            round_id=round_id,
            token_salt=salt,
            token_hash=hash_token(token_for(settings.secret_key, salt)),
            sections=[section.value for section in data.sections],
            expires_at=data.expires_at,
        )
        session.add(share)
    return link_of(share, settings)


def get_share(session: Session, *, organisation_id: int, share_id: int) -> Share:
    share = session.get(Share, share_id)
    if share is not None:
        try:
            get_round(session, organisation_id=organisation_id, round_id=share.round_id)
        except NotFound:
            pass
        else:
            return share
    raise NotFound(f"No share {share_id} in your organisation.")


def list_shares(
    session: Session,
    *,
    organisation_id: int,
    round_id: int,
    after_id: int | None = None,
    updated_since: datetime | None = None,
    limit: int | None = 500,
) -> list[Share]:
    get_round(session, organisation_id=organisation_id, round_id=round_id)
    query = select(Share).where(Share.round_id == round_id)
    return fetch_page(
        session, query, Share, after_id=after_id, updated_since=updated_since, limit=limit
    )


def revoke_share(session: Session, *, organisation_id: int, share_id: int) -> Share:
    """Revoke the link at once; revoking it again changes nothing."""
    with unit_of_work(session):
        share = get_share(session, organisation_id=organisation_id, share_id=share_id)
        if share.revoked_at is None:
            share.revoked_at = utcnow()
            session.add(share)
    return share


def open_share(
    session: Session, *, token: str, client_key: str, limit: int, window_seconds: int
) -> Share:
    """The share behind a link: NotFound when unknown, Gone when revoked or expired.

    Unknown tokens count per client address like survey links do, and past the limit every
    link is refused so the answer stops telling a guesser which guesses are real.
    """
    bucket = f"share-token:{client_key}"
    if rate_limits.is_limited(session, bucket=bucket, limit=limit, window_seconds=window_seconds):
        raise RateLimited("Too many unknown share links.", retry_after=window_seconds)
    share = session.exec(select(Share).where(Share.token_hash == hash_token(token))).first()
    if share is None:
        attempts = rate_limits.hit(session, bucket=bucket, window_seconds=window_seconds)
        if attempts > limit:
            raise RateLimited("Too many unknown share links.", retry_after=window_seconds)
        raise NotFound("No such share link.")
    if share.revoked_at is not None:
        raise Gone("The coach withdrew this link.")
    if share.expires_at is not None and share.expires_at <= utcnow():
        raise Gone("This link has expired.")
    return share
