"""Cross-site request checks for HTML forms: a keyed form token and the request's origin."""

import hmac
from urllib.parse import urlsplit

from fastapi import Request

from app.config import Settings
from app.security import derive_secret, hmac_sha256

FIELD = "csrf_token"


def form_token(settings: Settings, *, purpose: str, subject: str) -> str:
    """A token only this server can make for `subject` (e.g. an invitation's token hash)."""
    return hmac_sha256(derive_secret(settings.secret_key, f"form:{purpose}"), subject.encode())


def token_matches(expected: str, given: str | None) -> bool:
    return given is not None and hmac.compare_digest(expected.encode(), given.encode())


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def same_origin(request: Request, settings: Settings) -> bool:
    """False when the browser says the form came from another site.

    Browsers send `Origin: null` under our no-referrer policy, so Sec-Fetch-Site does most
    of the work; an Origin or Referer that names a site is checked as well. Requests with
    none of these headers (curl, old browsers) pass: the form token still guards them.
    """
    ours = {_origin_of(settings.base_url), _origin_of(str(request.base_url))}
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None and fetch_site not in ("same-origin", "none"):
        return False
    origin = request.headers.get("origin")
    if origin is not None and origin != "null" and origin.lower() not in ours:
        return False
    referer = request.headers.get("referer")
    return referer is None or _origin_of(referer) in ours
