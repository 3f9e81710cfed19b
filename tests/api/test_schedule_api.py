"""The cadence, participant corrections, reissued links and delivery state over the API."""

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.models import AuditEvent, Cadence, Invitation, Participant, Response
from app.services.schedule import runner
from app.services.setup import questionnaires
from tests.api.conftest import World, fresh
from tests.factories import make_collaboration, make_party

STARTS = "2099-04-01T07:00:00Z"


def cadence_body(world: World, **overrides: Any) -> dict[str, Any]:
    return {
        "every": 3,
        "unit": "months",
        "open_days": 14,
        "questionnaire_id": world.questionnaire_id,
        "label": "Kwartaal {n}",
        "phase": "execution",
        "starts_at": STARTS,
        **overrides,
    }


def test_a_cadence_is_set_read_paused_and_removed(api: TestClient, world: World) -> None:
    path = f"/collaborations/{world.open.collaboration.id}/cadence"
    headers = world.caller.headers
    assert api.get(path, headers=headers).status_code == 404

    created = api.put(path, headers=headers, json=cadence_body(world))
    assert created.status_code == 200, created.text
    body = created.json()
    assert body["next_opens_at"] == STARTS and body["paused"] is False
    # The collaboration has one round already: the cadence's first is number 2.
    assert [u["label"] for u in body["upcoming"]][:2] == ["Kwartaal 2", "Kwartaal 3"]
    assert body["upcoming"][1]["opens_at"] == "2099-07-01T07:00:00Z"

    paused = api.put(path, headers=headers, json=cadence_body(world, paused=True)).json()
    assert paused["paused"] is True and paused["upcoming"] == [] and paused["next_opens_at"] is None
    assert api.get(path, headers=headers).json()["paused"] is True

    removed = api.delete(path, headers=headers)
    assert removed.status_code == 200 and removed.json()["every"] == 3
    assert api.get(path, headers=headers).status_code == 404
    assert api.delete(path, headers=headers).status_code == 404


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"starts_at": "2001-01-01T07:00:00Z"}, "starts_at"),
        ({"starts_at": "2099-04-01T07:00:00"}, "starts_at"),
        ({"questionnaire_id": 999_999}, "questionnaire_id"),
        ({"every": 0}, "every"),
        ({"unit": "days"}, "unit"),
        ({"open_days": 91}, "open_days"),
        ({"label": ""}, "label"),
        ({"label": "Meting\x1e{n}"}, "label"),
        ({"label": "Meting\n{n}"}, "label"),
    ],
)
def test_a_bad_cadence_is_refused_naming_the_field_and_changes_nothing(
    api: TestClient, world: World, session: Session, overrides: dict[str, Any], field: str
) -> None:
    path = f"/collaborations/{world.open.collaboration.id}/cadence"
    answer = api.put(path, headers=world.caller.headers, json=cadence_body(world, **overrides))
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert field in {p["name"] for p in answer.json()["invalid_params"]}
    fresh(session)
    assert session.exec(select(Cadence)).all() == []


def test_a_round_must_close_before_the_next_one_opens(api: TestClient, world: World) -> None:
    path = f"/collaborations/{world.open.collaboration.id}/cadence"
    body = cadence_body(world, every=2, unit="weeks", open_days=14)
    answer = api.put(path, headers=world.caller.headers, json=body)
    assert answer.status_code == 422 and "shorter than the interval" in answer.text


def test_a_read_only_key_cannot_set_a_cadence(api: TestClient, world: World, reader: Any) -> None:
    path = f"/collaborations/{world.open.collaboration.id}/cadence"
    assert api.put(path, headers=reader.headers, json=cadence_body(world)).status_code == 403


def test_a_participant_is_corrected_and_moved_to_another_party(
    api: TestClient, world: World, session: Session
) -> None:
    participant_id = world.open.invitations[0].invitation.participant_id
    other_party = world.open.parties[1].id
    answer = api.patch(
        f"/participants/{participant_id}",
        headers=world.caller.headers,
        json={"email": "Nieuw@Example.org", "party_id": other_party},
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["email"] == "nieuw@example.org"
    assert answer.json()["party_id"] == other_party
    fresh(session)
    stored = session.get(Participant, participant_id)
    assert stored is not None and stored.name is not None  # fields left out keep their value
    # The untouched invitation of the open round follows the person to the new party.
    invitation = session.get(Invitation, world.open.invitations[0].invitation.id)
    assert invitation is not None and invitation.party_id == other_party
    # It now asks about the party the person left, with that party's kind (kind-limited items).
    left = world.open.parties[0]
    assert invitation.target_party_ids == [left.id]
    assert invitation.target_kinds == {str(left.id): left.kind.value}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "geen-adres"}, "email"),
        ({"party_id": "twee"}, "party_id"),
        ({"nickname": "x"}, "nickname"),
    ],
)
def test_a_bad_correction_is_refused_by_field(
    api: TestClient, world: World, session: Session, body: dict[str, Any], field: str
) -> None:
    participant_id = world.open.invitations[0].invitation.participant_id
    before = session.get(Participant, participant_id).model_dump()  # type: ignore[union-attr]
    answer = api.patch(f"/participants/{participant_id}", headers=world.caller.headers, json=body)
    assert answer.status_code == 422
    assert field in {p["name"] for p in answer.json()["invalid_params"]}
    fresh(session)
    assert session.get(Participant, participant_id).model_dump() == before  # type: ignore[union-attr]


