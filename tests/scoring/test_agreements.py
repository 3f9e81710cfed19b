"""An agreement's figures: whose view of whom counts, the area before and after, and the
partners' verdict, each hidden under the anonymity threshold exactly like every other figure."""

from __future__ import annotations

import pytest

from app.scoring.aggregate import RespondentTargetScores, aggregate_round
from app.scoring.agreements import area_score, relationship_pairs, verdict
from app.scoring.figures import ScaleRoles

ROLES = ScaleRoles(propensity="propensity", analysis="analysis", areas=("commitments",))


@pytest.mark.parametrize(
    ("committing", "target", "pairs"),
    [
        # The target's view of the party that committed.
        (["B"], "A", {("A", "B")}),
        # Two parties commit to each other: each one's view of the other.
        (["A", "B"], None, {("A", "B"), ("B", "A")}),
        # Two commit towards a third: every involved party's view of each committing one.
        (["A", "B"], "C", {("A", "B"), ("C", "B"), ("B", "A"), ("C", "A")}),
        # One party, no target: every other party's view of it.
        (["B"], None, {("A", "B"), ("C", "B")}),
    ],
)
def test_the_relationship_is_the_involved_parties_view_of_who_committed(
    committing: list[str], target: str | None, pairs: set[tuple[str, str]]
) -> None:
    assert relationship_pairs(committing, target, ["A", "B", "C"]) == pairs


@pytest.mark.parametrize(
    ("answers", "shown"),
    [
        # k = 3 ratings: shown, with the don't-knows counted beside them.
        ([5, 4, 3, None], (3, 1, 4.0)),
        ([2, 2, 2], (3, 0, 2.0)),
        # Two ratings are fewer than k, whatever else was answered.
        ([5, 4], None),
        ([5, 4, None, None], None),
        # Fewer than k answers at all: even the don't-know count is a figure about a group.
        ([None, None], None),
        ([None], None),
    ],
)
def test_the_verdict_is_hidden_under_k(
    answers: list[int | None], shown: tuple[int, int, float] | None
) -> None:
    found = verdict(answers, k=3)
    if shown is None:
        assert found.suppressed
        assert (found.n, found.dont_know, found.mean) == (None, None, None)
    else:
        assert not found.suppressed
        assert (found.n, found.dont_know, found.mean) == shown


def test_a_verdict_of_only_dont_knows_has_no_mean_but_says_how_many() -> None:
    found = verdict([None, None, None], k=3)
    assert (found.suppressed, found.n, found.dont_know, found.mean) == (False, 0, 3, None)


def test_nobody_answering_is_no_group_to_hide() -> None:
    found = verdict([], k=3)
    assert (found.suppressed, found.n, found.dont_know, found.mean) == (False, 0, 0, None)


def test_k_is_the_collaborations_own() -> None:
    assert verdict([5, 4, 3], k=4).suppressed
    assert not verdict([5, 4, 3, 2], k=4).suppressed


def rows(truster: str, target: str, values: list[float]) -> list[RespondentTargetScores]:
    return [
        RespondentTargetScores(
            participant_key=f"{truster}{number}",
            truster_party=truster,
            target_party=target,
            scales={"propensity": value, "analysis": value, "commitments": value},
        )
        for number, value in enumerate(values)
    ]


def score(
    answered: list[RespondentTargetScores], pairs: set[tuple[str, str]], k: int = 3
) -> tuple[bool, int | None, float | None]:
    aggregate = aggregate_round(answered, invited={"A": 4, "B": 4, "C": 4}, roles=ROLES)
    found = area_score(aggregate, answered, pairs=pairs, measure="commitments", roles=ROLES, k=k)
    mean = found.summary.mean if found.summary else None
    return found.suppressed, found.n, mean


def test_the_area_is_the_mean_over_the_relationships_respondents() -> None:
    answered = rows("A", "B", [40, 50, 60]) + rows("C", "B", [90, 90, 90])
    assert score(answered, {("A", "B")}) == (False, 3, 50.0)
    # B's view of A, and C's view of B, are not this relationship.
    assert score(answered + rows("B", "A", [0, 0, 0]), {("A", "B")}) == (False, 3, 50.0)


def test_an_area_over_fewer_than_k_respondents_is_hidden() -> None:
    assert score(rows("A", "B", [40, 60]), {("A", "B")}) == (True, None, None)


def test_a_group_that_would_give_a_hidden_pair_back_is_hidden_too() -> None:
    # A's view of B rests on 2 people (hidden on the dashboard); with C's 3 the group has 5,
    # but showing it beside C's own figure would give A's two answers back.
    answered = rows("A", "B", [10, 20]) + rows("C", "B", [70, 80, 90])
    found = area_score(
        aggregate_round(answered, invited={"A": 4, "B": 4, "C": 4}, roles=ROLES),
        answered,
        pairs={("A", "B"), ("C", "B")},
        measure="commitments",
        roles=ROLES,
        k=3,
    )
    assert found.suppressed and found.complementary and found.summary is None
