"""Questionnaire forms: the pulse form, kind-limited items, headings and the meta role."""

from __future__ import annotations

import pytest

from app.scoring.definition_rules import DefinitionError
from app.scoring.forms import short_form_problems
from app.scoring.questionnaire import load_definition
from app.scoring.scores import score_response, validate_answers
from app.scoring.smart_trust_pulse import smart_trust_pulse
from app.scoring.smart_trust_v2 import smart_trust_v2
from tests.scoring.factories import definition, definition_data, text

FULL = smart_trust_v2()
PULSE = smart_trust_pulse()


def test_pulse_form_is_a_short_form_of_the_full_form() -> None:
    assert PULSE.key == "smart-trust-pulse"
    assert short_form_problems(FULL, PULSE) == []


@pytest.mark.parametrize("kind", ["client", "contractor", "partner", "other"])
def test_pulse_form_asks_at_most_twenty_statements_per_target(kind: str) -> None:
    asked = [item for item in PULSE.items if item.fits(kind)]
    assert len(asked) <= 20
    for scale in PULSE.scales:
        need = 3 if scale.role in ("propensity", "analysis") else 2
        assert len(PULSE.items_for(scale.key, kind)) >= need


def test_a_short_form_with_a_changed_item_or_too_few_items_is_refused() -> None:
    data = definition_data(key="short")
    data["items"] = [item for item in data["items"] if item["id"] != "x3"]
    data["items"][0] = {**data["items"][0], "reverse": True}
    problems = short_form_problems(definition(), load_definition(data))
    assert "item 'p1' is not the full form's item" in problems
    assert "scale 'area' has 2 items about a client; 2" not in problems
    data["items"] = [item for item in data["items"] if item["id"] != "x2"]
    problems = short_form_problems(definition(), load_definition(data))
    assert "scale 'area' has 1 items about a client; 2" in problems


def _same_answers(value_of: dict[str, int]) -> tuple[dict[str, float | None], ...]:
    full = score_response(FULL, value_of, target_kind="contractor").scales
    pulse_answers = {k: v for k, v in value_of.items() if k in PULSE.item_ids}
    pulse = score_response(PULSE, pulse_answers, target_kind="contractor").scales
    return full, pulse


def test_full_and_pulse_response_with_the_same_answers_score_the_same_when_consistent() -> None:
    # Someone who answers every statement of a scale alike (reverse keyed mirrored) gets the
    # same scale score on either form: the pulse keeps the full form's scale rule.
    answers = {
        item.id: (2 if item.reverse else 6) for item in FULL.items if item.fits("contractor")
    }
    full, pulse = _same_answers(answers)
    for key in pulse:
        assert pulse[key] == pytest.approx(full[key])
        assert full[key] == pytest.approx(500 / 6)
    assert "meta" not in pulse and full["meta"] == pytest.approx(500 / 6)


def test_pulse_scale_needs_two_thirds_of_the_items_asked() -> None:
    # Propensity on the pulse has 3 items: 2 answered is enough, 1 is not.
    two = {"prop_1": 7, "prop_2": 7}
    assert score_response(PULSE, two, target_kind="client").propensity == 100.0
    assert score_response(PULSE, {"prop_1": 7}, target_kind="client").propensity is None
    # The same two answers on the full form (6 items, 4 needed) give no score.
    assert score_response(FULL, two, target_kind="client").propensity is None


def test_kind_limited_items_are_not_asked_and_the_scale_rule_counts_what_was_asked() -> None:
    client_items = FULL.items_for("capabilities", "client")
    assert [item.id for item in client_items] == ["capab_3", "capab_4"]
    # About a client, capab_3 and capab_4 are the whole scale: both answered gives a score.
    scores = score_response(FULL, {"capab_3": 7, "capab_4": 1}, target_kind="client")
    assert scores.scales["capabilities"] == 50.0
    # About a contractor, capab_4 was never asked, and one of three items is too few.
    scores = score_response(FULL, {"capab_3": 7, "capab_4": 1}, target_kind="contractor")
    assert scores.scales["capabilities"] is None


def test_answering_an_item_not_asked_about_that_kind_of_party_is_refused() -> None:
    problems = validate_answers(FULL, {"capab_1": 5}, target_kind="client")
    assert [p.message for p in problems] == ["unknown item 'capab_1' for a party of kind 'client'"]
    assert validate_answers(FULL, {"capab_1": 5}, target_kind="contractor") == []


def test_no_respondent_heading_names_a_construct() -> None:
    titles = {s.title.nl for s in FULL.scales} | {s.title.en for s in FULL.scales}
    for scale in FULL.scales:
        assert scale.heading is not None
        for heading in (scale.heading.nl, scale.heading.en):
            assert "{party}" in heading
            assert not any(title in heading for title in titles)


def _problems(**overrides: object) -> list[tuple[str, str]]:
    with pytest.raises(DefinitionError) as caught:
        load_definition(definition_data(**overrides))
    return [(p.path, p.message) for p in caught.value.problems]


def test_definition_refuses_unknown_and_duplicate_kinds() -> None:
    data = definition_data()
    data["items"][6]["target_kinds"] = ["client", "client"]
    with pytest.raises(DefinitionError) as caught:
        load_definition(data)
    paths = {p.path: p.message for p in caught.value.problems}
    assert paths["items[6].target_kinds[1]"] == "duplicate kind 'client'"
    data["items"][6]["target_kinds"] = ["supplier"]
    with pytest.raises(DefinitionError) as caught:
        load_definition(data)
    paths = {p.path: p.message for p in caught.value.problems}
    assert "'client'" in paths["items[6].target_kinds[0]"]


def test_definition_refuses_a_scale_without_items_for_some_kind() -> None:
    data = definition_data()
    for item in data["items"][6:]:
        item["target_kinds"] = ["contractor"]
    with pytest.raises(DefinitionError) as caught:
        load_definition(data)
    assert (
        "scales[2]",
        "scale 'area' has no item for target parties of kind 'client', 'partner', 'other'",
    ) in [(p.path, p.message) for p in caught.value.problems]


def test_definition_allows_one_meta_scale_and_refuses_two() -> None:
    data = definition_data()
    data["scales"] += [
        {"key": "meta", "role": "meta", "title": text("meta")},
        {"key": "meta2", "role": "meta", "title": text("meta2")},
    ]
    data["items"] += [
        {"id": "m1", "scale": "meta", "text": text("m1")},
        {"id": "m2", "scale": "meta2", "text": text("m2")},
    ]
    with pytest.raises(DefinitionError) as caught:
        load_definition(data)
    assert ("scales", "2 scales have role 'meta'; at most one is allowed") in [
        (p.path, p.message) for p in caught.value.problems
    ]
    data["scales"].pop()
    data["items"].pop()
    loaded = load_definition(data)
    assert loaded.meta_scale is not None and loaded.meta_scale.key == "meta"


def test_comment_prompt_needs_both_languages() -> None:
    problems = _problems(comment_prompt={"nl": "Wat zou helpen bij {party}?"})
    assert ("comment_prompt.en", "missing translation 'en'") in problems
