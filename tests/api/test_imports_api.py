"""POST /rounds/{id}/responses/import: CSV or JSON, every bad row reported, nothing partial."""

from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from app.models import Participant, Response
from app.scoring import smart_trust_v1
from tests.api.conftest import World, fresh

ITEMS = smart_trust_v1().item_ids


def _ref(session: Session, world: World) -> str:
    participant = session.exec(
        select(Participant).where(Participant.party_id == world.open.parties[0].id)
    ).first()
    assert participant is not None
    participant.external_ref = "hr-1"
    session.add(participant)
    session.commit()
    return "hr-1"


def _url(world: World, mode: str = "") -> str:
    return f"/rounds/{world.open.round.id}/responses/import" + (f"?mode={mode}" if mode else "")


def _csv_headers(world: World) -> dict[str, str]:
    return {**world.caller.headers, "Content-Type": "text/csv; charset=utf-8"}


def _stored(session: Session) -> int:
    fresh(session)
    return session.exec(select(func.count()).select_from(Response)).one()


def test_a_csv_import_reports_what_it_stored(
    api: TestClient, session: Session, world: World
) -> None:
    ref, target = _ref(session, world), world.open.parties[1].name
    body = "external_ref,target_party,item_id,value\n" + "".join(
        f"{ref},{target},{item},6\n" for item in ITEMS
    )
    response = api.post(_url(world), headers=_csv_headers(world), content=body.encode())
    assert response.status_code == 200, response.text
    assert response.json() == {
        "round_id": world.open.round.id,
        "mode": "all_or_nothing",
        "rows": 36,
        "imported_rows": 36,
        "responses": 1,
        "invitations_created": 0,
        "errors": [],
    }
    assert _stored(session) == 1


def test_bad_rows_get_a_422_listing_every_row_and_nothing_is_stored(
    api: TestClient, session: Session, world: World
) -> None:
    ref, target = _ref(session, world), world.open.parties[1].name
    own = world.open.parties[0].name
    body = (
        "external_ref;target_party;item_id;value\n"
        f"{ref};{target};prop_1;4\n"
        f"{ref};{target};prop_x;4\n"
        f"{ref};{target};prop_2;8\n"
        f"{ref};{own};prop_3;4\n"
        f"{ref};{target};prop_1;4\n"
    )
    response = api.post(_url(world), headers=_csv_headers(world), content=body.encode())
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["title"] == "Import rejected"
    assert [(e["row"], e["column"]) for e in problem["errors"]] == [
        (3, "item_id"),
        (4, "value"),
        (5, "target_party"),
        (6, "item_id"),
    ]
    assert problem["invalid_params"][0] == {
        "name": "row 3: item_id",
        "reason": "unknown item 'prop_x'",
    }
    assert _stored(session) == 0


def test_valid_only_stores_the_rest(api: TestClient, session: Session, world: World) -> None:
    ref, target = _ref(session, world), world.open.parties[1].name
    body = (
        f"external_ref;target_party;item_id;value\n{ref};{target};prop_1;4\nx;{target};prop_1;4\n"
    )
    response = api.post(
        _url(world, "valid_only"), headers=_csv_headers(world), content=body.encode()
    )
    assert response.status_code == 200
    assert response.json()["imported_rows"] == 1
    assert response.json()["errors"] == [
        {"row": 3, "column": "external_ref", "reason": "unknown participant 'x'"}
    ]
    assert _stored(session) == 1


def test_a_json_import_uses_the_same_rules(api: TestClient, session: Session, world: World) -> None:
    ref, target = _ref(session, world), world.open.parties[1].id
    answers = [
        {"external_ref": ref, "target_party": target, "item_id": item, "value": 2} for item in ITEMS
    ]
    answers.append({"external_ref": ref, "target_party": target, "item_id": "prop_1", "value": 3})
    refused = api.post(_url(world), headers=world.caller.headers, json={"answers": answers})
    assert refused.status_code == 422
    assert refused.json()["errors"] == [
        {
            "row": 36,
            "column": "item_id",
            "reason": "duplicate of row 0: same participant, party and item",
        }
    ]
    accepted = api.post(_url(world), headers=world.caller.headers, json={"answers": answers[:-1]})
    assert accepted.status_code == 200 and accepted.json()["responses"] == 1


def test_other_media_types_are_refused_with_415(api: TestClient, world: World) -> None:
    headers = {**world.caller.headers, "Content-Type": "text/plain"}
    response = api.post(_url(world), headers=headers, content=b"a;b")
    assert response.status_code == 415
    assert response.headers["content-type"] == "application/problem+json"


def test_a_bad_header_line_names_the_columns(api: TestClient, world: World) -> None:
    body = b"who;target_party;item_id;value\n"
    response = api.post(_url(world), headers=_csv_headers(world), content=body)
    assert response.status_code == 422
    names = {p["name"] for p in response.json()["invalid_params"]}
    assert {"header.who", "header"} <= names


def test_broken_json_is_a_400(api: TestClient, world: World) -> None:
    headers = {**world.caller.headers, "Content-Type": "application/json"}
    response = api.post(_url(world), headers=headers, content=b'{"answers": [')
    assert response.status_code == 400
    assert response.json()["title"] == "Malformed request"


def test_an_unknown_mode_is_refused(api: TestClient, world: World) -> None:
    response = api.post(_url(world, "some"), headers=_csv_headers(world), content=b"")
    assert response.status_code == 422
    assert response.json()["invalid_params"][0]["name"] == "mode"
