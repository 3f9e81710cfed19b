"""The perception gap: golden cases, and suppression carried over from the aggregate."""

from __future__ import annotations

import pytest

from app.scoring.aggregate import AggregationRules, RespondentTargetScores, aggregate_round
from app.scoring.figures import ScaleRoles
from app.scoring.perception import perception_gaps

ROLES = ScaleRoles("prop", "anal", (), meta="meta")


def people(truster: str, target: str, rows: list[tuple[float, float, float | None]]):
    return [
        RespondentTargetScores(f"{truster}{i}", truster, target, {"prop": p, "anal": a, "meta": m})
        for i, (p, a, m) in enumerate(rows)
    ]


def gaps(rows, invited, k=3):
    aggregate = aggregate_round(rows, invited=invited, roles=ROLES, rules=AggregationRules(k=k))
    return perception_gaps(aggregate)


def test_gap_is_expected_trust_minus_the_other_sides_propensity() -> None:
    # A thinks B trusts it at 80 on average; B's propensity towards A is 50: A overestimates.
    a_about_b = people("A", "B", [(60, 40, 70), (60, 40, 80), (60, 40, 90)])
    b_about_a = people("B", "A", [(40, 70, 20), (50, 60, 30), (60, 50, 40)])
    found = gaps(a_about_b + b_about_a, {"A": 3, "B": 3})
    ab = found[("A", "B")]
    assert ab.expected is not None and ab.expected.mean == pytest.approx(80)
    assert ab.seen_propensity is not None and ab.seen_propensity.mean == pytest.approx(50)
    assert ab.seen_analysis is not None and ab.seen_analysis.mean == pytest.approx(60)
    assert ab.gap == pytest.approx(30)
    assert ab.suppressed is False
    # B thinks A trusts it at 30; A's propensity towards B is 60: B underestimates.
    assert found[("B", "A")].gap == pytest.approx(-30)


def test_no_gap_when_the_other_side_is_below_k() -> None:
    a_about_b = people("A", "B", [(60, 40, 70), (60, 40, 80), (60, 40, 90)])
    b_about_a = people("B", "A", [(40, 70, 20), (50, 60, 30)])
    found = gaps(a_about_b + b_about_a, {"A": 3, "B": 2})
    ab = found[("A", "B")]
    assert ab.suppressed is True
    assert (ab.seen_propensity, ab.seen_analysis, ab.gap) == (None, None, None)
    # B's own expectation rests on two people: withheld too.
    ba = found[("B", "A")]
    assert (ba.expected, ba.gap, ba.suppressed) == (None, None, True)


def test_no_gap_when_too_few_answered_the_meta_items() -> None:
    # Three A respondents, but only two gave a meta score: the expectation is withheld.
    a_about_b = people("A", "B", [(60, 40, 70), (60, 40, 80), (60, 40, None)])
    b_about_a = people("B", "A", [(40, 70, 20), (50, 60, 30), (60, 50, 40)])
    ab = gaps(a_about_b + b_about_a, {"A": 3, "B": 3})[("A", "B")]
    assert ab.expected is None and ab.gap is None
    assert ab.seen_propensity is not None and ab.seen_propensity.mean == pytest.approx(50)


def test_questionnaire_without_meta_scale_gives_no_expectation() -> None:
    roles = ScaleRoles("prop", "anal")
    rows = people("A", "B", [(60, 40, None)] * 3) + people("B", "A", [(50, 50, None)] * 3)
    aggregate = aggregate_round(rows, invited={"A": 3, "B": 3}, roles=roles)
    ab = perception_gaps(aggregate)[("A", "B")]
    assert ab.expected is None and ab.gap is None and ab.suppressed is False
