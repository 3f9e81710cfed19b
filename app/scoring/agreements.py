"""Agreements in figures: the relationship's area score before and after, the partners' verdict."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence, Set
from dataclasses import dataclass

from app.scoring.aggregate import PairAggregate, RespondentTargetScores, RoundAggregate
from app.scoring.figures import ScaleRoles, respondent_means
from app.scoring.statistics import Summary, summarize

# The follow-up item: 1 "not at all kept" .. 5 "fully kept"; None is "don't know".
VERDICT_MIN = 1
VERDICT_MAX = 5

Pair = tuple[Hashable, Hashable]


@dataclass(frozen=True, slots=True)
class AreaScore:
    """The area's mean over the relationship's respondents; `summary` None when suppressed."""

    n: int | None
    suppressed: bool
    summary: Summary | None
    # Hidden although k or more answered: shown, it would give a hidden pair back.
    complementary: bool = False


@dataclass(frozen=True, slots=True)
class Verdict:
    """The follow-up's ratings: their mean and count, and how many said "don't know"."""

    n: int | None
    dont_know: int | None
    suppressed: bool
    mean: float | None


def relationship_pairs(
    committing: Sequence[Hashable], target: Hashable | None, parties: Iterable[Hashable]
) -> set[Pair]:
    """The directed pairs (truster, target) whose answers say whether the committing parties
    are trusted more: the other involved parties about each committing party; with one party
    and no target, every other party's view of it."""
    involved = set(committing) | ({target} if target is not None else set())
    if len(involved) >= 2:
        return {
            (truster, about) for truster in involved for about in committing if truster != about
        }
    only = next(iter(involved))
    return {(truster, only) for truster in parties if truster != only}


def area_score(
    aggregate: RoundAggregate,
    rows: Iterable[RespondentTargetScores],
    *,
    pairs: Set[Pair],
    measure: str,
    roles: ScaleRoles,
    k: int,
) -> AreaScore:
    """The measure's mean over the pairs' respondents (each first averaging their targets).

    Suppressed when any pair in the group is hidden or withholds the measure on the coach's
    dashboard, so the combination can never give back a hidden group; and when the group
    itself rests on fewer than k respondents.
    """
    chosen = [row for row in rows if (row.truster_party, row.target_party) in pairs]
    values = [
        value
        for means in respondent_means(chosen).values()
        if (value := means.get(measure)) is not None
    ]
    if 0 < len(values) < k:
        return AreaScore(None, True, None)
    for pair in _pair_aggregates(aggregate, pairs):
        if pair.suppressed or (pair.n and _figure(pair, measure, roles) is None):
            return AreaScore(None, True, None, complementary=True)
    return AreaScore(len(values), False, summarize(values))


def _pair_aggregates(aggregate: RoundAggregate, pairs: Set[Pair]) -> list[PairAggregate]:
    return [
        pair
        for party in aggregate.parties
        for pair in party.targets
        if (pair.truster, pair.target) in pairs
    ]


def _figure(pair: PairAggregate, measure: str, roles: ScaleRoles) -> Summary | None:
    if measure == roles.propensity:
        return pair.propensity
    if measure == roles.analysis:
        return pair.analysis
    return (pair.areas or {}).get(measure)


def verdict(values: Iterable[int | None], *, k: int) -> Verdict:
    """The partners' verdict: suppressed when fewer than k rated it, or fewer than k answered
    at all (the "don't know" count is a figure about a group too)."""
    answers = list(values)
    ratings = [value for value in answers if value is not None]
    if 0 < len(ratings) < k or 0 < len(answers) < k:
        return Verdict(None, None, True, None)
    mean = sum(ratings) / len(ratings) if ratings else None
    return Verdict(len(ratings), len(answers) - len(ratings), False, mean)
