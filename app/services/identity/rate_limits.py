"""Sliding-window attempt counters kept in the database, so every app instance shares them."""

from datetime import datetime, timedelta

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from app.infra.unit_of_work import unit_of_work
from app.models import RateLimitHit, utcnow


def _since(window_seconds: int, now: datetime | None) -> datetime:
    return (now or utcnow()) - timedelta(seconds=window_seconds)


def count(
    session: Session, *, bucket: str, window_seconds: int, now: datetime | None = None
) -> int:
    """Attempts recorded in `bucket` within the last `window_seconds`."""
    query = (
        select(func.count())
        .select_from(RateLimitHit)
        .where(RateLimitHit.bucket == bucket)
        .where(col(RateLimitHit.created_at) > _since(window_seconds, now))
    )
    return int(session.exec(query).one())


def is_limited(
    session: Session, *, bucket: str, limit: int, window_seconds: int, now: datetime | None = None
) -> bool:
    """True once `limit` attempts were recorded in the window: the next one must be refused."""
    return count(session, bucket=bucket, window_seconds=window_seconds, now=now) >= limit


def hit(session: Session, *, bucket: str, window_seconds: int, now: datetime | None = None) -> int:
    """Record one attempt and return the attempts in the window, this one included.

    Hits that fell out of the window are deleted on the way, so the table stays small.
    """
    with unit_of_work(session):
        now = now or utcnow()
        session.exec(
            delete(RateLimitHit)
            .where(col(RateLimitHit.bucket) == bucket)
            .where(col(RateLimitHit.created_at) <= _since(window_seconds, now))
        )
        session.add(RateLimitHit(bucket=bucket, created_at=now))
        session.flush()
        attempts = count(session, bucket=bucket, window_seconds=window_seconds, now=now)
    return attempts


def reset(session: Session, *, bucket: str) -> None:
    """Forget a bucket's attempts (after a successful login, say)."""
    with unit_of_work(session):
        session.exec(delete(RateLimitHit).where(col(RateLimitHit.bucket) == bucket))


def retry_after(window_seconds: int) -> int:
    """What to put in Retry-After: the window is sliding, so waiting it out always works."""
    return window_seconds
