"""Annotated dependencies for the API: session, the calling API key, pagination."""

import base64
import binascii
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Header, Path, Query, Request
from sqlmodel import Session

from app.config import Settings
from app.db import new_session, session_scope
from app.errors import InvalidInput, PermissionDenied
from app.services import api_keys
from app.services.api_keys import ApiPrincipal


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
RoundId = Annotated[int, _id_path("round")]
QuestionnaireId = Annotated[int, _id_path("questionnaire")]
WebhookId = Annotated[int, _id_path("webhook")]
InvitationToken = Annotated[
    str,
    Path(
        min_length=16,
        max_length=128,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="The invitation's token, as returned when the round was opened.",
    ),
]


def _principal(
    request: Request,
    authorization: Annotated[
        str | None, Header(description="`Bearer <api key>`", include_in_schema=False)
    ] = None,
) -> ApiPrincipal:
    with new_session(request.app.state.engine) as session:
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


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        prefix, _, value = raw.partition(":")
        if prefix != "id":
            raise ValueError(raw)
        return int(value)
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise InvalidInput("The cursor is not one this API returned.") from exc


def _page(
    limit: Annotated[int, Query(ge=1, le=500, description="Items per page.")] = 50,
    cursor: Annotated[str | None, Query(description="`next_cursor` of the previous page.")] = None,
    updated_since: Annotated[
        datetime | None, Query(description="Only items changed at or after this time (ISO 8601).")
    ] = None,
) -> Page:
    if updated_since is not None and updated_since.tzinfo is None:
        raise InvalidInput("updated_since needs a timezone, e.g. 2026-01-31T12:00:00Z.")
    return Page(
        limit=limit,
        after_id=_decode_cursor(cursor) if cursor else None,
        updated_since=updated_since,
    )


PageDep = Annotated[Page, Depends(_page)]
