"""The results export holds exactly the figures the scores and trends API give."""

import csv
import io
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.config import Settings
from app.models import Collaboration, Round
from app.models.response import AnswerIn
from app.services import demo
from app.services.answering import responses
from app.services.exchange.results_export import zone_names
from app.services.setup import rounds
from tests.factories import make_api_key, make_open_collaboration


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


def _measures(group: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The scores API's figures of a group by measure, as the export names them."""
    found = {"propensity": group["propensity"], "analysis": group["analysis"]}
    return {**found, **(group["areas"] or {})}


def _one(rows: list[dict[str, str]], **wanted: str) -> dict[str, str]:
    (row,) = [r for r in rows if all(r[key] == value for key, value in wanted.items())]
    return row


def _figure(value: float | None) -> str:
    return "" if value is None else str(round(value, 1))


def test_every_figure_of_every_group_is_the_scores_and_trends_apis(
    client: TestClient, session: Session, settings: Settings
) -> None:
    """Per closed round, party and relationship: n, response rate, each measure's mean and
    interval, the zone, and the change with its interval, exactly as the API gives them."""
    collaboration_id, _, key = _demo(session, settings)
    headers = {"Authorization": f"Bearer {key}"}
    base = f"/api/v1/collaborations/{collaboration_id}"
    exported = client.get(f"{base}/export", params={"content": "results"}, headers=headers)
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    names = {
        p["id"]: p["name"] for p in client.get(f"{base}/parties", headers=headers).json()["items"]
    }
    language = session.exec(select(Collaboration)).one().language
    zones = zone_names(language)
    trends = client.get(f"{base}/trends", headers=headers).json()
    closed = [r["id"] for r in trends["rounds"] if r["status"] == "closed"]
    assert len(closed) == 4 and {r["round_number"] for r in rows} == {"1", "2", "3", "4"}
    compared = 0
    for number, round_id in enumerate(closed, start=1):
        scores = client.get(f"/api/v1/rounds/{round_id}/scores", headers=headers).json()
        for party in scores["parties"]:
            groups = [("", party), *((names[t["target_party_id"]], t) for t in party["targets"])]
            for target, group in groups:
                where = {"round_number": str(number), "party": names[party["party_id"]]}
                mine = [
                    r
                    for r in rows
                    if all(r[k] == v for k, v in where.items()) and r["target"] == target
                ]
                if group["suppressed"]:
                    (row,) = mine
                    assert row["suppressed"] in ("1", "2") and row["mean"] == row["n"] == ""
                    continue
                for measure, summary in _measures(group).items():
                    row = _one(mine, measure=measure)
                    assert row["suppressed"] == "0" and int(row["n"]) == group["n"]
                    assert row["mean"] == _figure(summary["mean"])
                    assert [row["ci_low"], row["ci_high"]] == [_figure(c) for c in summary["ci"]]
                    assert row["zone"] == zones[group["zone"]]
                    if not target:
                        rate = party["response_rate"]
                        assert row["response_rate"] == _figure(rate * 100 if rate else None)
                    compared += 1
    assert compared > 100
    changes = 0
    for party in trends["parties"]:
        groups = [("", party), *((names[t["target_party_id"]], t) for t in party["targets"])]
        for target, group in groups:
            for change in group["changes"]:
                if change["welch"] is None:
                    continue
                row = _one(
                    rows,
                    round_number=str(closed.index(change["to_round_id"]) + 1),
                    party=party["name"],
                    target=target,
                    measure=change["measure"],
                )
                welch = change["welch"]
                assert row["change"] == _figure(welch["difference"])
                assert [row["change_ci_low"], row["change_ci_high"]] == [
                    _figure(c) for c in welch["ci"]
                ]
                changes += 1
    assert changes > 50


def test_a_group_of_fewer_than_k_is_exported_as_such_without_figures(
    client: TestClient, session: Session, settings: Settings
) -> None:
    opened = make_open_collaboration(
        session,
        settings=settings,
        party_names=("Gemeente Utrecht", "Aannemer BV", "Ingenieursbureau Noord"),
        participants_per_party=3,
        anonymity_threshold=3,
    )
    answering = {opened.parties[0].id: 3, opened.parties[1].id: 3, opened.parties[2].id: 1}
    for party in opened.parties:
        for token in opened.tokens_of(party)[: answering[party.id]]:
            _submit_all(session, token)
    rounds.close_round(
        session, organisation_id=opened.organisation_id, round_id=opened.round.id or 0
    )
    key = make_api_key(session, organisation_id=opened.organisation_id)
    url = f"/api/v1/collaborations/{opened.collaboration.id}/export"
    headers = {"Authorization": f"Bearer {key}"}
    plain = client.get(url, params={"content": "results"}, headers=headers)
    rows = list(csv.DictReader(io.StringIO(plain.text)))
    small = [r for r in rows if r["party"] == "Ingenieursbureau Noord"]
    assert small and all(r["suppressed"] == "1" for r in small)
    assert all(r[c] == "" for r in small for c in ("n", "mean", "ci_low", "ci_high", "zone"))
    assert [r for r in rows if r["party"] == "Gemeente Utrecht" and r["suppressed"] == "0"]
    for language, words in (
        ("en", "fewer than k respondents"),
        ("nl", "minder dan k respondenten"),
    ):
        labelled = client.get(
            url, params={"content": "results", "language": language}, headers=headers
        )
        text = labelled.content.decode("utf-8-sig")
        delimiter = ";" if language == "nl" else ","
        table = list(csv.reader(io.StringIO(text), delimiter=delimiter))
        party_column, hidden_column = (
            table[0].index("Partij (vertrouwensgever)" if language == "nl" else "Party (truster)"),
            len(table[0]) - 1,
        )
        hidden = {
            r[hidden_column] for r in table[1:] if r[party_column] == "Ingenieursbureau Noord"
        }
        assert hidden == {words}


def _submit_all(session: Session, token: str) -> None:
    context = responses.load_invitation(session, token=token)
    kinds = context.invitation.target_kinds
    answers = [
        AnswerIn(target_party_id=target, item_id=item.id, value=5)
        for target in context.invitation.target_party_ids
        for item in context.definition.items
        if item.fits(kinds.get(str(target)))
    ]
    responses.submit_answers(session, token=token, answers=answers, final=True)
