"""The real server logs an unexpected error once: our line with its request id, not uvicorn's."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import httpx
from sqlalchemy import Engine, text
from sqlmodel import Session

from app.infra.unit_of_work import unit_of_work
from tests.factories import make_api_key, make_organisation
from tests.production.server import LiveServer


@contextmanager
def _table_missing(engine: Engine, table: str) -> Iterator[None]:
    """Rename a table away, so a query on it fails as no route expects; then back, for the
    next test that reuses this database (PostgreSQL)."""
    _rename(engine, table, f"{table}_gone")
    try:
        yield
    finally:
        _rename(engine, f"{table}_gone", table)


def _rename(engine: Engine, table: str, name: str) -> None:
    with Session(engine) as session, unit_of_work(session):
        session.execute(text(f"ALTER TABLE {table} RENAME TO {name}"))


def test_the_server_logs_an_unexpected_api_error_once_with_its_request_id(
    live_server: Callable[..., LiveServer], engine: Engine, session: Session
) -> None:
    key = make_api_key(session, organisation_id=make_organisation(session, name="Logboek"))
    session.close()
    server = live_server()
    with _table_missing(engine, "webhook"), httpx.Client(base_url=server.url) as client:
        answer = client.get("/api/v1/webhooks", headers={"Authorization": f"Bearer {key}"})
    assert answer.status_code == 500
    request_id = answer.headers["x-request-id"]
    # The access line is written in the same step as uvicorn's own report would be.
    server.pid_for(request_id)

    errors = [entry for entry in server.json_log_entries() if entry["level"] == "ERROR"]
    assert [entry["request_id"] for entry in errors] == [request_id]
    assert "webhook" in errors[0]["exception"]
    assert "Exception in ASGI application" not in server.logs()
    assert key not in server.logs()
