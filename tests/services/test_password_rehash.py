"""Password hashes use OWASP's argon2id parameters; older hashes are replaced at sign-in."""

import pytest
from argon2 import PasswordHasher
from sqlmodel import Session, select

from app.config import Settings
from app.errors import RateLimited
from app.models import User
from app.security import hash_password, verify_password
from app.services.identity import auth
from tests.factories import DEFAULT_PASSWORD, make_organisation, make_user

CLIENT = "203.0.113.8"
NEW_PARAMETERS = "$argon2id$v=19$m=7168,t=5,p=1$"
# What argon2-cffi's defaults (pwdlib's `Argon2Hasher()`) made before: 64 MiB, 3 passes, 4 lanes.
OLD_PARAMETERS = "$argon2id$v=19$m=65536,t=3,p=4$"


# The line of OWASP's table used before this one: 19 MiB, 2 passes.
NINETEEN_MIB = PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1)


@pytest.fixture(params=["argon2-cffi default", "19 MiB"])
def old_hash_coach(session: Session, request: pytest.FixtureRequest) -> User:
    coach = make_user(session, organisation_id=make_organisation(session))
    hasher = PasswordHasher() if request.param == "argon2-cffi default" else NINETEEN_MIB
    coach.password_hash = hasher.hash(DEFAULT_PASSWORD)
    session.add(coach)
    session.commit()
    if request.param == "argon2-cffi default":
        assert coach.password_hash.startswith(OLD_PARAMETERS)
    return coach


def _stored_hash(session: Session, user_id: int | None) -> str:
    session.expire_all()
    return session.exec(select(User.password_hash).where(User.id == user_id)).one()


def _sign_in(session: Session, settings: Settings, password: str) -> auth.SignedIn:
    return auth.sign_in(
        session,
        email="coach@example.org",
        password=password,
        client_address=CLIENT,
        settings=settings,
    )


def test_a_new_hash_uses_the_owasp_parameters() -> None:
    stored = hash_password("a fine passphrase")
    assert stored.startswith(NEW_PARAMETERS)
    assert verify_password("a fine passphrase", stored)
    assert not verify_password("another passphrase", stored)


def test_an_old_hash_still_signs_in_and_is_replaced_by_a_new_one(
    session: Session, settings: Settings, old_hash_coach: User
) -> None:
    old = old_hash_coach.password_hash
    assert _sign_in(session, settings, DEFAULT_PASSWORD).principal.user_id == old_hash_coach.id
    stored = _stored_hash(session, old_hash_coach.id)
    assert stored != old and stored.startswith(NEW_PARAMETERS)
    assert verify_password(DEFAULT_PASSWORD, stored)
    _sign_in(session, settings, DEFAULT_PASSWORD)  # the new hash signs in too
    assert _stored_hash(session, old_hash_coach.id) == stored  # and is not replaced again


def test_a_wrong_password_against_an_old_hash_fails_and_keeps_the_hash(
    session: Session, settings: Settings, old_hash_coach: User
) -> None:
    old = old_hash_coach.password_hash
    for _ in range(settings.login_rate_limit):
        with pytest.raises(auth.SignInFailed):
            _sign_in(session, settings, "not-the-password")
    with pytest.raises(RateLimited):
        _sign_in(session, settings, DEFAULT_PASSWORD)
    assert _stored_hash(session, old_hash_coach.id) == old
