"""API keys: Bearer only, revocable, scoped (read / write) on every route, last use recorded."""

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.models import ApiKey, utcnow
from app.services.identity import api_keys
from app.services.identity.api_keys import LAST_USED_RESOLUTION
from tests.api.conftest import Caller, World, fresh, make_caller
from tests.api.routes import Operation, operation_ids, operations, request_for
from tests.factories import make_api_key


@pytest.mark.parametrize("operation", operations(), ids=operation_ids())
def test_every_route_declares_exactly_one_scope(operation: Operation) -> None:
    assert len(operation.scopes) == 1, f"{operation} must depend on ReaderDep or WriterDep"


def test_writes_need_the_write_scope_and_reads_the_read_scope() -> None:
    for operation in operations():
        expected = "read" if operation.method == "GET" else "write"
        assert operation.scopes == {expected}, str(operation)


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "tm_not-a-real-key", "Bearer tm_unknown"],
)
def test_missing_or_unknown_keys_get_401_problem(
    api: TestClient, authorization: str | None
) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    response = api.get("/collaborations", headers=headers)
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 401 and body["title"] == "Unauthorized" and body["detail"]


def test_a_revoked_key_is_refused(api: TestClient, session: Session, caller: Caller) -> None:
    assert api.get("/collaborations", headers=caller.headers).status_code == 200
    stored = session.exec(
        select(ApiKey).where(ApiKey.organisation_id == caller.organisation_id)
    ).one()
    assert stored.id is not None
    api_keys.revoke_api_key(session, organisation_id=caller.organisation_id, api_key_id=stored.id)
    response = api.get("/collaborations", headers=caller.headers)
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]


def test_the_key_is_stored_only_as_a_hash(session: Session, caller: Caller) -> None:
    stored = session.exec(
        select(ApiKey).where(ApiKey.organisation_id == caller.organisation_id)
    ).one()
    assert caller.key not in stored.model_dump_json()
    assert stored.prefix == caller.key[:10]


@pytest.mark.parametrize(
    "operation",
    [op for op in operations() if op.method != "GET"],
    ids=[str(op) for op in operations() if op.method != "GET"],
)
def test_a_read_only_key_is_refused_on_every_write_with_403(
    operation: Operation, api: TestClient, session: Session, world: World, reader: Caller
) -> None:
    request = request_for(operation, world.ids()).kwargs()
    headers = {**reader.headers, **request.pop("headers", {})}
    response = api.request(operation.method, operation.url(world.ids()), headers=headers, **request)
    assert response.status_code == 403, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert "'write' scope" in response.json()["detail"]


@pytest.mark.parametrize(
    "operation",
    [op for op in operations() if op.method == "GET"],
    ids=[str(op) for op in operations() if op.method == "GET"],
)
def test_a_write_only_key_cannot_read(
    operation: Operation, api: TestClient, session: Session, world: World
) -> None:
    key = make_api_key(session, organisation_id=world.caller.organisation_id, scopes=("write",))
    response = api.get(operation.url(world.ids()), headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 403, response.text


def test_last_used_at_is_recorded_at_most_once_a_minute(api: TestClient, session: Session) -> None:
    caller = make_caller(session, name="Gebruikt")
    query = select(ApiKey).where(ApiKey.organisation_id == caller.organisation_id)
    assert session.exec(query).one().last_used_at is None
    api.get("/collaborations", headers=caller.headers)
    fresh(session)
    first = session.exec(query).one().last_used_at
    assert first is not None
    api.get("/collaborations", headers=caller.headers)
    fresh(session)
    assert session.exec(query).one().last_used_at == first  # within the resolution: no write
    key = session.exec(query).one()
    key.last_used_at = utcnow() - LAST_USED_RESOLUTION - timedelta(seconds=1)
    session.add(key)
    session.commit()
    api_keys.forget_recent()  # a minute has passed: the process remembers the key no more
    api.get("/collaborations", headers=caller.headers)
    fresh(session)
    assert session.exec(query).one().last_used_at > first  # type: ignore[operator]
