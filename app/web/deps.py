"""Annotated dependencies for HTML routes: session, settings, the posted form, the client."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Path, Query, Request
from sqlmodel import Session
from starlette.datastructures import FormData

from app.config import Settings
from app.db import session_scope


def get_session(request: Request) -> Iterator[Session]:
    yield from session_scope(request.app.state.engine)


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_form(request: Request) -> FormData:
    """The posted form, read in the event loop so sync routes can use it from their thread."""
    return await request.form()


def client_address(request: Request) -> str:
    """The client's address (uvicorn resolves X-Forwarded-For from trusted proxies)."""
    return request.client.host if request.client else "unknown"


# Ids are database integers: a bigger number names nothing (and must not reach the driver).
MAX_ID = 2_147_483_647
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
QueryId = Annotated[int | None, Query(ge=1, le=MAX_ID)]

SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
FormDep = Annotated[FormData, Depends(get_form)]
