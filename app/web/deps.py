"""Annotated dependencies for HTML routes: session, settings, the posted form, the client."""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Path, Query, Request
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from app.config import Settings
from app.db import new_session
from app.services.answering.submission_batches import AnswerWriter


async def get_session(request: Request) -> AsyncIterator[Session]:
    """A session for the request, opened and (on SQLite) closed in the event loop.

    A sync dependency costs a hop to the thread pool and back, twice for one that yields; a
    page request had five of them. Opening a Session does no I/O (it connects on first use,
    in the route's thread); closing hands the connection back with a rollback, an in-process
    call on SQLite but a network round trip on PostgreSQL, which therefore stays off the loop.
    """
    engine = request.app.state.engine
    session = new_session(engine)
    try:
        yield session
    finally:
        if engine.dialect.name == "sqlite":
            session.close()
        else:
            await run_in_threadpool(session.close)


async def get_settings(request: Request) -> Settings:
    """Pure, so async: no thread pool hop."""
    settings: Settings = request.app.state.settings
    return settings


async def get_form(request: Request) -> FormData:
    """The posted form, read in the event loop so sync routes can use it from their thread."""
    return await request.form()


async def get_answer_writer(request: Request) -> AnswerWriter:
    """The process's group-commit writer of answers (shared with the API's submissions)."""
    writer: AnswerWriter = request.app.state.answer_writer
    return writer


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
AnswerWriterDep = Annotated[AnswerWriter, Depends(get_answer_writer)]
