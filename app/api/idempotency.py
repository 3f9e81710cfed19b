"""`Idempotency-Key` for POSTs that create or submit: run the use case once, replay its answer.

A route takes `IdempotencyDep` and hands it the use case: `idempotency.respond(work)`. Without
the header the work simply runs. With it, a stored answer is replayed; otherwise the key is
guarded and the work runs in a session whose commits are deferred to an outer write
transaction that also stores the serialised response (see the design in
app/services/idempotency.py): the work and its replayable answer commit together, once, and
a crash before that commit leaves nothing behind.

Secrets in a response (survey tokens, webhook signing secrets) are never stored: `Secrets`
blanks them before storing and derives them again from SECRET_KEY for a replay.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Protocol

from fastapi import Depends, Header, Request
from fastapi.routing import APIRoute
from pydantic import TypeAdapter
from sqlalchemy import Engine
from sqlmodel import Session
from starlette.responses import Response

from app.api.deps import SettingsDep, WriterDep
from app.config import Settings
from app.db import new_session
from app.infra import idempotency as records
from app.infra.unit_of_work import unit_of_work

REPLAYED_HEADER = "Idempotent-Replayed"
KEY_DESCRIPTION = (
    "Any unique string (a UUID is ideal), at most 255 printable characters. A retry with the"
    " same key and the same body gets the first response again (with `Idempotent-Replayed:"
    " true`) and changes nothing; the same key with another body is refused (422); a duplicate"
    " sent while the first request is still running gets 409 (on SQLite, where writes take"
    " turns, it waits for the first to finish and gets its response replayed). A request that"
    " fails or is cut off stores nothing, so its retry runs. Keys are kept for 24 hours."
)
REDACTED = "__not-stored__"


class Secrets(Protocol):
    """Where a response carries secrets, and how to derive them again for a replay."""

    def redact(self, body: Any) -> Any: ...

    def restore(self, session: Session, body: Any, settings: Settings) -> Any: ...


Work = Callable[[Session], Any]


@dataclass(frozen=True, slots=True)
class Idempotency:
    engine: Engine
    settings: Settings
    route: APIRoute
    scope: str
    key: str | None
    request_hash: str

    def respond(self, work: Work, *, secrets: Secrets | None = None) -> Response:
        """Run `work(session)` at most once per key; its result is serialised by the route's
        response model and status code."""
        if self.key is None:
            with new_session(self.engine) as session:
                return self._response(self._render(work(session)))
        with new_session(self.engine) as session:
            stored = self._find(session, self.key)
            if stored is None:
                with unit_of_work(session):
                    records.lock_key(session, scope=self.scope, key=self.key)
                    # The first request may have finished since we looked.
                    stored = self._find(session, self.key)
                    if stored is None:
                        return self._response(self._run_and_store(session, work, secrets))
            return self._replay(session, stored, secrets)

    def _find(self, session: Session, key: str) -> records.StoredResponse | None:
        return records.find(session, scope=self.scope, key=key, request_hash=self.request_hash)

    def _run_and_store(self, session: Session, work: Work, secrets: Secrets | None) -> str:
        # The use case's own unit of work joins the one around this call: its work and the
        # record commit together, and a failure, or a crash, leaves neither.
        assert self.key is not None
        body = self._render(work(session))
        records.store(
            session,
            scope=self.scope,
            key=self.key,
            request_hash=self.request_hash,
            status_code=self.route.status_code or 200,
            body=_dump(secrets.redact(_load(body))) if secrets else body,
        )
        return body

    def _replay(
        self, session: Session, stored: records.StoredResponse, secrets: Secrets | None
    ) -> Response:
        body = stored.body
        if secrets is not None:
            body = _dump(secrets.restore(session, _load(body), self.settings))
        response = self._response(body, status_code=stored.status_code)
        response.headers[REPLAYED_HEADER] = "true"
        return response

    def _render(self, result: Any) -> str:
        adapter: TypeAdapter[Any] = TypeAdapter(self.route.response_model)
        value = adapter.validate_python(result, from_attributes=True)
        return adapter.dump_json(value).decode()

    def _response(self, body: str, *, status_code: int | None = None) -> Response:
        return Response(
            body,
            status_code=status_code or self.route.status_code or 200,
            media_type="application/json",
        )


def _load(body: str) -> Any:
    return json.loads(body)


def _dump(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


async def _idempotency(
    request: Request,
    principal: WriterDep,
    settings: SettingsDep,
    idempotency_key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            min_length=1,
            max_length=255,
            pattern=r"^[\x21-\x7e]+$",
            description=KEY_DESCRIPTION,
        ),
    ] = None,
) -> Idempotency:
    route = request.scope["route"]
    assert isinstance(route, APIRoute)
    digest = ""  # without a key nothing is compared: no need to read and hash the request
    if idempotency_key is not None:
        digest = records.request_hash(
            request.method,
            f"{request.url.path}?{request.url.query}",
            await request.body(),
            content_type=request.headers.get("content-type", ""),
        )
    return Idempotency(
        engine=request.app.state.engine,
        settings=settings,
        route=route,
        scope=f"api_key:{principal.api_key_id}",
        key=idempotency_key,
        request_hash=digest,
    )


IdempotencyDep = Annotated[Idempotency, Depends(_idempotency)]
