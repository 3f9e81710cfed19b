"""The integration journey end to end through the API: set up, open, answer, close."""

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.models import Response
from tests.factories import make_api_key, make_organisation


def _auth(session: Session) -> dict[str, str]:
    organisation_id = make_organisation(session, name="Regio Inkoop")
    return {"Authorization": f"Bearer {make_api_key(session, organisation_id=organisation_id)}"}


def test_integration_sets_up_a_round_and_submits_answers(
    client: TestClient, session: Session
) -> None:
    headers = _auth(session)
    questionnaire = client.get("/api/v1/questionnaires", headers=headers).json()["items"][0]
    assert questionnaire["key"] == "smart-trust"
    collaboration = client.post(
        "/api/v1/collaborations", json={"name": "Zorginkoop regio West"}, headers=headers
    ).json()
    parties = [
        client.post(
            f"/api/v1/collaborations/{collaboration['id']}/parties",
            json={"name": name, "kind": kind},
            headers=headers,
        ).json()
        for name, kind in (("Gemeente A", "client"), ("Zorgaanbieder B", "contractor"))
    ]
    for party in parties:
        response = client.post(
            f"/api/v1/parties/{party['id']}/participants",
            json={"external_ref": f"hr-{party['id']}"},
            headers=headers,
        )
        assert response.status_code == 201, response.text
    round_ = client.post(
        f"/api/v1/collaborations/{collaboration['id']}/rounds",
        json={
            "label": "Nulmeting",
            "questionnaire_id": questionnaire["id"],
            "phase": "preparation",
        },
        headers=headers,
    ).json()
    assert round_["status"] == "draft"
    opened = client.post(f"/api/v1/rounds/{round_['id']}/open", headers=headers).json()
    assert len(opened["invitations"]) == 2
    first = opened["invitations"][0]
    assert first["token"] and first["url"].endswith(first["token"])
    assert first["target_party_ids"] == [parties[1]["id"]]

    answers = [
        {"target_party_id": parties[1]["id"], "item_id": item["id"], "value": 4}
        for item in questionnaire["items"]
    ]
    submitted = client.post(
        f"/api/v1/invitations/{first['token']}/responses",
        json={"answers": answers, "final": True},
        headers=headers,
    )
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["status"] == "submitted"
    stored = session.exec(select(Response)).one()
    assert stored.zone == "no_trust"  # a wholly neutral respondent is indecisive

    again = client.post(f"/api/v1/rounds/{round_['id']}/open", headers=headers).json()
    assert [inv["token"] for inv in again["invitations"]] == [None, None]
    closed = client.post(f"/api/v1/rounds/{round_['id']}/close", headers=headers).json()
    assert closed["status"] == "closed"
    late = client.post(
        f"/api/v1/invitations/{opened['invitations'][1]['token']}/responses",
        json={"answers": [], "final": True},
        headers=headers,
    )
    assert late.status_code == 409
    assert late.headers["content-type"] == "application/problem+json"


def test_invalid_answer_saves_nothing_and_names_the_field(
    client: TestClient, session: Session
) -> None:
    headers = _auth(session)
    collaboration = client.post(
        "/api/v1/collaborations", json={"name": "X"}, headers=headers
    ).json()
    parties = [
        client.post(
            f"/api/v1/collaborations/{collaboration['id']}/parties",
            json={"name": n},
            headers=headers,
        ).json()
        for n in ("A", "B")
    ]
    for party in parties:
        client.post(f"/api/v1/parties/{party['id']}/participants", json={}, headers=headers)
    questionnaire_id = client.get("/api/v1/questionnaires", headers=headers).json()["items"][0][
        "id"
    ]
    round_ = client.post(
        f"/api/v1/collaborations/{collaboration['id']}/rounds",
        json={"label": "R1", "questionnaire_id": questionnaire_id},
        headers=headers,
    ).json()
    token = client.post(f"/api/v1/rounds/{round_['id']}/open", headers=headers).json()[
        "invitations"
    ][0]["token"]
    response = client.post(
        f"/api/v1/invitations/{token}/responses",
        json={
            "answers": [
                {"target_party_id": parties[1]["id"], "item_id": "prop_1", "value": 5},
                {"target_party_id": parties[1]["id"], "item_id": "prop_2", "value": 9},
            ],
            "final": False,
        },
        headers=headers,
    )
    assert response.status_code == 422
    assert response.json()["invalid_params"][0]["name"] == "answers.1.value"
    assert session.exec(select(Response)).all() == []
