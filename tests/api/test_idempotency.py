"""Idempotency-Key on every POST: replay the first answer, refuse reuse, one run per key."""

import dataclasses
import threading
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlmodel import Session, select

from app.api.idempotency import REPLAYED_HEADER
from app.infra import idempotency as records
from app.models import ApiKey, Collaboration, IdempotencyRecord, metadata, utcnow
from app.services.setup import collaborations
from tests.api.conftest import Caller, World, fresh, make_checked_agreement
from tests.api.routes import Operation, operations, request_for
from tests.factories import make_api_key

POSTS = [op for op in operations() if op.method == "POST"]
WITH_BODY = [op for op in POSTS if op.route.body_field or op.route.openapi_extra]


def _counts(session: Session) -> dict[str, int]:
    fresh(session)
    counts = {}
    for table in metadata.sorted_tables:
        if table.name not in {"idempotency_record", "api_key", "audit_event"}:
            counts[table.name] = session.exec(select(func.count()).select_from(table)).one()
    return counts


def _send(
    api: TestClient, operation: Operation, world: World, key: str, changes: Any = None
) -> Any:
    request = request_for(operation, world.ids())
    kwargs = request.kwargs()
    if changes and request.json is not None:
        kwargs["json"] = {**request.json, **changes}
    elif changes:
        kwargs["content"] = request.content + b"# changed\n"  # type: ignore[operator]
    headers = {**world.caller.headers, "Idempotency-Key": key, **kwargs.pop("headers", {})}
    return api.request(operation.method, operation.url(world.ids()), headers=headers, **kwargs)


@pytest.mark.parametrize("operation", POSTS, ids=[str(op) for op in POSTS])
def test_a_retry_with_the_same_key_replays_the_first_answer_and_does_nothing(
    operation: Operation, api: TestClient, session: Session, world: World
) -> None:
    world = _ready(operation, session, world)
    first = _send(api, operation, world, "key-1")
    assert first.status_code in (200, 201), first.text
    assert REPLAYED_HEADER.lower() not in {k.lower() for k in first.headers}
    after_first = _counts(session)
    again = _send(api, operation, world, "key-1")
    assert (again.status_code, again.json()) == (first.status_code, first.json())
    assert again.headers[REPLAYED_HEADER] == "true"
    assert _counts(session) == after_first


@pytest.mark.parametrize("operation", WITH_BODY, ids=[str(op) for op in WITH_BODY])
def test_the_same_key_with_another_body_is_refused(
    operation: Operation, api: TestClient, session: Session, world: World
) -> None:
    world = _ready(operation, session, world)
    assert _send(api, operation, world, "key-2").status_code in (200, 201)
    request = request_for(operation, world.ids())
    body = request.json if isinstance(request.json, dict) else {}
    field = next((name for name, value in body.items() if _other(value) != value), None)
    changed = {field: _other(body[field])} if field else {"_": 1}
    response = _send(api, operation, world, "key-2", changed)
    assert response.status_code == 422, response.text
    assert response.json()["invalid_params"][0]["name"] == "Idempotency-Key"


def _ready(operation: Operation, session: Session, world: World) -> World:
    """The world with what this operation's valid request refers to."""
    if str(operation) == "POST /invitations/{token}/agreements":
        checked = make_checked_agreement(session, world.open)
        return dataclasses.replace(world, checked_agreement_id=checked)
    return world


