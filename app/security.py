"""Secrets: random tokens, their stored hashes, password hashing (argon2id) and HMAC signatures."""

import hashlib
import hmac
import secrets
from functools import lru_cache

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

TOKEN_BYTES = 24  # 192 bits: well above the 128 the design requires
API_KEY_PREFIX = "tm_"


def new_token() -> str:
    """A URL-safe random token (survey links, session ids)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def new_api_key() -> str:
    return API_KEY_PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """What we store for a token: SHA-256 is right here because tokens carry full entropy."""
    return hashlib.sha256(token.encode()).hexdigest()


def tokens_match(token: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_token(token), stored_hash)


# OWASP Password Storage Cheat Sheet, Argon2id: five configurations that "provide an equal level
# of defense", from 46 MiB with one iteration to 7 MiB with five. We take the last: a worker
# that checks a password holds that memory for the rest of its life (peak RSS), so 7 MiB keeps
# every worker 12 MiB smaller than the 19 MiB/t=2 line would. Older hashes (argon2-cffi's
# 64 MiB default, the 19 MiB line) are replaced at the next sign-in.
ARGON2_MEMORY_COST_KIB = 7_168
ARGON2_TIME_COST = 5
ARGON2_PARALLELISM = 1


@lru_cache
def _password_hasher() -> PasswordHash:
    return PasswordHash(
        (
            Argon2Hasher(
                time_cost=ARGON2_TIME_COST,
                memory_cost=ARGON2_MEMORY_COST_KIB,
                parallelism=ARGON2_PARALLELISM,
            ),
        )
    )


def hash_password(password: str) -> str:
    return _password_hasher().hash(password)


def verify_password(password: str, password_hash: str) -> bool:
    return _password_hasher().verify(password, password_hash)


def verify_and_update_password(password: str, password_hash: str) -> tuple[bool, str | None]:
    """Whether the password is right, and a new hash when the stored one has old parameters."""
    return _password_hasher().verify_and_update(password, password_hash)


def hmac_sha256(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def derive_secret(secret_key: str, purpose: str) -> str:
    """A per-purpose secret derived from SECRET_KEY, so the database never holds it."""
    return hmac_sha256(secret_key, purpose.encode())
