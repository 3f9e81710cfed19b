"""Round aggregates: pairs, party roll-ups, zones, and what anonymity hides."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.scoring.aggregate import (
    AggregationRules,
    PartyAggregate,
    RespondentTargetScores,
    RoundAggregate,
    aggregate_round,
)
from app.scoring.figures import ScaleRoles
from app.scoring.smart_trust_v1 import smart_trust_v1
from app.scoring.zones import Zone, ZoneRules

ROLES = ScaleRoles("prop", "anal", ("area",))


def row(
    who: str, truster: str, target: str, prop: float | None, anal: float | None, area=None
) -> RespondentTargetScores:
    return RespondentTargetScores(who, truster, target, {"prop": prop, "anal": anal, "area": area})


def respondents(truster: str, count: int, targets: str, prop=70.0, anal=30.0, area=None):
    return [
        row(f"{truster}{i}", truster, target, prop, anal, area)
        for i in range(count)
        for target in targets
    ]


def party(result: RoundAggregate, key: str) -> PartyAggregate:
    return next(p for p in result.parties if p.party == key)


def pair(result: RoundAggregate, truster: str, target: str):
    return next(t for t in party(result, truster).targets if t.target == target)


def aggregate(rows, invited=None, **rules) -> RoundAggregate:
    invited = invited if invited is not None else {}
    return aggregate_round(rows, invited=invited, roles=ROLES, rules=AggregationRules(**rules))


def test_neutral_respondents_land_in_no_trust() -> None:
    result = aggregate(respondents("A", 4, "B", prop=50.0, anal=50.0), {"A": 4, "B": 3})
    a = party(result, "A")
    assert (a.n, a.suppressed, a.zone, a.borderline) == (4, False, Zone.NO_TRUST, True)
    assert a.propensity is not None
    assert (a.propensity.n, a.propensity.mean, a.propensity.sd) == (4, 50.0, 0.0)
    assert a.zone_counts == {
        Zone.BLIND_TRUST: 0,
        Zone.SMART_TRUST: 0,
        Zone.NO_TRUST: 4,
        Zone.DISTRUST: 0,
    }
    assert a.response_rate == 1.0
    assert pair(result, "A", "B").zone is Zone.NO_TRUST


def test_respondents_average_over_their_targets_before_the_roll_up() -> None:
    rows = [
        row("a1", "A", "B", 80.0, 60.0),
        row("a1", "A", "C", 40.0, None),
        row("a2", "A", "B", 60.0, 60.0),
        row("a2", "A", "C", None, 80.0),
        row("a3", "A", "B", 30.0, 20.0),
        row("a3", "A", "C", 30.0, 40.0),
    ]
    a = party(aggregate(rows), "A")
    assert a.propensity is not None and a.analysis is not None
    # a1: (80+40)/2 = 60, a2: 60 (C empty), a3: 30.
    assert a.propensity.mean == pytest.approx(50.0)
    # a1: 60, a2: (60+80)/2 = 70, a3: 30.
    assert a.analysis.mean == pytest.approx(160 / 3)
    assert a.zone is Zone.DISTRUST
    assert a.zone_counts == {
        Zone.BLIND_TRUST: 0,
        Zone.SMART_TRUST: 2,
        Zone.NO_TRUST: 1,
        Zone.DISTRUST: 0,
    }


def test_respondents_without_a_zone_are_counted_as_unclassified() -> None:
    rows = [*respondents("A", 3, "B", 80.0, 80.0), row("a9", "A", "B", None, 80.0)]
    a = party(aggregate(rows), "A")
    assert a.zone_counts is not None
    assert (sum(a.zone_counts.values()), a.unclassified, a.n) == (3, 1, 4)


def test_party_under_k_is_suppressed_everywhere() -> None:
    result = aggregate(
        [*respondents("A", 2, "BC"), *respondents("B", 5, "AC"), *respondents("C", 6, "AB")],
        {"A": 6, "B": 5, "C": 6},
    )
    a = party(result, "A")
    assert a.suppressed and a.n is None and a.response_rate is None
    assert (a.propensity, a.analysis, a.areas, a.zone, a.borderline, a.zone_counts) == (
        None,
        None,
        None,
        None,
        None,
        None,
    )
    assert a.invited == 6
    assert all(t.suppressed and t.n is None and t.propensity is None for t in a.targets)


def test_a_party_of_k_or_more_stays_shown_and_the_round_total_yields_instead() -> None:
    # No page shows a round total, so nothing subtracts B and C to give the hidden A back.
    result = aggregate(
        [*respondents("A", 2, "BC"), *respondents("B", 4, "AC"), *respondents("C", 6, "AB")]
    )
    a = party(result, "A")
    assert a.suppressed and a.reason == "fewer_than_k"
    b = party(result, "B")
    assert not b.suppressed and b.n == 4 and b.reason is None
    assert party(result, "C").n == 6
    total = result.round_total
    assert total.suppressed and total.n is None and total.reason == "complementary"


def test_two_parties_of_four_and_two_hide_only_the_small_one() -> None:
    result = aggregate([*respondents("A", 4, "B"), *respondents("B", 2, "A")])
    assert not party(result, "A").suppressed and party(result, "A").n == 4
    assert party(result, "B").suppressed and party(result, "B").reason == "fewer_than_k"


def test_a_pair_hidden_to_protect_a_smaller_pair_says_so() -> None:
    rows = [*respondents("A", 6, "B"), *respondents("A", 3, "C"), *respondents("A", 2, "D")]
    targets = {t.target: t for t in party(aggregate(rows), "A").targets}
    assert targets["B"].n == 6 and not targets["B"].suppressed
    assert targets["D"].suppressed and targets["D"].reason == "fewer_than_k"
    assert targets["C"].suppressed and targets["C"].reason == "complementary"


def test_a_shown_round_total_never_gives_a_hidden_party_back() -> None:
    result = aggregate(
        [*respondents("A", 2, "BC"), *respondents("B", 2, "AC"), *respondents("C", 6, "AB")]
    )
    assert party(result, "A").suppressed and party(result, "B").suppressed
    assert not result.round_total.suppressed and result.round_total.n == 10


def test_round_total_under_k_is_suppressed() -> None:
    result = aggregate(respondents("A", 2, "B"), {"A": 3, "B": 3})
    assert result.round_total.suppressed and result.round_total.n is None
    assert result.round_total.party is None and result.round_total.invited == 6


def test_pairs_are_suppressed_against_their_party_roll_up() -> None:
    rows = [
        *respondents("A", 5, "B"),
        *respondents("A", 2, "C"),
        *[row(f"A{i}", "A", "D", 50.0, 50.0) for i in range(4)],
        *respondents("B", 3, "A"),
    ]
    result = aggregate(rows)
    a = party(result, "A")
    assert not a.suppressed and a.n == 5
    shown = {t.target: t.n for t in a.targets if not t.suppressed}
    assert shown == {"B": 5}
    assert {t.target for t in a.targets if t.suppressed} == {"C", "D"}


def test_parties_without_responses_are_empty_not_suppressed() -> None:
    result = aggregate(respondents("A", 3, "B"), {"A": 3, "B": 4, "C": 0})
    b = party(result, "B")
    assert (b.n, b.suppressed, b.response_rate, b.propensity, b.zone) == (0, False, 0.0, None, None)
    c = party(result, "C")
    assert c.response_rate is None
    assert [t.target for t in party(result, "A").targets] == ["B", "C"]
    assert pair(result, "A", "C").n == 0


def test_a_measure_resting_on_fewer_than_k_is_withheld() -> None:
    # Five in A, but only two of them answered enough area items.
    rows = [
        row("A0", "A", "B", 70.0, 30.0, 40.0),
        row("A1", "A", "B", 70.0, 30.0, 45.0),
        *[row(f"A{i}", "A", "B", 70.0, 30.0) for i in range(2, 5)],
        *respondents("B", 3, "A", area=60.0),
    ]
    result = aggregate(rows)
    a = party(result, "A")
    assert a.n == 5 and a.areas == {}
    # No shown total gives A's area back, so B keeps its own; the round total withholds it.
    assert party(result, "B").areas is not None and party(result, "B").areas["area"].n == 3
    assert result.round_total.areas == {}


def test_areas_are_summarized() -> None:
    result = aggregate(respondents("A", 3, "B", area=60.0))
    areas = party(result, "A").areas
    assert areas is not None and areas["area"].mean == 60.0 and areas["area"].n == 3


def test_cutoffs_come_from_the_rules() -> None:
    rules = {"zone_rules": ZoneRules(propensity_cutoff=80.0)}
    result = aggregate(respondents("A", 3, "B", prop=70.0, anal=30.0), **rules)
    assert party(result, "A").zone is Zone.NO_TRUST


def test_k_comes_from_the_rules() -> None:
    result = aggregate(respondents("A", 4, "B"), k=5)
    assert party(result, "A").suppressed


def test_roles_from_a_definition() -> None:
    roles = ScaleRoles.of(smart_trust_v1())
    assert (roles.propensity, roles.analysis) == ("propensity", "analysis")
    assert "integrity" in roles.areas and len(roles.areas) == 7


def test_integer_party_ids_are_opaque() -> None:
    rows = [RespondentTargetScores(f"p{i}", 1, 2, {"prop": 80.0, "anal": 80.0}) for i in range(3)]
    result = aggregate_round(rows, invited={1: 3, 2: 1}, roles=ROLES)
    assert result.parties[0].party == 1 and result.parties[0].zone is Zone.SMART_TRUST


maybe_score = st.one_of(st.none(), st.sampled_from([0.0, 25.0, 50.0, 75.0, 100.0]))


@st.composite
def rounds(draw: st.DrawFn) -> list[RespondentTargetScores]:
    parties = ["A", "B", "C", "D"]
    rows = []
    for truster in parties:
        for i in range(draw(st.integers(0, 6))):
            for target in parties:
                if target != truster and draw(st.booleans()):
                    rows.append(
                        row(
                            f"{truster}{i}",
                            truster,
                            target,
                            draw(maybe_score),
                            draw(maybe_score),
                            draw(maybe_score),
                        )
                    )
    return rows


def summary_of(group, measure: str):
    return (group.areas or {}).get("area") if measure == "area" else getattr(group, measure)


def shown_counts(groups, measure: str) -> list[int]:
    return [s.n if (s := summary_of(group, measure)) else 0 for group in groups]


@settings(max_examples=150, deadline=None)
@given(rounds())
def test_nothing_shown_rests_on_fewer_than_k(rows: list[RespondentTargetScores]) -> None:
    result = aggregate(rows)
    groups = [*result.parties, result.round_total, *(t for p in result.parties for t in p.targets)]
    for group in groups:
        assert group.suppressed == (group.n is None)
        assert group.n is None or group.n == 0 or group.n >= 3
        for measure in ("propensity", "analysis", "area"):
            assert all(n == 0 or n >= 3 for n in shown_counts([group], measure))
        if group.zone_counts is not None:
            classified = sum(group.zone_counts.values())
            assert classified == 0 or classified >= 3


@settings(max_examples=150, deadline=None)
@given(rounds())
def test_round_total_minus_shown_parties_reveals_no_small_group(
    rows: list[RespondentTargetScores],
) -> None:
    result = aggregate(rows)
    total = result.round_total
    if total.suppressed:
        return
    derived_n = total.n - sum(p.n for p in result.parties if p.n is not None)
    assert derived_n == 0 or derived_n >= 3
    for measure in ("propensity", "analysis", "area"):
        (total_count,) = shown_counts([total], measure)
        if total_count:
            derived = total_count - sum(shown_counts(result.parties, measure))
            assert derived == 0 or derived >= 3
    for p in result.parties:
        if p.suppressed:
            assert all(t.suppressed for t in p.targets)


@settings(max_examples=150, deadline=None)
@given(rounds())
def test_a_group_is_said_to_have_fewer_than_k_only_when_it_has(
    rows: list[RespondentTargetScores],
) -> None:
    result = aggregate(rows)
    for p in result.parties:
        people = {r.participant_key for r in rows if r.truster_party == p.party}
        assert p.suppressed == (p.reason is not None)
        assert (p.reason == "fewer_than_k") == (0 < len(people) < 3)
        for t in p.targets:
            pair_people = {
                r.participant_key
                for r in rows
                if r.truster_party == p.party and r.target_party == t.target
            }
            if t.reason == "fewer_than_k":  # itself, or its whole party, is under k
                assert len(pair_people) < 3
            if t.reason == "complementary":
                assert len(pair_people) >= 3
