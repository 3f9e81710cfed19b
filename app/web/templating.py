"""The Jinja2 environment of every HTML page: autoescape, translations, CSP nonce, static URLs."""

import hashlib
from collections.abc import Mapping
from datetime import datetime
from functools import lru_cache
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from jinja2.runtime import Context

from app.paths import STATIC_DIR, TEMPLATES_DIR
from app.web import i18n

__all__ = ["TEMPLATES_DIR", "environment", "render", "request_language", "static_url"]


@pass_context
def _gettext(context: Context, message: str) -> str:
    return i18n.translations(context["language"]).gettext(message)


@pass_context
def _ngettext(context: Context, singular: str, plural: str, n: int) -> str:
    return i18n.translations(context["language"]).ngettext(singular, plural, n)


@pass_context
def _datetime_filter(context: Context, value: datetime | None) -> str:
    return "" if value is None else i18n.format_datetime(value, context["language"])


@pass_context
def _date_filter(context: Context, value: datetime | None, format: str = "long") -> str:
    return "" if value is None else i18n.format_date(value, context["language"], format=format)


@pass_context
def _decimal_filter(context: Context, value: float | None, digits: int = 1) -> str:
    return "" if value is None else i18n.format_decimal(value, context["language"], digits=digits)


@lru_cache(maxsize=256)
def static_url(path: str) -> str:
    """`/static/<path>?v=<content hash>`: browsers may cache it, and a new release busts it."""
    file = (STATIC_DIR / path).resolve()
    if not file.is_relative_to(STATIC_DIR) or not file.is_file():
        raise ValueError(f"no static file {path!r}")
    digest = hashlib.sha256(file.read_bytes()).hexdigest()[:12]
    return f"/static/{path}?v={digest}"


@lru_cache(maxsize=1)
def environment() -> Environment:
    """Autoescaping everywhere; StrictUndefined so a typo in a template fails loudly in tests."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # newstyle: `_("Hi %(name)s", name=x)` escapes `x` and formats inside the call.
    env.install_gettext_callables(_gettext, _ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals["static_url"] = static_url
    env.globals["LANGUAGE_NAMES"] = i18n.LANGUAGE_NAMES
    env.filters["datetime"] = _datetime_filter
    env.filters["date"] = _date_filter
    env.filters["decimal"] = _decimal_filter
    return env


def request_language(request: Request) -> str:
    """`request.state.language` when a route set it, else `?lang=`, else the browser's choice."""
    chosen = i18n.normalise_language(getattr(request.state, "language", None))
    chosen = chosen or i18n.normalise_language(request.query_params.get("lang"))
    return chosen or i18n.negotiate(request.headers.get("accept-language"))


def render(
    request: Request,
    name: str,
    context: Mapping[str, Any] | None = None,
    *,
    status_code: int = 200,
    language: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """Render a page. Every template gets `request`, `csp_nonce`, `language` and `_`/`gettext`.

    The language is, in order: the `language` argument, a `language` key in the context,
    `request.state.language`, a `?lang=` query parameter, then the browser's Accept-Language.
    """
    values = dict(context or {})
    chosen = i18n.normalise_language(language or values.get("language"))
    values["language"] = chosen or request_language(request)
    values["request"] = request
    values["csp_nonce"] = getattr(request.state, "csp_nonce", "")
    html = environment().get_template(name).render(values)
    return HTMLResponse(html, status_code=status_code, headers=dict(headers or {}))