def _other(value: Any) -> Any:
    """Another valid value of the same kind."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, str):
        return value + "-2"
    if isinstance(value, int):
        return value + 1
    if isinstance(value, list):
        # Reordered where a list may not repeat itself (a set of sections), else repeated.
        return value[::-1] if len(value) > 1 else [*value, *value]
    return value


def test_json_is_compared_by_meaning_not_by_bytes(api: TestClient, world: World) -> None:
    headers = {**world.caller.headers, "Idempotency-Key": "k", "Content-Type": "application/json"}
    first = api.post("/collaborations", headers=headers, content=b'{"name":"A","language":"en"}')
    again = api.post(
        "/collaborations", headers=headers, content=b'{ "language": "en",  "name": "A" }'
    )
    assert again.status_code == 201 and again.json() == first.json()
    assert again.headers[REPLAYED_HEADER] == "true"


def test_keys_belong_to_one_api_key(api: TestClient, session: Session, world: World) -> None:
    other = make_api_key(session, organisation_id=world.caller.organisation_id)
    body = {"name": "Twee sleutels"}
    for key in (world.caller.key, other):
        headers = {"Authorization": f"Bearer {key}", "Idempotency-Key": "shared"}
        assert api.post("/collaborations", headers=headers, json=body).status_code == 201
    assert (
        len(session.exec(select(Collaboration).where(Collaboration.name == body["name"])).all())
        == 2
    )


@pytest.mark.parametrize("key", ["", "x" * 256, "with space", "tab\tkey", b"caf\xe9"])
def test_malformed_keys_are_refused(api: TestClient, world: World, key: str | bytes) -> None:
    headers = {**world.caller.headers, "Idempotency-Key": key}
    response = api.post("/collaborations", headers=headers, json={"name": "X"})
    assert response.status_code == 422
    assert response.json()["invalid_params"][0]["name"] == "Idempotency-Key"


def _old_claim(session: Session, caller: Caller, key: str) -> None:
    """A record without a response, as an older version committed before doing the work."""
    api_key = session.exec(
        select(ApiKey).where(ApiKey.organisation_id == caller.organisation_id)
    ).first()
    assert api_key is not None
    digest = records.request_hash(
        "POST", "/api/v1/collaborations?", b'{"name":"X"}', content_type="application/json"
    )
    session.add(
        IdempotencyRecord(
            scope=f"api_key:{api_key.id}",
            key=key,
            request_hash=digest,
            created_at=utcnow() - timedelta(seconds=1),
        )
    )
    session.commit()


def test_a_claim_left_by_a_crashed_older_version_does_not_block_the_retry(
    api: TestClient, session: Session, world: World
) -> None:
    _old_claim(session, world.caller, "orphan")
    headers = {**world.caller.headers, "Idempotency-Key": "orphan"}
    response = api.post("/collaborations", headers=headers, json={"name": "X"})
    assert response.status_code == 201
    assert REPLAYED_HEADER.lower() not in {k.lower() for k in response.headers}
    assert api.post("/collaborations", headers=headers, json={"name": "X"}).json() == (
        response.json()
    )


def test_a_concurrent_duplicate_gets_409_on_postgres_and_the_replay_on_sqlite(
    api: TestClient, session: Session, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    entered, release, duplicate_arrived = threading.Event(), threading.Event(), threading.Event()
    real_create, real_find = collaborations.create_collaboration, records.find

    def slow(*args: Any, **kwargs: Any) -> Any:
        entered.set()
        assert release.wait(30)
        return real_create(*args, **kwargs)

    def find(*args: Any, **kwargs: Any) -> Any:
        if entered.is_set():  # the duplicate looks, while the first is inside its work
            duplicate_arrived.set()
        return real_find(*args, **kwargs)

    monkeypatch.setattr(collaborations, "create_collaboration", slow)
    monkeypatch.setattr(records, "find", find)
    headers = {**world.caller.headers, "Idempotency-Key": "race"}
    results: dict[str, Any] = {}

    def send(name: str) -> threading.Thread:
        def post() -> None:
            results[name] = api.post("/collaborations", headers=headers, json={"name": "R"})

        thread = threading.Thread(target=post)
        thread.start()
        return thread

    first = send("first")
    assert entered.wait(30)
    duplicate = send("duplicate")
    assert duplicate_arrived.wait(30)
    sqlite = session.get_bind().dialect.name == "sqlite"
    if not sqlite:  # PostgreSQL answers at once; SQLite queues it until the first commits
        duplicate.join(30)
    release.set()
    first.join(30)
    duplicate.join(30)

    assert results["first"].status_code == 201
    if sqlite:
        assert results["duplicate"].status_code == 201
        assert results["duplicate"].headers[REPLAYED_HEADER] == "true"
        assert results["duplicate"].json() == results["first"].json()
    else:
        assert results["duplicate"].status_code == 409
        assert "still being processed" in results["duplicate"].json()["detail"]
    replay = api.post("/collaborations", headers=headers, json={"name": "R"})
    assert replay.json() == results["first"].json()
    assert len(session.exec(select(Collaboration).where(Collaboration.name == "R")).all()) == 1


def test_a_failed_request_stores_nothing_so_a_retry_runs(
    api: TestClient, session: Session, world: World
) -> None:
    headers = {**world.caller.headers, "Idempotency-Key": "retry-me"}
    party = {"name": world.open.parties[0].name}  # a duplicate name: 409
    collaboration_id = world.open.collaboration.id
    refused = api.post(f"/collaborations/{collaboration_id}/parties", headers=headers, json=party)
    assert refused.status_code == 409
    assert session.exec(select(IdempotencyRecord)).all() == []
    accepted = api.post(
        f"/collaborations/{collaboration_id}/parties", headers=headers, json={"name": "Nieuw"}
    )
    assert accepted.status_code == 201


def test_the_work_is_rolled_back_when_its_response_cannot_be_stored(
    api: TestClient, session: Session, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(records, "store", broken)
    headers = {**world.caller.headers, "Idempotency-Key": "atomic"}
    with pytest.raises(RuntimeError):
        api.post("/collaborations", headers=headers, json={"name": "Half"})
    fresh(session)
    assert session.exec(select(Collaboration).where(Collaboration.name == "Half")).all() == []
    assert session.exec(select(IdempotencyRecord)).all() == []
    monkeypatch.undo()
    assert api.post("/collaborations", headers=headers, json={"name": "Half"}).status_code == 201


def _stored_body(session: Session) -> str:
    fresh(session)
    record = session.exec(select(IdempotencyRecord)).one()
    assert record.response_body is not None
    return record.response_body


def test_survey_tokens_are_not_stored_but_come_back_on_replay(
    api: TestClient, session: Session, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    party_id = world.open.parties[0].id
    api.post(f"/parties/{party_id}/participants", headers=world.caller.headers, json={})
    headers = {**world.caller.headers, "Idempotency-Key": "open"}
    first = api.post(f"/rounds/{world.open.round.id}/open", headers=headers).json()
    tokens = [i["token"] for i in first["invitations"] if i["token"]]
    assert len(tokens) == 1  # the newcomer
    stored = _stored_body(session)
    assert tokens[0] not in stored
    again = api.post(f"/rounds/{world.open.round.id}/open", headers=headers)
    assert again.json() == first


def test_the_webhook_secret_is_not_stored_but_comes_back_on_replay(
    api: TestClient, session: Session, world: World
) -> None:
    headers = {**world.caller.headers, "Idempotency-Key": "hook"}
    body = {"url": "https://hooks.example.org/x", "events": ["round.closed"]}
    first = api.post("/webhooks", headers=headers, json=body).json()
    assert first["secret"] not in _stored_body(session)
    assert api.post("/webhooks", headers=headers, json=body).json() == first
