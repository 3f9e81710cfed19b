"""Sliding-window attempt counters kept in the database, so every app instance shares them.

`take` reserves an attempt before the work it limits (checking a password) and counts
atomically: concurrent attempts queue on the bucket, so no more than the limit ever pass.
"""

import hashlib
import math
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, func, text
from sqlmodel import Session, col, select

from app.infra.unit_of_work import is_sqlite, unit_of_work
from app.models import RateLimitHit, utcnow


def _since(window_seconds: int, now: datetime | None) -> datetime:
    return (now or utcnow()) - timedelta(seconds=window_seconds)


# Built once: every survey request counts its client's unknown links before anything else.
_COUNT = (
    select(func.count())
    .select_from(RateLimitHit)
    .where(col(RateLimitHit.bucket) == bindparam("bucket"))
    .where(col(RateLimitHit.created_at) > bindparam("since"))
)


def count(
    session: Session, *, bucket: str, window_seconds: int, now: datetime | None = None
) -> int:
    """Attempts recorded in `bucket` within the last `window_seconds`."""
    since = _since(window_seconds, now)
    return int(session.execute(_COUNT, {"bucket": bucket, "since": since}).scalar_one())


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


class Full(Exception):
    """The bucket allows no attempt now; `retry_after` says when one may be tried again."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"try again in {retry_after} s")
        self.retry_after = retry_after


def take(
    session: Session,
    *,
    bucket: str,
    limit: int,
    window_seconds: int,
    backoff: bool = False,
    now: datetime | None = None,
) -> int:
    """Reserve one attempt and return its id; raise Full when the bucket allows none now.

    Without `backoff` the limit is hard: `limit` attempts per sliding window. With it, the
    attempts beyond the limit are slowed rather than stopped: each must wait twice as long
    after the previous one (2 s, 4 s, 8 s … at most a tenth of the window).
    """
    now = now or utcnow()
    with unit_of_work(session):
        _serialise(session, bucket)
        session.exec(
            delete(RateLimitHit)
            .where(col(RateLimitHit.bucket) == bucket)
            .where(col(RateLimitHit.created_at) <= _since(window_seconds, now))
        )
        times = session.exec(
            select(RateLimitHit.created_at)
            .where(RateLimitHit.bucket == bucket)
            .order_by(col(RateLimitHit.created_at))
        ).all()
        if len(times) >= limit:
            _refuse_or_allow(list(times), limit, window_seconds, backoff, now)
        reserved = RateLimitHit(bucket=bucket, created_at=now)
        session.add(reserved)
        session.flush()
    assert reserved.id is not None
    return reserved.id


def _refuse_or_allow(
    times: list[datetime], limit: int, window_seconds: int, backoff: bool, now: datetime
) -> None:
    if not backoff:
        wait = (times[0] + timedelta(seconds=window_seconds) - now).total_seconds()
        raise Full(max(1, math.ceil(wait)))
    delay = min(2 ** (len(times) - limit + 1), max(2, window_seconds // 10))
    wait = (times[-1] + timedelta(seconds=delay) - now).total_seconds()
    if wait > 0:
        raise Full(math.ceil(wait))


def _serialise(session: Session, bucket: str) -> None:
    """One counter at a time per bucket: SQLite's write lock does it; PostgreSQL needs a lock."""
    if is_sqlite(session):
        return
    key = int.from_bytes(hashlib.sha256(bucket.encode()).digest()[:8], "big", signed=True)
    session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def release(session: Session, *, hit_ids: Iterable[int]) -> None:
    """Give reserved attempts back (the attempt succeeded, or was not made after all)."""
    ids = list(hit_ids)
    if ids:
        with unit_of_work(session):
            session.exec(delete(RateLimitHit).where(col(RateLimitHit.id).in_(ids)))


def retry_after(window_seconds: int) -> int:
    """What to put in Retry-After: the window is sliding, so waiting it out always works."""
    return window_seconds