def test_a_participant_cannot_move_to_a_party_of_another_collaboration(
    api: TestClient, world: World, session: Session
) -> None:
    elsewhere = make_collaboration(session, organisation_id=world.caller.organisation_id)
    party = make_party(
        session,
        organisation_id=world.caller.organisation_id,
        collaboration_id=elsewhere.id or 0,
        name="Elders",
    )
    participant_id = world.open.invitations[0].invitation.participant_id
    answer = api.patch(
        f"/participants/{participant_id}", headers=world.caller.headers, json={"party_id": party.id}
    )
    assert answer.status_code == 422 and answer.json()["invalid_params"][0]["name"] == "party_id"


def test_a_new_link_kills_the_old_one_and_keeps_the_saved_answers(
    api: TestClient, world: World, session: Session
) -> None:
    issued = next(item for item in world.open.invitations if item.token)
    item_id = (
        questionnaires.definition_of(questionnaires.default_questionnaire(session)).items[0].id
    )
    answer_one = {"target_party_id": issued.invitation.target_party_ids[0], "item_id": item_id}
    body = {"answers": [{**answer_one, "value": 4}], "final": False}
    headers = world.caller.headers
    saved = api.post(f"/invitations/{issued.token}/responses", json=body, headers=headers)
    assert saved.status_code in (200, 201), saved.text

    answer = api.post(
        f"/invitations/{issued.invitation.id}/link", headers=headers, json={"send_email": False}
    )
    assert answer.status_code == 200, answer.text
    new = answer.json()["token"]
    assert new != issued.token and answer.json()["url"].endswith(f"/s/{new}")
    empty = {"answers": [], "final": False}
    old_link = api.post(f"/invitations/{issued.token}/responses", json=empty, headers=headers)
    assert old_link.status_code == 404
    new_link = api.post(f"/invitations/{new}/responses", json=empty, headers=headers)
    assert new_link.status_code in (200, 201), new_link.text
    fresh(session)
    kept = session.exec(
        select(Response).where(Response.invitation_id == issued.invitation.id)
    ).all()
    assert [r.answers for r in kept] == [{item_id: 4}] or any(
        item_id in str(r.answers) for r in kept
    )
    audit = session.exec(select(AuditEvent).where(AuditEvent.action == "link.reissued")).all()
    assert len(audit) == 1 and audit[0].api_key_id is not None


def test_deliveries_say_what_happened_to_each_email_and_never_who_answered(
    api: TestClient, world: World
) -> None:
    answer = api.get(f"/rounds/{world.open.round.id}/deliveries", headers=world.caller.headers)
    assert answer.status_code == 200
    body = answer.json()
    assert body["counts"]["queued"] == 6 and len(body["invitations"]) == 6
    assert {item["state"] for item in body["invitations"]} == {"queued"}
    assert all("submitted" not in str(item) for item in body["invitations"])


def test_a_round_that_did_not_open_on_schedule_says_why(
    api: TestClient, world: World, session: Session, settings: Any
) -> None:
    lonely = make_collaboration(
        session, organisation_id=world.caller.organisation_id, name="Alleen"
    )
    make_party(
        session,
        organisation_id=world.caller.organisation_id,
        collaboration_id=lonely.id or 0,
        name="Enige partij",
    )
    created = api.post(
        f"/collaborations/{lonely.id}/rounds",
        headers=world.caller.headers,
        json={
            "label": "Gepland",
            "questionnaire_id": world.questionnaire_id,
            "opens_at": "2030-01-01T08:00:00Z",
        },
    ).json()
    runner.run_due(session, now=datetime(2030, 1, 1, 8, 0, tzinfo=UTC), settings=settings)

    shown = api.get(f"/rounds/{created['id']}", headers=world.caller.headers).json()
    assert shown["status"] == "draft" and "two parties" in shown["schedule_error"]
