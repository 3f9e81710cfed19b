"""The integration's whole journey over real HTTP with httpx only, against a live server.

Set up a collaboration, open a round, answer every invitation, close it, read scores,
reliability and trends, export the data; a webhook receiver gets the signed round.closed.
"""

import socket
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import uvicorn
from sqlalchemy import Engine
from sqlmodel import Session

from app.config import Settings
from app.main import create_app
from app.services.messaging import webhooks
from app.services.messaging.outbox_worker import deliver_due_jobs
from tests.factories import make_api_key, make_organisation
from tests.support.webhook_receiver import webhook_receiver

# Each party's answer (1-7) about the others, per round: the Aannemer's trust declines.
ANSWERS = {"Gemeente": (6, 6), "Aannemer": (6, 2), "Adviseur": (5, 5)}
PEOPLE_PER_PARTY = 4


@pytest.fixture
def live_server(settings: Settings) -> Iterator[str]:
    """Uvicorn on 127.0.0.1 in a thread; requests queue in the backlog until it serves."""
    server = uvicorn.Server(uvicorn.Config(create_app(settings), log_level="warning"))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/api/v1"
    finally:
        server.should_exit = True
        thread.join(30)
        sock.close()


@dataclass
class Integration:
    """What a partner portal would write: plain HTTP calls, nothing from Trustmeter's code."""

    http: httpx.Client

    def post(self, path: str, body: Any = None) -> Any:
        headers = {"Idempotency-Key": str(uuid.uuid4())}
        response = self.http.post(path, json=body, headers=headers)
        assert response.status_code in (200, 201), f"{path}: {response.text}"
        return response.json()

    def get(self, path: str, **params: Any) -> Any:
        response = self.http.get(path, params=params)
        assert response.status_code == 200, f"{path}: {response.text}"
        return response.json()

    def set_up(self) -> tuple[dict[str, Any], dict[str, Any], dict[int, str]]:
        questionnaire = next(
            q for q in self.get("/questionnaires")["items"] if q["key"] == "smart-trust"
        )
        collaboration = self.post("/collaborations", {"name": "Circulaire kademuren"})
        parties: dict[int, str] = {}
        for name in ANSWERS:
            party = self.post(f"/collaborations/{collaboration['id']}/parties", {"name": name})
            parties[party["id"]] = name
            for n in range(PEOPLE_PER_PARTY):
                self.post(f"/parties/{party['id']}/participants", {"external_ref": f"{name}-{n}"})
        return questionnaire, collaboration, parties

    def run_round(
        self,
        collaboration: dict[str, Any],
        questionnaire: dict[str, Any],
        parties: dict[int, str],
        number: int,
    ) -> dict[str, Any]:
        body = {"label": f"Meting {number + 1}", "questionnaire_id": questionnaire["id"]}
        round_ = self.post(f"/collaborations/{collaboration['id']}/rounds", body)
        opened = self.post(f"/rounds/{round_['id']}/open")
        for invitation in opened["invitations"]:
            value = ANSWERS[parties[invitation["party_id"]]][number]
            answers = [
                {"target_party_id": target, "item_id": item["id"], "value": _keyed(item, value)}
                for target in invitation["target_party_ids"]
                for item in questionnaire["items"]
            ]
            result = self.post(
                f"/invitations/{invitation['token']}/responses", {"answers": answers, "final": True}
            )
            assert result["status"] == "submitted"
        closed = self.post(f"/rounds/{round_['id']}/close")
        assert closed["status"] == "closed"
        return round_


def _keyed(item: dict[str, Any], value: int) -> int:
    """The same attitude on reverse-keyed items is the mirrored answer."""
    return 8 - value if item["reverse"] else value


def test_an_integration_runs_the_whole_journey_over_http(
    live_server: str, session: Session, engine: Engine, settings: Settings
) -> None:
    key = make_api_key(session, organisation_id=make_organisation(session, name="Havenbedrijf"))
    headers = {"Authorization": f"Bearer {key}"}
    with (
        httpx.Client(base_url=live_server, headers=headers, timeout=60) as http,
        webhook_receiver() as receiver,
    ):
        portal = Integration(http)
        hook = portal.post("/webhooks", {"url": receiver.url, "events": ["round.closed"]})
        questionnaire, collaboration, parties = portal.set_up()
        rounds = [portal.run_round(collaboration, questionnaire, parties, n) for n in (0, 1)]

        scores = portal.get(f"/rounds/{rounds[0]['id']}/scores")
        assert {p["party_id"] for p in scores["parties"]} == set(parties)
        for party in scores["parties"]:
            assert party["n"] == PEOPLE_PER_PARTY and not party["suppressed"]
            assert party["zone"] in {"blind_trust", "smart_trust", "no_trust", "distrust"}
            assert len(party["targets"]) == 2
        reliability = portal.get(f"/rounds/{rounds[0]['id']}/reliability")
        assert {s["key"] for s in reliability} == {s["key"] for s in questionnaire["scales"]}

        trends = portal.get(f"/collaborations/{collaboration['id']}/trends")
        assert [r["id"] for r in trends["rounds"]] == [r["id"] for r in rounds]
        aannemer = next(p for p in trends["parties"] if p["name"] == "Aannemer")
        assert len(aannemer["rounds"]) == 2
        assert any(alert["party_id"] == aannemer["party_id"] for alert in trends["alerts"])

        for format, magic in (("csv", b"round_number"), ("xlsx", b"PK"), ("sav", b"$FL2")):
            export = http.get(f"/collaborations/{collaboration['id']}/export?format={format}")
            assert export.status_code == 200 and export.content.startswith(magic)

        report = deliver_due_jobs(engine, settings=settings)
        assert report.outcomes["done"] >= 2
    closed_events = [
        d for d in receiver.deliveries if d.headers["Trustmeter-Event"] == "round.closed"
    ]
    assert len(closed_events) == 2
    secret = hook["secret"]
    for delivery in closed_events:
        assert (
            webhooks.signature(secret, delivery.headers["Trustmeter-Timestamp"], delivery.body)
            == delivery.headers["Trustmeter-Signature"]
        )
