"""/webhooks: subscribe (secret shown once), list with last status, delete; events queued."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.models import OutboxJob, Webhook
from app.models.outbox import JobKind
from tests.api.conftest import Caller, World, fresh

HOOK = {"url": "https://portal.example.org/hooks", "events": ["round.closed", "response.submitted"]}


def test_subscribing_returns_the_secret_once(api: TestClient, caller: Caller) -> None:
    created = api.post("/webhooks", headers=caller.headers, json=HOOK)
    assert created.status_code == 201
    body = created.json()
    assert len(body["secret"]) == 64 and body["is_active"] is True
    assert body["events"] == HOOK["events"] and body["last_status"] is None
    listed = api.get("/webhooks", headers=caller.headers).json()["items"]
    assert [hook["id"] for hook in listed] == [body["id"]]
    assert "secret" not in listed[0]
    one = api.get(f"/webhooks/{body['id']}", headers=caller.headers).json()
    assert "secret" not in one and one["url"] == HOOK["url"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "ftp://portal.example.org/x", "events": ["round.closed"]}, "url"),
        ({"url": "portal.example.org/x", "events": ["round.closed"]}, "url"),
        ({"url": "https://portal.example.org/x", "events": []}, "events"),
        ({"url": "https://portal.example.org/x", "events": ["round.opened"]}, "events.0"),
        (
            {"url": "https://portal.example.org/x", "events": ["round.closed", "round.closed"]},
            "events",
        ),
        ({"url": "https://portal.example.org/x"}, "events"),
    ],
)
def test_bad_subscriptions_are_refused_by_field(
    api: TestClient, caller: Caller, session: Session, body: dict[str, object], field: str
) -> None:
    response = api.post("/webhooks", headers=caller.headers, json=body)
    assert response.status_code == 422
    assert field in {p["name"] for p in response.json()["invalid_params"]}
    assert session.exec(select(Webhook)).all() == []


def test_deleting_deactivates_and_stops_new_events(
    api: TestClient, session: Session, world: World
) -> None:
    deleted = api.delete(f"/webhooks/{world.webhook_id}", headers=world.caller.headers)
    assert deleted.status_code == 200 and deleted.json()["is_active"] is False
    again = api.delete(f"/webhooks/{world.webhook_id}", headers=world.caller.headers)
    assert again.status_code == 200
    api.post(f"/rounds/{world.open.round.id}/close", headers=world.caller.headers)
    fresh(session)
    assert session.exec(select(OutboxJob).where(OutboxJob.kind == JobKind.WEBHOOK)).all() == []


def test_closing_a_round_and_submitting_queue_signed_deliveries(
    api: TestClient, session: Session, world: World
) -> None:
    hook = api.post("/webhooks", headers=world.caller.headers, json=HOOK).json()
    token = world.ids()["token"]
    invitation = next(i.invitation for i in world.open.invitations if i.token == token)
    answer = {"target_party_id": invitation.target_party_ids[0], "item_id": "prop_1", "value": 4}
    submitted = api.post(
        f"/invitations/{token}/responses",
        headers=world.caller.headers,
        json={"answers": [answer], "final": True},
    )
    assert submitted.status_code == 200, submitted.text
    api.post(f"/rounds/{world.open.round.id}/close", headers=world.caller.headers)
    fresh(session)
    jobs = session.exec(select(OutboxJob).where(OutboxJob.webhook_id == hook["id"])).all()
    assert sorted(job.payload["event"] for job in jobs) == ["response.submitted", "round.closed"]
    # The subscription made with the world listens to round.closed too.
    others = session.exec(select(OutboxJob).where(OutboxJob.webhook_id == world.webhook_id)).all()
    assert [job.payload["event"] for job in others] == ["round.closed"]


def test_an_unknown_webhook_is_404(api: TestClient, caller: Caller) -> None:
    for method in ("GET", "DELETE"):
        response = api.request(method, "/webhooks/999", headers=caller.headers)
        assert response.status_code == 404
        assert response.json()["detail"] == "No webhook 999 in your organisation."
