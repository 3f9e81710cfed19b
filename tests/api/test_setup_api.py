"""Setting up through the API: collaborations, parties, participants, rounds, open and close."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.models import Collaboration, Invitation, Participant, Round
from tests.api.conftest import Caller, World, fresh


def _post(api: TestClient, caller: Caller, path: str, body: Any = None) -> Any:
    return api.post(path, headers=caller.headers, json=body)


def test_a_collaboration_is_created_with_defaults_and_read_back(
    api: TestClient, caller: Caller
) -> None:
    created = _post(api, caller, "/collaborations", {"name": "Zorginkoop West"})
    assert created.status_code == 201
    body = created.json()
    assert body["anonymity_threshold"] == 3 and body["language"] == "nl"
    assert body["identified_mode"] is False and body["created_at"] and body["updated_at"]
    assert api.get(f"/collaborations/{body['id']}", headers=caller.headers).json() == body


def test_a_collaboration_changes_only_the_fields_sent(
    api: TestClient, caller: Caller, world: World
) -> None:
    path = f"/collaborations/{world.open.collaboration.id}"
    before = api.get(path, headers=caller.headers).json()
    changed = api.patch(path, headers=caller.headers, json={"anonymity_threshold": 5})
    assert changed.status_code == 200
    body = changed.json()
    assert body["anonymity_threshold"] == 5 and body["name"] == before["name"]
    assert body["updated_at"] > before["updated_at"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": "X", "language": "de"}, "language"),
        ({"name": "X", "anonymity_threshold": 1}, "anonymity_threshold"),
        ({"name": "X", "propensity_cutoff": 100}, "propensity_cutoff"),
        ({"name": "X", "identified_mode": "yes"}, "identified_mode"),
    ],
)
def test_bad_collaborations_are_refused_by_field(
    api: TestClient, caller: Caller, session: Session, body: dict[str, Any], field: str
) -> None:
    response = _post(api, caller, "/collaborations", body)
    assert response.status_code == 422
    assert field in {p["name"] for p in response.json()["invalid_params"]}
    assert session.exec(select(Collaboration)).all() == []


def test_party_names_are_unique_within_a_collaboration(
    api: TestClient, caller: Caller, world: World
) -> None:
    path = f"/collaborations/{world.open.collaboration.id}/parties"
    response = _post(api, caller, path, {"name": world.open.parties[0].name})
    assert response.status_code == 409
    assert response.json()["title"] == "Conflict"
    kinds = _post(api, caller, path, {"name": "Adviseur", "kind": "consultant"})
    assert kinds.status_code == 422 and kinds.json()["invalid_params"][0]["name"] == "kind"


def test_participants_are_pseudonymous_and_external_refs_unique(
    api: TestClient, caller: Caller, session: Session, world: World
) -> None:
    party_id = world.open.parties[0].id
    first = _post(api, caller, f"/parties/{party_id}/participants", {"external_ref": "hr-9"})
    assert first.status_code == 201
    assert first.json()["pseudonym"].startswith("P-") and first.json()["name"] is None
    other_party = world.open.parties[1].id
    clash = _post(api, caller, f"/parties/{other_party}/participants", {"external_ref": "hr-9"})
    assert clash.status_code == 409
    bad = _post(api, caller, f"/parties/{party_id}/participants", {"email": "not-an-address"})
    assert bad.status_code == 422 and bad.json()["invalid_params"][0]["name"] == "email"
    fresh(session)
    assert (
        len(session.exec(select(Participant).where(Participant.external_ref == "hr-9")).all()) == 1
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"questionnaire_id": 4242}, "questionnaire_id"),
        ({"phase": "launch"}, "phase"),
        ({"opens_at": "2026-03-01T09:00:00"}, "opens_at"),
        ({"opens_at": "2026-03-10T09:00:00Z", "closes_at": "2026-03-01T09:00:00Z"}, ""),
        ({"label": ""}, "label"),
    ],
)
def test_bad_rounds_are_refused(
    api: TestClient,
    caller: Caller,
    session: Session,
    world: World,
    changes: dict[str, Any],
    field: str,
) -> None:
    body = {"label": "Tweede", "questionnaire_id": world.questionnaire_id, **changes}
    response = _post(api, caller, f"/collaborations/{world.open.collaboration.id}/rounds", body)
    assert response.status_code == 422, response.text
    names = {p["name"] for p in response.json()["invalid_params"]}
    assert field in names or (not field and names)
    fresh(session)
    assert len(session.exec(select(Round)).all()) == 1


def _new_round(api: TestClient, caller: Caller, world: World) -> dict[str, Any]:
    body = {"label": "Tweede", "questionnaire_id": world.questionnaire_id, "phase": "execution"}
    response = _post(api, caller, f"/collaborations/{world.open.collaboration.id}/rounds", body)
    assert response.status_code == 201 and response.json()["status"] == "draft"
    return response.json()


def test_a_round_opens_once_and_closes(
    api: TestClient, caller: Caller, session: Session, world: World
) -> None:
    round_ = _new_round(api, caller, world)
    closing_a_draft = _post(api, caller, f"/rounds/{round_['id']}/close")
    assert closing_a_draft.status_code == 409
    opened = _post(api, caller, f"/rounds/{round_['id']}/open").json()
    assert opened["round"]["status"] == "open" and len(opened["invitations"]) == 6
    assert all(i["token"] and i["url"].endswith(i["token"]) for i in opened["invitations"])
    listed = api.get(f"/rounds/{round_['id']}/invitations", headers=caller.headers).json()
    assert all(i["token"] is None and i["url"] is None for i in listed["items"])
    assert _post(api, caller, f"/rounds/{round_['id']}/close").json()["status"] == "closed"
    assert _post(api, caller, f"/rounds/{round_['id']}/close").status_code == 200
    reopened = _post(api, caller, f"/rounds/{round_['id']}/open")
    assert reopened.status_code == 409
    fresh(session)
    assert (
        len(session.exec(select(Invitation).where(Invitation.round_id == round_["id"])).all()) == 6
    )


def test_opening_needs_two_parties_and_participants(
    api: TestClient, caller: Caller, world: World
) -> None:
    collaboration = _post(api, caller, "/collaborations", {"name": "Leeg"}).json()
    body = {"label": "R", "questionnaire_id": world.questionnaire_id}
    round_ = _post(api, caller, f"/collaborations/{collaboration['id']}/rounds", body).json()
    one_party = _post(api, caller, f"/rounds/{round_['id']}/open")
    assert one_party.status_code == 409 and "two parties" in one_party.json()["detail"]
    for name in ("A", "B"):
        _post(api, caller, f"/collaborations/{collaboration['id']}/parties", {"name": name})
    nobody = _post(api, caller, f"/rounds/{round_['id']}/open")
    assert nobody.status_code == 409 and "participants" in nobody.json()["detail"]


def test_answers_after_submission_or_closing_are_refused(
    api: TestClient, caller: Caller, world: World
) -> None:
    tokens = [i.token for i in world.open.invitations if i.token]
    target = world.open.invitations[0].invitation.target_party_ids[0]
    answer = {"target_party_id": target, "item_id": "prop_1", "value": 4}
    submit = {"answers": [answer], "final": True}
    assert _post(api, caller, f"/invitations/{tokens[0]}/responses", submit).status_code == 200
    twice = _post(api, caller, f"/invitations/{tokens[0]}/responses", submit)
    assert twice.status_code == 409 and "already submitted" in twice.json()["detail"]
    _post(api, caller, f"/rounds/{world.open.round.id}/close")
    late = _post(api, caller, f"/invitations/{tokens[1]}/responses", submit)
    assert late.status_code == 409 and late.json()["title"] == "Round not open"
    unknown = _post(api, caller, "/invitations/" + "A" * 32 + "/responses", submit)
    assert unknown.status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/collaborations/4242",
        "/collaborations/4242/parties",
        "/parties/4242/participants",
        "/collaborations/4242/rounds",
        "/rounds/4242",
        "/rounds/4242/invitations",
    ],
)
def test_unknown_ids_are_404_problems(api: TestClient, caller: Caller, path: str) -> None:
    response = api.get(path, headers=caller.headers)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert "4242" in response.json()["detail"]


@pytest.mark.parametrize("bad_id", ["0", "-1", "2147483648", "abc"])
def test_ids_out_of_range_are_refused_before_any_lookup(
    api: TestClient, caller: Caller, bad_id: str
) -> None:
    response = api.get(f"/rounds/{bad_id}", headers=caller.headers)
    assert response.status_code == 422
    assert response.json()["invalid_params"][0]["name"] == "round_id"
