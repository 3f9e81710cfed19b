"""Request bodies are strict: unknown fields refused, no silent coercion, errors name the field."""

from typing import Any, get_args

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel
from sqlmodel import Session, select

from app.config import Settings
from app.models import Response
from app.models.base import StrictFields, StrictInput
from tests.api.conftest import World
from tests.api.routes import Operation, operations, request_for
from tests.factories import make_api_key, make_open_collaboration

BODY_OPERATIONS = [op for op in operations() if op.body_model is not None]


def _models(model: type[BaseModel], seen: set[type[BaseModel]]) -> set[type[BaseModel]]:
    """`model` and every model nested in its fields."""
    if model in seen:
        return seen
    seen.add(model)
    for field in model.model_fields.values():
        for candidate in (field.annotation, *_flatten(field.annotation)):
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                _models(candidate, seen)
    return seen


def _flatten(annotation: Any) -> list[Any]:
    found = []
    for arg in get_args(annotation):
        found.append(arg)
        found.extend(_flatten(arg))
    return found


@pytest.mark.parametrize("operation", BODY_OPERATIONS, ids=[str(op) for op in BODY_OPERATIONS])
def test_every_request_model_is_strict_input(operation: Operation) -> None:
    # The body walks its numbers once (StrictInput); the models inside it are strict fields.
    assert operation.body_model is not None
    assert issubclass(operation.body_model, StrictInput)
    for model in _models(operation.body_model, set()):
        assert issubclass(model, StrictFields), f"{model.__name__} must extend StrictFields"
        assert model.model_config.get("extra") == "forbid"


def _wrong_type(value: Any) -> Any:
    """A JSON value of another type that lax parsing would happily coerce."""
    if isinstance(value, bool):
        return 0 if value else "false"
    if isinstance(value, int | float):
        return False if value == 0 else str(value)
    if isinstance(value, str):
        return 1
    if isinstance(value, list):
        return {"0": value[0]} if value else "[]"
    return [value]


def _post(api: TestClient, operation: Operation, world: World, body: Any) -> Any:
    return api.request(
        operation.method, operation.url(world.ids()), headers=world.caller.headers, json=body
    )


