"""Sign-in limits: counted atomically, hard per address, slowed per account, never a lockout."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from app.config import Settings
from app.db import new_session
from app.errors import RateLimited
from app.models import User
from app.services.identity import auth, rate_limits
from tests.factories import DEFAULT_PASSWORD, make_organisation, make_user

EMAIL = "coach@example.org"


@pytest.fixture
def coach(session: Session) -> User:
    return make_user(session, organisation_id=make_organisation(session), email=EMAIL)


def _attempt(engine: Engine, settings: Settings, client: str, outcomes: list[str]) -> None:
    with new_session(engine) as own:
        try:
            auth.sign_in(
                own,
                email=EMAIL,
                password="wrong-pass-123",
                client_address=client,
                settings=settings,
            )
        except auth.SignInFailed:
            outcomes.append("checked")
        except RateLimited:
            outcomes.append("refused")


def test_concurrent_wrong_passwords_never_exceed_the_limit(
    engine: Engine, settings: Settings, coach: User
) -> None:
    outcomes: list[str] = []
    start = threading.Barrier(30)

    def guess() -> None:
        start.wait()
        _attempt(engine, settings, "203.0.113.9", outcomes)

    threads = [threading.Thread(target=guess) for _ in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("checked") == settings.login_rate_limit
    assert outcomes.count("refused") == 30 - settings.login_rate_limit


def test_guesses_from_many_addresses_slow_down_but_do_not_lock_the_holder_out(
    session: Session,
    engine: Engine,
    settings: Settings,
    coach: User,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    frozen = datetime.now(UTC)  # the back-off counts seconds: hold the clock still
    monkeypatch.setattr(rate_limits, "utcnow", lambda: frozen)
    first = auth.sign_in(
        session,
        email=EMAIL,
        password=DEFAULT_PASSWORD,
        client_address="192.0.2.1",
        settings=settings,
    )
    assert first.device_token  # the holder's browser is known from now on
    outcomes: list[str] = []
    for attempt in range(40):
        _attempt(engine, settings, f"198.51.100.{attempt}", outcomes)
    assert outcomes.count("checked") == settings.login_rate_limit  # then the back-off holds
    # A stranger, even with the right password, waits seconds, not the whole window.
    with pytest.raises(RateLimited) as slowed:
        auth.sign_in(
            session,
            email=EMAIL,
            password=DEFAULT_PASSWORD,
            client_address="198.51.100.200",
            settings=settings,
        )
    assert 0 < slowed.value.retry_after < settings.login_rate_window_seconds
    # The holder, on the browser they used before, signs in at once.
    again = auth.sign_in(
        session,
        email=EMAIL,
        password=DEFAULT_PASSWORD,
        client_address="192.0.2.1",
        settings=settings,
        device_token=first.device_token,
    )
    assert again.principal.email == EMAIL and again.device_token is None


def test_a_device_token_of_another_account_or_forged_counts_for_nothing(
    session: Session, settings: Settings, coach: User
) -> None:
    other = make_user(session, organisation_id=coach.organisation_id, email="other@example.org")
    theirs = auth.sign_in(
        session,
        email=other.email,
        password=DEFAULT_PASSWORD,
        client_address="192.0.2.5",
        settings=settings,
    ).device_token
    for attempt in range(settings.login_rate_limit):
        with pytest.raises(auth.SignInFailed):
            auth.sign_in(
                session,
                email=EMAIL,
                password="wrong-pass-123",
                client_address=f"198.51.100.{attempt}",
                settings=settings,
            )
    for token in (theirs, "forged.0123456789abcdef0123456789abcdef", "nonsense"):
        with pytest.raises(RateLimited):
            auth.sign_in(
                session,
                email=EMAIL,
                password=DEFAULT_PASSWORD,
                client_address="192.0.2.9",
                settings=settings,
                device_token=token,
            )


def test_the_account_back_off_doubles_and_is_capped(session: Session) -> None:
    start = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    bucket, limit, window = "login:email:test", 2, 300
    for second in (0, 1):
        rate_limits.take(
            session,
            bucket=bucket,
            limit=limit,
            window_seconds=window,
            backoff=True,
            now=start + timedelta(seconds=second),
        )
    waits = []
    moment = start + timedelta(seconds=1)
    for _ in range(6):
        with pytest.raises(rate_limits.Full) as full:
            rate_limits.take(
                session, bucket=bucket, limit=limit, window_seconds=window, backoff=True, now=moment
            )
        waits.append(full.value.retry_after)
        moment += timedelta(seconds=full.value.retry_after)
        rate_limits.take(
            session, bucket=bucket, limit=limit, window_seconds=window, backoff=True, now=moment
        )
    assert waits == [2, 4, 8, 16, 30, 30]


def test_a_refused_attempt_is_not_counted(session: Session) -> None:
    now = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    for _ in range(3):
        rate_limits.take(session, bucket="b", limit=3, window_seconds=60, now=now)
    for _ in range(5):
        with pytest.raises(rate_limits.Full) as full:
            rate_limits.take(session, bucket="b", limit=3, window_seconds=60, now=now)
        assert full.value.retry_after == 60
    assert rate_limits.count(session, bucket="b", window_seconds=60, now=now) == 3
