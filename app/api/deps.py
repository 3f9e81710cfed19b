"""Annotated dependencies for the API: session, the calling API key, pagination."""

import json
import re
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Path, Query, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import AfterValidator, BeforeValidator
from sqlalchemy import Engine
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from app.config import Settings
from app.db import new_session, session_scope
from app.errors import FieldProblem, InvalidInput, PermissionDenied
from app.services.identity import api_keys
from app.services.identity.api_keys import ApiPrincipal


def get_session(request: Request) -> Iterator[Session]:
    yield from session_scope(request.app.state.engine)


async def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]

# Ids are 32-bit on PostgreSQL: a larger one can name nothing, so it is refused up front
# instead of overflowing inside the database driver.
MAX_ID = 2_147_483_647


def _id_path(what: str) -> object:
    return Path(ge=1, le=MAX_ID, description=f"The {what}'s id.", examples=[1])


CollaborationId = Annotated[int, _id_path("collaboration")]
PartyId = Annotated[int, _id_path("party")]
ParticipantId = Annotated[int, _id_path("participant")]
RoundId = Annotated[int, _id_path("round")]
QuestionnaireId = Annotated[int, _id_path("questionnaire")]
WebhookId = Annotated[int, _id_path("webhook")]
InvitationId = Annotated[int, _id_path("invitation")]
AgreementId = Annotated[int, _id_path("agreement")]
ShareId = Annotated[int, _id_path("share")]
InvitationToken = Annotated[
    str,
    Path(
        min_length=16,
        max_length=128,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="The invitation's token, as returned when the round was opened.",
    ),
]


# Declares the scheme in the OpenAPI document; the header itself is checked by api_keys.
BEARER = HTTPBearer(
    scheme_name="apiKey",
    description="An API key of your organisation: `Authorization: Bearer <api key>`.",
    auto_error=False,
)


async def _principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)],
) -> ApiPrincipal:
    authorization = f"Bearer {credentials.credentials}" if credentials else None
    # A key seen moments ago needs neither the database nor a trip through the thread pool.
    recent = api_keys.recent_principal(authorization)
    if recent is not None:
        return recent
    return await run_in_threadpool(_authenticate, request.app.state.engine, authorization)


def _authenticate(engine: Engine, authorization: str | None) -> ApiPrincipal:
    with new_session(engine) as session:
        return api_keys.authenticate(session, authorization=authorization)


def require_scope(scope: str) -> Callable[[ApiPrincipal], Awaitable[ApiPrincipal]]:
    # async, like get_settings_dep: a pure check needs no trip through the thread pool.
    async def check(principal: Annotated[ApiPrincipal, Depends(_principal)]) -> ApiPrincipal:
        if scope not in principal.scopes:
            raise PermissionDenied(f"This API key lacks the '{scope}' scope.")
        return principal

    return check


ReaderDep = Annotated[ApiPrincipal, Depends(require_scope("read"))]
WriterDep = Annotated[ApiPrincipal, Depends(require_scope("write"))]


@dataclass(frozen=True, slots=True)
class Page:
    limit: int
    after_id: int | None
    updated_since: datetime | None


# A cursor is the last id of the page in base 36: short, and any text matching the pattern
# is a cursor, so a hand-made one pages from some point instead of failing.
CURSOR_PATTERN = r"^[0-9a-z]{1,7}$"
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def encode_cursor(last_id: int) -> str:
    digits = ""
    while True:
        last_id, remainder = divmod(last_id, 36)
        digits = _DIGITS[remainder] + digits
        if last_id == 0:
            return digits


def decode_cursor(cursor: str) -> int:
    # No id exceeds MAX_ID, so a larger cursor means "past the end" (and stays a 32-bit value).
    return min(int(cursor, 36), MAX_ID)


_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def _iso_text(value: object) -> object:
    # Lax parsing would read "1767225600" or "0.5" as Unix seconds; only ISO 8601 is a time.
    if isinstance(value, str) and _NUMBER.fullmatch(value.strip()):
        raise ValueError("give an ISO 8601 time, e.g. 2026-01-31T12:00:00Z")
    return value


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        raise ValueError("needs a timezone, e.g. 2026-01-31T12:00:00Z")
    return value


UpdatedSince = Annotated[
    datetime | None,
    BeforeValidator(_iso_text),
    AfterValidator(_aware),
    Query(description="Only items changed at or after this time (ISO 8601, with timezone)."),
]


def _page(
    limit: Annotated[int, Query(ge=1, le=500, description="Items per page.")] = 50,
    cursor: Annotated[
        str | None,
        Query(pattern=CURSOR_PATTERN, description="`next_cursor` of the previous page."),
    ] = None,
    updated_since: UpdatedSince = None,
) -> Page:
    return Page(
        limit=limit,
        after_id=decode_cursor(cursor) if cursor else None,
        updated_since=updated_since,
    )


PageDep = Annotated[Page, Depends(_page)]


def _nul_paths(value: Any, path: str = "") -> Iterator[str]:
    if isinstance(value, str) and "\x00" in value:
        yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _nul_paths(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _nul_paths(item, f"{path}.{index}" if path else str(index))


async def refuse_nul_characters(request: Request) -> None:
    """Text never holds NUL (PostgreSQL cannot store it): refuse it by name, up front."""
    body = await request.body()
    if b"\\u0000" not in body:  # the only way JSON can carry a NUL
        return
    try:
        paths = list(_nul_paths(json.loads(body)))
    except ValueError:
        return  # not JSON: the route reports that
    if paths:
        raise InvalidInput(
            "Text may not contain NUL characters.",
            problems=[FieldProblem(path, "contains a NUL character") for path in paths],
        )


_query_names: dict[int, frozenset[str]] = {}


def _query_aliases(dependant: Dependant) -> Iterator[str]:
    yield from (param.alias for param in dependant.query_params)
    for dependency in dependant.dependencies:
        yield from _query_aliases(dependency)


async def refuse_unknown_query_parameters(request: Request) -> None:
    """Strict like the bodies: a misspelt `?limt=5` is an error, not silently ignored."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    known = _query_names.get(id(route))
    if known is None:
        known = _query_names[id(route)] = frozenset(_query_aliases(route.dependant))
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        raise InvalidInput(
            f"Unknown query parameter(s): {', '.join(repr(name) for name in unknown)}.",
            problems=[FieldProblem(name, "unknown query parameter") for name in unknown],
        )
