"""Names and labels are one line of visible text: control characters are refused at the door."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.models import Collaboration, Participant, Party, Round
from tests.api.conftest import Caller, World

BAD = [
    "Gemeente\nUtrecht",
    "Gemeente\rUtrecht",
    "Ge\x1emeente",
    "Ge\x00meente",
    "A\u2028B",
    "A\x85B",
]


@pytest.mark.parametrize("name", BAD)
def test_a_collaboration_name_with_a_control_character_is_refused(
    api: TestClient, caller: Caller, session: Session, name: str
) -> None:
    answer = api.post("/collaborations", headers=caller.headers, json={"name": name})
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("application/problem+json")
    (problem,) = answer.json()["invalid_params"]
    assert problem["name"] == "name" and (
        "line break" in problem["reason"] or "NUL" in problem["reason"]
    )
    assert session.exec(select(Collaboration)).all() == []


def test_a_description_may_break_lines_but_hold_no_other_control_character(
    api: TestClient, caller: Caller, session: Session
) -> None:
    ok = {"name": "Bruggen", "description": "Regel een\nRegel twee\tmet tab"}
    assert api.post("/collaborations", headers=caller.headers, json=ok).status_code == 201
    bad = {"name": "Wegen", "description": "Regel\x1eeen"}
    answer = api.post("/collaborations", headers=caller.headers, json=bad)
    assert answer.status_code == 422
    assert [p["name"] for p in answer.json()["invalid_params"]] == ["description"]
    assert [c.name for c in session.exec(select(Collaboration))] == ["Bruggen"]


def test_renaming_refuses_control_characters(api: TestClient, world: World) -> None:
    url = f"/collaborations/{world.open.collaboration.id}"
    answer = api.patch(url, headers=world.caller.headers, json={"name": "A\nB"})
    assert answer.status_code == 422
    assert api.get(url, headers=world.caller.headers).json()["name"] != "A\nB"


def test_party_round_and_participant_names_refuse_control_characters(
    api: TestClient, world: World, session: Session
) -> None:
    collaboration = world.open.collaboration.id
    party = world.open.parties[0].id
    before = (
        len(session.exec(select(Party)).all()),
        len(session.exec(select(Round)).all()),
        len(session.exec(select(Participant)).all()),
    )
    cases = [
        (f"/collaborations/{collaboration}/parties", {"name": "Aannemer\x1eBV"}, "name"),
        (
            f"/collaborations/{collaboration}/rounds",
            {"label": "Nul\nmeting", "questionnaire_id": world.questionnaire_id},
            "label",
        ),
        (f"/parties/{party}/participants", {"name": "Jan\x07"}, "name"),
        (f"/parties/{party}/participants", {"external_ref": "X\r\n1"}, "external_ref"),
    ]
    for url, body, field in cases:
        answer = api.post(url, headers=world.caller.headers, json=body)
        assert answer.status_code == 422, (url, answer.text)
        assert field in {p["name"] for p in answer.json()["invalid_params"]}
    session.rollback()
    after = (
        len(session.exec(select(Party)).all()),
        len(session.exec(select(Round)).all()),
        len(session.exec(select(Participant)).all()),
    )
    assert after == before


def test_the_schema_documents_the_rule(api: TestClient) -> None:
    schema = api.get("/openapi.json").json()["components"]["schemas"]
    assert "pattern" in schema["CollaborationCreate"]["properties"]["name"]
    assert "pattern" in schema["PartyCreate"]["properties"]["name"]


@pytest.mark.parametrize("raw_id", ["%0A2", "abc%0A", "%0D%0A"])
def test_a_path_with_a_line_break_is_not_found_in_problem_details(
    api: TestClient, caller: Caller, raw_id: str
) -> None:
    # The API's mount does not match a path with a line break in it; the answer is still the
    # API's own, never the HTML page the partners see.
    answer = api.put(
        f"/participants/{raw_id}/targets", headers=caller.headers, json={"target_party_ids": []}
    )
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["status"] == 404