@pytest.mark.parametrize("operation", BODY_OPERATIONS, ids=[str(op) for op in BODY_OPERATIONS])
def test_unknown_fields_are_refused_by_name(
    operation: Operation, api: TestClient, world: World
) -> None:
    body = {**request_for(operation, world.ids()).json, "colour": "blue"}
    response = _post(api, operation, world, body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert {"name": "colour", "reason": "Extra inputs are not permitted"} in response.json()[
        "invalid_params"
    ]


@pytest.mark.parametrize("operation", BODY_OPERATIONS, ids=[str(op) for op in BODY_OPERATIONS])
def test_values_of_the_wrong_type_are_refused_not_coerced(
    operation: Operation, api: TestClient, world: World
) -> None:
    valid = request_for(operation, world.ids()).json
    for field, value in valid.items():
        response = _post(api, operation, world, {**valid, field: _wrong_type(value)})
        assert response.status_code == 422, f"{field}: {response.text}"
        names = {param["name"] for param in response.json()["invalid_params"]}
        assert any(name == field or name.startswith(f"{field}.") for name in names), names


@pytest.mark.parametrize(
    ("answer", "field"),
    [
        ({"target_party_id": False, "item_id": "prop_1", "value": 4}, "answers.0.target_party_id"),
        ({"target_party_id": 1, "item_id": "prop_1", "value": True}, "answers.0.value"),
        ({"target_party_id": 1, "item_id": "prop_1", "value": "4"}, "answers.0.value"),
        ({"target_party_id": 1, "item_id": 7, "value": 4}, "answers.0.item_id"),
        ({"target_party_id": 1, "item_id": "prop_1", "value": 4, "note": "x"}, "answers.0.note"),
        ({"target_party_id": 1, "item_id": "prop_1"}, "answers.0.value"),
    ],
)
def test_nested_answers_are_strict_too(
    api: TestClient, world: World, answer: dict[str, Any], field: str
) -> None:
    token = world.ids()["token"]
    response = api.post(
        f"/invitations/{token}/responses",
        headers=world.caller.headers,
        json={"answers": [answer], "final": False},
    )
    assert response.status_code == 422
    assert field in {param["name"] for param in response.json()["invalid_params"]}


def test_malformed_json_is_a_400_problem(api: TestClient, world: World) -> None:
    response = api.post(
        "/collaborations",
        headers={**world.caller.headers, "Content-Type": "application/json"},
        content=b'{"name": "unterminated',
    )
    assert response.status_code == 400
    assert response.json()["title"] == "Malformed request"


@pytest.mark.parametrize("value", [0, 1767225600, True])
def test_round_times_given_as_numbers_are_refused(
    api: TestClient, world: World, value: object
) -> None:
    response = api.post(
        f"/collaborations/{world.ids()['collaboration_id']}/rounds",
        headers=world.caller.headers,
        json={"label": "Later", "questionnaire_id": world.questionnaire_id, "opens_at": value},
    )
    assert response.status_code == 422
    assert "opens_at" in {param["name"] for param in response.json()["invalid_params"]}


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/collaborations", {"name": "Gemeente\u0000X"}, "name"),
        ("/questionnaires", {"key": "k", "title": {"nl": "a", "en": "b\u0000"}}, "title.en"),
        (
            "/webhooks",
            {"url": "https://hooks.example.org/\u0000", "events": ["round.closed"]},
            "url",
        ),
    ],
)
def test_text_with_nul_characters_is_refused_by_name(
    api: TestClient, world: World, path: str, body: dict[str, Any], field: str
) -> None:
    response = api.post(path, headers=world.caller.headers, json=body)
    assert response.status_code == 422
    assert response.json()["invalid_params"] == [
        {"name": field, "reason": "contains a NUL character"}
    ]


def test_nul_in_a_nested_answer_is_named(api: TestClient, world: World) -> None:
    answer = {"target_party_id": 1, "item_id": "prop\u00001", "value": 4}
    response = api.post(
        f"/invitations/{world.ids()['token']}/responses",
        headers=world.caller.headers,
        json={"answers": [answer], "final": False},
    )
    assert response.status_code == 422
    assert response.json()["invalid_params"][0]["name"] == "answers.0.item_id"


@pytest.mark.parametrize("query", ["limt=5", "page=2&limit=5", "=x"])
def test_unknown_query_parameters_are_refused_by_name(
    api: TestClient, world: World, query: str
) -> None:
    response = api.get(f"/collaborations?{query}", headers=world.caller.headers)
    assert response.status_code == 422
    names = {param["name"] for param in response.json()["invalid_params"]}
    assert names == {part.split("=")[0] for part in query.split("&")} - {"limit"}


@pytest.mark.parametrize(("sent", "accepted"), [(5.0, True), (5.5, False), ("5", False)])
def test_a_whole_number_written_as_a_float_counts_as_that_number_inside_a_body(
    client: TestClient, session: Session, settings: Settings, sent: Any, accepted: bool
) -> None:
    world = make_open_collaboration(session, settings=settings)
    headers = {
        "Authorization": f"Bearer {make_api_key(session, organisation_id=world.organisation_id)}"
    }
    token = world.invitations[0].token
    target = world.invitations[0].invitation.target_party_ids[0]
    body = {"answers": [{"target_party_id": target, "item_id": "prop_1", "value": sent}]}

    response = client.post(f"/api/v1/invitations/{token}/responses", json=body, headers=headers)

    if accepted:
        assert response.status_code == 200, response.text
        session.rollback()
        stored = session.exec(select(Response)).one()
        assert stored.answers == {"prop_1": 5} and type(stored.answers["prop_1"]) is int
    else:
        assert response.status_code == 422
        fields = [problem["name"] for problem in response.json()["invalid_params"]]
        assert fields == ["answers.0.value"]
        session.rollback()
        assert session.exec(select(Response)).all() == []
