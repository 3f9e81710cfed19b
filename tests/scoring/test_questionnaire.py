"""Loading questionnaire definitions: every problem is reported with its path."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from app.scoring.questionnaire import DefinitionError, DefinitionProblem, load_definition
from tests.scoring.factories import definition_data, text


def problems_of(data: dict[str, Any]) -> list[DefinitionProblem]:
    with pytest.raises(DefinitionError) as caught:
        load_definition(data)
    return caught.value.problems


def changed(**overrides: Any) -> dict[str, Any]:
    return definition_data(**overrides)


def with_item(index: int, **fields: Any) -> dict[str, Any]:
    data = definition_data()
    data["items"][index] = {**data["items"][index], **fields}
    return data


def without_translation(index: int, language: str) -> dict[str, Any]:
    data = definition_data()
    del data["items"][index]["text"][language]
    return data


def blank_translation(index: int, language: str) -> dict[str, Any]:
    data = definition_data()
    data["items"][index]["text"][language] = "  "
    return data


def scales_with(*roles: str) -> list[dict[str, Any]]:
    return [{"key": f"s{i}", "role": role, "title": text("s")} for i, role in enumerate(roles)]


def items_for(count: int) -> list[dict[str, Any]]:
    return [{"id": f"i{i}", "scale": f"s{i}", "text": text("i")} for i in range(count)]


CASES = [
    ("duplicate item id", with_item(1, id="p1"), "items[1].id", "duplicate item id 'p1'"),
    (
        "duplicate scale key",
        changed(
            scales=[
                *definition_data()["scales"],
                {"key": "area", "role": "area", "title": text("again")},
            ]
        ),
        "scales[3].key",
        "duplicate scale key 'area'",
    ),
    ("unknown scale", with_item(0, scale="nope"), "items[0].scale", "unknown scale 'nope'"),
    (
        "scale without items",
        changed(
            scales=[
                *definition_data()["scales"],
                {"key": "empty", "role": "area", "title": text("e")},
            ]
        ),
        "scales[3]",
        "scale 'empty' has no items",
    ),
    (
        "no propensity",
        changed(scales=scales_with("area", "analysis"), items=items_for(2)),
        "scales",
        "no scale has role 'propensity'",
    ),
    (
        "two propensity",
        changed(scales=scales_with("propensity", "propensity", "analysis"), items=items_for(3)),
        "scales",
        "2 scales have role 'propensity'",
    ),
    (
        "no analysis",
        changed(scales=scales_with("propensity", "area"), items=items_for(2)),
        "scales",
        "no scale has role 'analysis'",
    ),
    (
        "two analysis",
        changed(scales=scales_with("propensity", "analysis", "analysis"), items=items_for(3)),
        "scales",
        "2 scales have role 'analysis'",
    ),
    ("two-point range", changed(low=1, high=2), "range", "at least 3 points"),
    ("reversed range", changed(low=5, high=1), "range", "at least 3 points"),
    (
        "missing translation",
        without_translation(3, "en"),
        "items[3].text.en",
        "missing translation",
    ),
    ("empty translation", blank_translation(3, "nl"), "items[3].text.nl", "translation is empty"),
    ("unknown field", changed(colour="red"), "colour", "unknown field"),
    ("missing field", with_item(2, text=None), "items[2].text", ""),
    ("string for int", changed(version="1"), "version", "valid integer"),
    ("bad role", changed(scales=scales_with("mood")), "scales[0].role", "'propensity'"),
    ("bad id", with_item(0, id="has space"), "items[0].id", "pattern"),
    (
        "anchor outside range",
        changed(anchors=[{"value": 9, "label": text("nine")}]),
        "anchors[0].value",
        "outside 1..7",
    ),
]


@pytest.mark.parametrize(
    ("data", "path", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_definition_problem_is_reported_with_path_and_message(
    data: dict[str, Any], path: str, message: str
) -> None:
    problems = problems_of(data)
    assert any(p.path == path and message in p.message for p in problems), problems


def test_every_consistency_problem_is_reported_at_once() -> None:
    data = with_item(1, id="p1")
    data["items"][4]["scale"] = "ghost"
    paths = {p.path for p in problems_of(data)}
    assert {"items[1].id", "items[4].scale"} <= paths


def test_error_message_names_the_problems() -> None:
    with pytest.raises(DefinitionError, match=r"items\[1\]\.id: duplicate item id"):
        load_definition(with_item(1, id="p1"))


def test_definition_error_is_a_value_error() -> None:
    assert issubclass(DefinitionError, ValueError)


def test_non_mapping_is_refused() -> None:
    with pytest.raises(DefinitionError):
        load_definition([1, 2])  # type: ignore[arg-type]


def test_json_dump_round_trips() -> None:
    data = definition_data(reverse=("p2",), anchors=[{"value": 1, "label": text("low")}])
    loaded = load_definition(data)
    again = load_definition(loaded.model_dump(mode="json"))
    assert again == loaded
    assert again.item("p2").reverse


def test_input_is_not_mutated() -> None:
    data = definition_data()
    before = copy.deepcopy(data)
    load_definition(data)
    assert data == before


def test_helpers_find_scales_and_items() -> None:
    loaded = load_definition(definition_data())
    assert loaded.propensity_scale.key == "propensity"
    assert loaded.analysis_scale.key == "analysis"
    assert [s.key for s in loaded.area_scales] == ["area"]
    assert [i.id for i in loaded.items_of("analysis")] == ["a1", "a2", "a3"]
    assert loaded.item_ids[:2] == ["p1", "p2"]
    assert loaded.scale("area").role == "area"
    assert loaded.range.points == [1, 2, 3, 4, 5, 6, 7]
    with pytest.raises(KeyError):
        loaded.item("zz")
    with pytest.raises(KeyError):
        loaded.scale("zz")


def test_definition_is_frozen() -> None:
    loaded = load_definition(definition_data())
    with pytest.raises(ValueError):
        loaded.key = "other"  # type: ignore[misc]


def test_localized_text_falls_back_to_english() -> None:
    loaded = load_definition(definition_data())
    assert loaded.title.get("nl") == "Test (nl)"
    assert loaded.title.get("de") == "Test (en)"
