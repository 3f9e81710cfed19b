"""The results export holds exactly the figures the scores and trends API give."""

import csv
import io

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.config import Settings
from app.models import Collaboration, Round
from app.services import demo
from tests.factories import make_api_key


def _demo(session: Session, settings: Settings) -> tuple[int, list[int], str]:
    demo.load_demo(session, settings=settings)
    collaboration = session.exec(select(Collaboration)).one()
    rounds = session.exec(
        select(Round).where(Round.collaboration_id == collaboration.id).order_by(Round.id)
    ).all()
    key = make_api_key(session, organisation_id=collaboration.organisation_id)
    assert collaboration.id is not None
    return collaboration.id, [r.id or 0 for r in rounds], key


def test_the_results_export_matches_the_scores_api(
    client: TestClient, session: Session, settings: Settings
) -> None:
    collaboration_id, round_ids, key = _demo(session, settings)
    headers = {"Authorization": f"Bearer {key}"}
    exported = client.get(
        f"/api/v1/collaborations/{collaboration_id}/export",
        params={"format": "csv", "content": "results"},
        headers=headers,
    )
    assert exported.status_code == 200
    assert exported.headers["content-disposition"].endswith('-results.csv"')
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert rows, "the demo has results"
    fourth = client.get(f"/api/v1/rounds/{round_ids[3]}/scores", headers=headers).json()
    listed = client.get(f"/api/v1/collaborations/{collaboration_id}/parties", headers=headers)
    names = {p["id"]: p["name"] for p in listed.json()["items"]}
    checked = 0
    for party in fourth["items"] if "items" in fourth else fourth["parties"]:
        mine = [
            r
            for r in rows
            if r["round_number"] == "4"
            and r["target"] == ""
            and r["measure"] == "propensity"
            and r["party"] == names[party["party_id"]]
        ]
        if party["suppressed"]:
            assert not mine
            continue
        (row,) = mine
        assert float(row["mean"]) == round(party["propensity"]["mean"], 1)
        assert int(row["n"]) == party["n"]
        checked += 1
    assert checked >= 2
    changed = [r for r in rows if r["round_number"] == "2" and r["change"]]
    assert changed, "changes since the first round are exported"
    assert not [r for r in rows if r["round_number"] == "1" and r["change"]]


def test_the_results_export_in_dutch_for_excel(
    client: TestClient, session: Session, settings: Settings
) -> None:
    collaboration_id, _, key = _demo(session, settings)
    exported = client.get(
        f"/api/v1/collaborations/{collaboration_id}/export",
        params={"format": "csv", "content": "results", "language": "nl"},
        headers={"Authorization": f"Bearer {key}"},
    )
    assert exported.content.startswith("\ufeff".encode())
    text = exported.content.decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(text), delimiter=";"))
    assert "Gemiddelde (0-100)" in header and "Zone" in header
    assert "slim vertrouwen" in text or "wantrouwen" in text or "geen vertrouwen" in text
