"""Validating answers and scoring one response."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.scoring.scores import (
    AnswerError,
    AnswerProblem,
    min_answered,
    score_response,
    validate_answers,
)
from tests.scoring.factories import definition

SEVEN = definition()
FIVE = definition(low=1, high=5)
REVERSED = definition(reverse=("p3",))


def answers(value: int | None, *prefixes: str) -> dict[str, int | None]:
    return {f"{p}{n}": value for p in prefixes for n in (1, 2, 3)}


@pytest.mark.parametrize(
    ("given_answers", "expected"),
    [
        ({}, []),
        ({"p1": None, "a1": 7, "x3": 1}, []),
        ({"zz": 3}, [AnswerProblem("zz", "unknown item 'zz'")]),
        ({"p1": 8}, [AnswerProblem("p1", "answer 8 is outside the range 1 to 7")]),
        ({"p1": 0}, [AnswerProblem("p1", "answer 0 is outside the range 1 to 7")]),
        (
            {"p1": True},
            [AnswerProblem("p1", "answer must be a whole number from 1 to 7, got True")],
        ),
        ({"p1": 3.0}, [AnswerProblem("p1", "answer must be a whole number from 1 to 7, got 3.0")]),
        ({"p1": "3"}, [AnswerProblem("p1", "answer must be a whole number from 1 to 7, got '3'")]),
    ],
)
def test_validate_answers(given_answers: dict, expected: list[AnswerProblem]) -> None:
    assert validate_answers(SEVEN, given_answers) == expected


@pytest.mark.parametrize(
    ("k", "needed"), [(1, 1), (2, 2), (3, 2), (4, 3), (5, 4), (6, 4), (9, 6), (10, 7)]
)
def test_min_answered_is_ceiling_of_two_thirds(k: int, needed: int) -> None:
    assert min_answered(k) == needed


@pytest.mark.parametrize(
    ("given_answers", "scale", "expected"),
    [
        (answers(4, "p", "a", "x"), "propensity", 50.0),
        (answers(1, "p"), "propensity", 0.0),
        (answers(7, "p"), "propensity", 100.0),
        ({"p1": 7, "p2": 4}, "propensity", 75.0),
        ({"p1": 7, "p2": None, "p3": None}, "propensity", None),
        ({"p1": 7}, "propensity", None),
        ({}, "area", None),
        ({"x1": 2, "x2": 3, "x3": 4}, "area", (3 - 1) / 6 * 100),
    ],
)
def test_scale_scores_on_seven_points(
    given_answers: dict, scale: str, expected: float | None
) -> None:
    assert score_response(SEVEN, given_answers).scales[scale] == pytest.approx(expected)


@pytest.mark.parametrize(
    ("given_answers", "expected"),
    [(answers(3, "p"), 50.0), (answers(5, "p"), 100.0), ({"p1": 2, "p2": 4}, 50.0)],
)
def test_scale_scores_on_five_points(given_answers: dict, expected: float) -> None:
    assert score_response(FIVE, given_answers).propensity == expected


def test_reverse_keyed_item_is_mirrored() -> None:
    # p3 is reverse-keyed: a 1 on it counts as a 7.
    scores = score_response(REVERSED, {"p1": 7, "p2": 7, "p3": 1})
    assert scores.propensity == 100.0
    assert score_response(REVERSED, {"p3": 7, "p1": 1}).propensity == 0.0


def test_neutral_score_is_exactly_fifty() -> None:
    scores = score_response(SEVEN, answers(4, "p", "a"))
    assert scores.propensity == 50.0
    assert scores.analysis == 50.0


def test_unknown_items_are_ignored_when_scoring() -> None:
    assert score_response(SEVEN, {**answers(7, "p"), "zz": 99}).propensity == 100.0


def test_invalid_values_are_refused_when_scoring() -> None:
    with pytest.raises(AnswerError) as caught:
        score_response(SEVEN, {"p1": 9})
    assert caught.value.problems == [AnswerProblem("p1", "answer 9 is outside the range 1 to 7")]


def test_every_scale_gets_a_key() -> None:
    assert set(score_response(SEVEN, {}).scales) == {"propensity", "analysis", "area"}


answer_value = st.one_of(st.none(), st.integers(1, 7))
item_ids = [f"{p}{n}" for p in "pax" for n in (1, 2, 3)]
any_answers = st.fixed_dictionaries({i: answer_value for i in item_ids})


@given(any_answers)
def test_scores_stay_within_0_and_100(given_answers: dict[str, int | None]) -> None:
    for value in score_response(REVERSED, given_answers).scales.values():
        assert value is None or 0.0 <= value <= 100.0


@given(any_answers)
def test_reversing_every_answer_mirrors_the_score(given_answers: dict[str, int | None]) -> None:
    flipped = {k: None if v is None else 8 - v for k, v in given_answers.items()}
    original = score_response(SEVEN, given_answers).scales
    mirrored = score_response(SEVEN, flipped).scales
    for key, value in original.items():
        if value is None:
            assert mirrored[key] is None
        else:
            assert mirrored[key] == pytest.approx(100.0 - value)
