"""Placing scores in the Smart Trust matrix, cut-offs and borderline cases."""

from __future__ import annotations

import pytest

from app.scoring.scores import score_response
from app.scoring.zones import Zone, ZoneRules, classify, is_borderline
from tests.scoring.factories import definition


@pytest.mark.parametrize(
    ("propensity", "analysis", "zone"),
    [
        (80.0, 20.0, Zone.BLIND_TRUST),
        (80.0, 80.0, Zone.SMART_TRUST),
        (20.0, 20.0, Zone.NO_TRUST),
        (20.0, 80.0, Zone.DISTRUST),
        (50.0, 50.0, Zone.NO_TRUST),
        (50.0, 50.1, Zone.DISTRUST),
        (50.1, 50.0, Zone.BLIND_TRUST),
        (100.0, 0.0, Zone.BLIND_TRUST),
        (None, 80.0, None),
        (80.0, None, None),
        (None, None, None),
    ],
)
def test_classify(propensity: float | None, analysis: float | None, zone: Zone | None) -> None:
    assert classify(propensity, analysis) == zone


def test_wholly_neutral_respondent_lands_in_no_trust() -> None:
    questionnaire = definition()
    scores = score_response(questionnaire, dict.fromkeys(questionnaire.item_ids, 4))
    assert classify(scores.propensity, scores.analysis) is Zone.NO_TRUST


def test_too_few_answers_gives_no_zone() -> None:
    scores = score_response(definition(), {"p1": 7, "a1": 7, "a2": 7})
    assert scores.propensity is None
    assert classify(scores.propensity, scores.analysis) is None


def test_cutoffs_are_configurable() -> None:
    rules = ZoneRules(propensity_cutoff=60.0, analysis_cutoff=40.0)
    assert classify(55.0, 45.0, rules) is Zone.DISTRUST
    assert classify(60.0, 40.0, rules) is Zone.NO_TRUST


@pytest.mark.parametrize(
    ("propensity", "analysis", "borderline"),
    [
        (55.0, 90.0, True),
        (45.0, 90.0, True),
        (90.0, 55.0, True),
        (90.0, 45.0, True),
        (55.01, 90.0, False),
        (44.99, 10.0, False),
        (50.0, 50.0, True),
        (90.0, 10.0, False),
        (None, 50.0, False),
        (50.0, None, False),
    ],
)
def test_borderline_is_inclusive(
    propensity: float | None, analysis: float | None, borderline: bool
) -> None:
    assert is_borderline(propensity, analysis) is borderline


def test_borderline_margin_is_configurable() -> None:
    rules = ZoneRules(borderline_margin=10.0)
    assert is_borderline(60.0, 0.0, rules)
    assert not is_borderline(60.0, 0.0)


def test_zone_values_are_the_api_strings() -> None:
    assert [z.value for z in Zone] == ["blind_trust", "smart_trust", "no_trust", "distrust"]
    assert Zone("distrust") is Zone.DISTRUST
