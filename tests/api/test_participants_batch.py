"""POST /parties/{id}/participants:batch: up to 5,000 at once, all or nothing, per-row errors."""

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, col, func, select

from app.models import Participant
from app.models.collaboration import MAX_BATCH_PARTICIPANTS
from tests.api.conftest import Caller, World, fresh


def _path(world: World, index: int = 0) -> str:
    return f"/parties/{world.open.parties[index].id}/participants:batch"


def _count(session: Session, party_id: int | None) -> int:
    fresh(session)
    query = select(func.count()).select_from(Participant).where(Participant.party_id == party_id)
    return session.exec(query).one()


def _rows(n: int, prefix: str = "hr") -> list[dict[str, Any]]:
    return [
        {
            "name": f"Deelnemer {i}",
            "email": f"{prefix}{i}@example.org",
            "external_ref": f"{prefix}-{i}",
        }
        for i in range(n)
    ]


def test_a_batch_adds_every_participant_in_body_order(
    api: TestClient, caller: Caller, world: World, session: Session
) -> None:
    party_id = world.open.parties[0].id
    before = _count(session, party_id)
    response = api.post(_path(world), headers=caller.headers, json={"participants": _rows(3)})
    assert response.status_code == 201
    body = response.json()
    assert body["created"] == 3
    assert [item["external_ref"] for item in body["items"]] == ["hr-0", "hr-1", "hr-2"]
    assert all(item["party_id"] == party_id and item["pseudonym"] for item in body["items"])
    assert _count(session, party_id) == before + 3


def test_the_largest_batch_is_accepted_and_one_more_is_refused(
    api: TestClient, caller: Caller, world: World, session: Session
) -> None:
    party_id = world.open.parties[1].id
    before = _count(session, party_id)
    too_many = api.post(
        _path(world, 1),
        headers=caller.headers,
        json={"participants": [{"name": "x"}] * (MAX_BATCH_PARTICIPANTS + 1)},
    )
    assert too_many.status_code == 422
    assert too_many.json()["invalid_params"][0]["name"] == "participants"
    rows = [{"external_ref": f"r{i}"} for i in range(MAX_BATCH_PARTICIPANTS)]
    full = api.post(_path(world, 1), headers=caller.headers, json={"participants": rows})
    assert full.status_code == 201 and full.json()["created"] == MAX_BATCH_PARTICIPANTS
    assert _count(session, party_id) == before + MAX_BATCH_PARTICIPANTS


def test_invalid_rows_are_named_one_by_one_and_nothing_is_added(
    api: TestClient, caller: Caller, world: World, session: Session
) -> None:
    party_id = world.open.parties[0].id
    before = _count(session, party_id)
    rows = _rows(5)
    rows[1]["email"] = "not-an-address"
    rows[3]["language"] = "de"
    response = api.post(_path(world), headers=caller.headers, json={"participants": rows})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    names = [p["name"] for p in response.json()["invalid_params"]]
    assert names == ["participants.1.email", "participants.3.language"]
    assert _count(session, party_id) == before


def test_repeated_and_existing_references_are_reported_per_row(
    api: TestClient, caller: Caller, world: World, session: Session
) -> None:
    party_id = world.open.parties[0].id
    api.post(_path(world), headers=caller.headers, json={"participants": _rows(1, "x")})
    before = _count(session, party_id)
    clash = api.post(_path(world), headers=caller.headers, json={"participants": _rows(2, "x")})
    assert clash.status_code == 409
    assert [p["name"] for p in clash.json()["invalid_params"]] == ["participants.0.external_ref"]
    rows = [{"external_ref": "dup"}, {"external_ref": "fine"}, {"external_ref": "dup"}]
    repeated = api.post(_path(world), headers=caller.headers, json={"participants": rows})
    assert repeated.status_code == 422
    problems = repeated.json()["invalid_params"]
    assert [p["name"] for p in problems] == [
        "participants.0.external_ref",
        "participants.2.external_ref",
    ]
    assert "more than once" in problems[0]["reason"]
    assert _count(session, party_id) == before


def test_an_empty_batch_is_refused(api: TestClient, caller: Caller, world: World) -> None:
    response = api.post(_path(world), headers=caller.headers, json={"participants": []})
    assert response.status_code == 422
    assert response.json()["invalid_params"][0]["name"] == "participants"


def test_a_retry_with_the_same_key_adds_nothing_and_replays_the_answer(
    api: TestClient, caller: Caller, world: World, session: Session
) -> None:
    party_id = world.open.parties[1].id
    before = _count(session, party_id)
    headers = {**caller.headers, "Idempotency-Key": "batch-2026-05-01"}
    body = {"participants": _rows(4, "idem")}
    first = api.post(_path(world, 1), headers=headers, json=body)
    again = api.post(_path(world, 1), headers=headers, json=body)
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert _count(session, party_id) == before + 4
    other = api.post(_path(world, 1), headers=headers, json={"participants": _rows(1, "z")})
    assert other.status_code == 422
    assert _count(session, party_id) == before + 4


def test_another_organisations_party_is_not_found(
    api: TestClient, caller: Caller, other_world: World, session: Session
) -> None:
    party_id = other_world.open.parties[0].id
    before = _count(session, party_id)
    response = api.post(_path(other_world), headers=caller.headers, json={"participants": _rows(1)})
    assert response.status_code == 404
    assert _count(session, party_id) == before
    assert (
        session.exec(
            select(func.count())
            .select_from(Participant)
            .where(col(Participant.external_ref) == "hr-0")
        ).one()
        == 0
    )
