"""/questionnaires: the built-in one, custom versions validated by path, published ones fixed."""

import copy
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.api.v1.questionnaires import EXAMPLE_DEFINITION
from app.models import Questionnaire
from tests.api.conftest import Caller, make_caller


def _definition(**changes: Any) -> dict[str, Any]:
    definition = copy.deepcopy(EXAMPLE_DEFINITION)
    definition.update(changes)
    return definition


def test_the_builtin_questionnaire_is_listed_with_its_structure(
    api: TestClient, caller: Caller
) -> None:
    builtins = api.get("/questionnaires", headers=caller.headers).json()["items"]
    assert [(b["key"], b["version"], b["builtin"]) for b in builtins] == [
        ("smart-trust", 1, True),
        ("smart-trust", 2, True),
        ("smart-trust-pulse", 1, True),
    ]
    builtin = builtins[0]
    assert (builtin["min"], builtin["max"]) == (1, 7)
    assert {s["role"] for s in builtin["scales"]} == {"propensity", "analysis", "area"}
    assert len(builtin["items"]) == 36 and {"id", "scale", "reverse", "text"} <= set(
        builtin["items"][0]
    )
    one = api.get(f"/questionnaires/{builtin['id']}", headers=caller.headers).json()
    assert one == builtin


def test_a_custom_questionnaire_is_published_and_then_immutable(
    api: TestClient, caller: Caller, session: Session
) -> None:
    created = api.post("/questionnaires", headers=caller.headers, json=_definition())
    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["key"], body["version"], body["builtin"]) == ("short-trust", 1, False)
    again = api.post(
        "/questionnaires", headers=caller.headers, json=_definition(title={"nl": "X", "en": "Y"})
    )
    assert again.status_code == 409
    assert "immutable" in again.json()["detail"]
    stored = session.exec(select(Questionnaire).where(Questionnaire.key == "short-trust")).one()
    assert stored.definition["title"] == EXAMPLE_DEFINITION["title"]
    newer = api.post("/questionnaires", headers=caller.headers, json=_definition(version=2))
    assert newer.status_code == 201


def _break(definition: dict[str, Any], where: str, value: Any) -> dict[str, Any]:
    """Set (or with ... delete) the value at a dotted path like `items.3.text.en`."""
    *parents, last = where.split(".")
    node: Any = definition
    for part in parents:
        node = node[int(part)] if part.isdigit() else node[part]
    key: Any = int(last) if last.isdigit() else last
    if value is ...:
        del node[key]
    else:
        node[key] = value
    return definition


@pytest.mark.parametrize(
    ("where", "value", "path", "message"),
    [
        ("items.3.text.en", ..., "items[3].text.en", "missing translation 'en'"),
        ("items.3.text.en", " ", "items[3].text.en", "translation is empty"),
        ("items.1.scale", "trust", "items[1].scale", "unknown scale 'trust'"),
        ("items.2.id", "p1", "items[2].id", "duplicate item id 'p1'"),
        ("items.0.reverse", "yes", "items[0].reverse", "Input should be a valid boolean"),
        ("items.0.colour", "blue", "items[0].colour", "unknown field"),
        ("range.max", 2, "range", "range must have at least 3 points"),
        ("scales.1.role", "area", "scales", "no scale has role 'analysis'"),
        ("key", "has space", "key", "String should match pattern"),
        ("version", 0, "version", "Input should be greater than or equal to 1"),
        ("version", "1", "version", "Input should be a valid integer"),
        ("anchors", [{"value": 9, "label": {"nl": "x", "en": "x"}}], "anchors[0].value", "outside"),
    ],
)
def test_validation_errors_point_at_the_problem(
    api: TestClient,
    caller: Caller,
    session: Session,
    where: str,
    value: Any,
    path: str,
    message: str,
) -> None:
    response = api.post(
        "/questionnaires", headers=caller.headers, json=_break(_definition(), where, value)
    )
    assert response.status_code == 422, response.text
    params = response.json()["invalid_params"]
    assert any(p["name"] == path and message in p["reason"] for p in params), params
    assert session.exec(select(Questionnaire).where(Questionnaire.key == "short-trust")).all() == []


def test_every_problem_is_reported_at_once(api: TestClient, caller: Caller) -> None:
    definition = _definition()
    _break(definition, "items.0.text.nl", ...)
    _break(definition, "items.3.id", "no spaces please")
    _break(definition, "range.min", "1")
    response = api.post("/questionnaires", headers=caller.headers, json=definition)
    names = {p["name"] for p in response.json()["invalid_params"]}
    assert names == {"items[0].text.nl", "items[3].id", "range.min"}


def test_another_organisations_version_does_not_block_yours(
    api: TestClient, caller: Caller, session: Session
) -> None:
    other = make_caller(session, name="Elders")
    assert api.post("/questionnaires", headers=other.headers, json=_definition()).status_code == 201
    assert (
        api.post("/questionnaires", headers=caller.headers, json=_definition()).status_code == 201
    )


def test_an_unknown_questionnaire_is_404(api: TestClient, caller: Caller) -> None:
    response = api.get("/questionnaires/4242", headers=caller.headers)
    assert response.status_code == 404
    assert response.json()["detail"] == "No questionnaire 4242 in your organisation."
