"""Survey link tokens: derived from SECRET_KEY and a per-invitation salt, stored only as a hash."""

import base64
import hashlib
import hmac
import secrets

from app.security import hash_token


def new_salt() -> str:
    return secrets.token_hex(16)


def token_for(secret_key: str, salt: str) -> str:
    digest = hmac.new(secret_key.encode(), f"invitation:{salt}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode()  # 192 bits, URL-safe, no padding


def token_hash_for(secret_key: str, salt: str) -> str:
    return hash_token(token_for(secret_key, salt))


def survey_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/s/{token}"
