"""Every list: cursor-paginated (`limit`, `cursor` -> `items`, `next_cursor`), `updated_since`."""

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.config import Settings
from app.models.outbox import WebhookCreate
from app.services.messaging import webhooks
from tests.api.conftest import World, make_agreement_and_share
from tests.api.routes import Operation, operations
from tests.factories import make_collaboration, make_round

LISTS = [op for op in operations() if op.method == "GET" and op.paginated]
# Fixed-size answers that are not collections of resources: one entry per questionnaire scale.
NOT_COLLECTIONS = {"GET /rounds/{round_id}/reliability"}


def test_every_list_is_paginated() -> None:
    for operation in operations():
        model = operation.route.response_model
        if getattr(model, "__origin__", None) is list:
            assert str(operation) in NOT_COLLECTIONS, f"{operation} returns a bare list"


@pytest.fixture
def full_world(session: Session, settings: Settings, world: World) -> World:
    """At least two of everything, so every list has a second page."""
    organisation_id = world.caller.organisation_id
    make_collaboration(session, organisation_id=organisation_id, name="Tweede")
    make_round(
        session, organisation_id=organisation_id, collaboration_id=world.open.collaboration.id
    )
    webhooks.create_webhook(
        session,
        organisation_id=organisation_id,
        data=WebhookCreate(url="https://hooks.example.org/2", events=["alert.raised"]),
        settings=settings,
    )
    make_agreement_and_share(session, settings, world.open)
    return world


def _all_pages(api: TestClient, url: str, headers: dict[str, str]) -> list[int]:
    seen: list[int] = []
    cursor = None
    for _ in range(100):
        params = {"limit": 1, **({"cursor": cursor} if cursor else {})}
        page = api.get(url, headers=headers, params=params)
        assert page.status_code == 200, page.text
        body = page.json()
        assert set(body) == {"items", "next_cursor"}
        assert len(body["items"]) <= 1
        seen.extend(item["id"] for item in body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            return seen
    raise AssertionError("pagination did not end")


@pytest.mark.parametrize("operation", LISTS, ids=[str(op) for op in LISTS])
def test_pages_walk_every_item_once_in_order(
    operation: Operation, api: TestClient, full_world: World
) -> None:
    url, headers = operation.url(full_world.ids()), full_world.caller.headers
    everything = [item["id"] for item in api.get(url, headers=headers).json()["items"]]
    assert len(everything) >= 2
    assert _all_pages(api, url, headers) == everything == sorted(everything)


@pytest.mark.parametrize("operation", LISTS, ids=[str(op) for op in LISTS])
def test_updated_since_filters_and_needs_a_timezone(
    operation: Operation, api: TestClient, full_world: World
) -> None:
    url, headers = operation.url(full_world.ids()), full_world.caller.headers
    future = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    past = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    assert api.get(url, headers=headers, params={"updated_since": future}).json()["items"] == []
    assert api.get(url, headers=headers, params={"updated_since": past}).json()["items"]
    naive = api.get(url, headers=headers, params={"updated_since": "2026-01-01T00:00:00"})
    assert naive.status_code == 422


@pytest.mark.parametrize(
    "params",
    [
        {"cursor": "not-a-cursor"},
        {"cursor": "aWQ6eA"},
        {"limit": 0},
        {"limit": 501},
        {"limit": "x"},
    ],
)
def test_bad_paging_parameters_are_named(
    api: TestClient, world: World, params: dict[str, object]
) -> None:
    response = api.get("/collaborations", headers=world.caller.headers, params=params)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
