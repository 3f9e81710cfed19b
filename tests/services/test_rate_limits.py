"""Sliding-window attempt counters in the database, shared by every app instance."""

from datetime import timedelta

from sqlmodel import Session, select

from app.models import RateLimitHit, utcnow
from app.services.identity import rate_limits


def test_hits_count_within_the_window_and_per_bucket(session: Session):
    now = utcnow()
    counts = [
        rate_limits.hit(session, bucket="login:a", window_seconds=60, now=now) for _ in range(3)
    ]
    assert counts == [1, 2, 3]
    assert rate_limits.count(session, bucket="login:a", window_seconds=60, now=now) == 3
    assert rate_limits.count(session, bucket="login:b", window_seconds=60, now=now) == 0


def test_a_bucket_is_limited_once_the_limit_is_reached(session: Session):
    now = utcnow()
    limited = []
    for _ in range(3):
        limited.append(
            rate_limits.is_limited(session, bucket="ip:1", limit=2, window_seconds=60, now=now)
        )
        rate_limits.hit(session, bucket="ip:1", window_seconds=60, now=now)
    assert limited == [False, False, True]


def test_hits_older_than_the_window_no_longer_count_and_are_pruned(session: Session):
    start = utcnow()
    rate_limits.hit(session, bucket="ip:2", window_seconds=60, now=start)
    rate_limits.hit(session, bucket="ip:other", window_seconds=60, now=start)
    later = start + timedelta(seconds=61)
    assert rate_limits.count(session, bucket="ip:2", window_seconds=60, now=later) == 0
    assert rate_limits.hit(session, bucket="ip:2", window_seconds=60, now=later) == 1
    buckets = sorted(hit.bucket for hit in session.exec(select(RateLimitHit)))
    assert buckets == ["ip:2", "ip:other"]  # the stale ip:2 hit is gone, other buckets stay


def test_reset_forgets_one_bucket(session: Session):
    now = utcnow()
    rate_limits.hit(session, bucket="login:x", window_seconds=60, now=now)
    rate_limits.hit(session, bucket="login:y", window_seconds=60, now=now)
    rate_limits.reset(session, bucket="login:x")
    assert rate_limits.count(session, bucket="login:x", window_seconds=60, now=now) == 0
    assert rate_limits.count(session, bucket="login:y", window_seconds=60, now=now) == 1
