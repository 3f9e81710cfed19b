"""Round aggregates per directed pair, per truster party and for the round, with anonymity.

What a coach sees nests in two levels. Parties are suppressed on their own (n < k): no page,
export or API shows a round total, so nothing subtracts the shown parties from one; the
round total here is itself withheld wherever it would give the hidden parties back (parties
hold disjoint respondents, so the total minus the shown parties is exactly the hidden ones).
A truster's pairs are suppressed against the truster's roll-up, which is shown.
Respondents overlap across pairs, so subtraction there is not exact, but when everyone
answered about every target the roll-up mean equals the mean of the pair means; pairs are
therefore treated as if they summed to the roll-up. A hidden party hides all its
pairs, otherwise the pairs would give its roll-up back. The same rule runs per measure (and
for the zone counts), since a measure can rest on fewer respondents than its group.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, field

from app.scoring.figures import (
    HIDDEN_FIGURES,
    ZONE_COUNTS,
    RespondentKey,
    ScaleRoles,
    group_figures,
    measure_counts,
    respondent_means,
)
from app.scoring.statistics import Summary
from app.scoring.suppression import DEFAULT_K, suppress
from app.scoring.zones import Zone, ZoneRules

Party = Hashable
Means = dict[RespondentKey, dict[str, float | None]]


@dataclass(frozen=True, slots=True)
class RespondentTargetScores:
    """One submitted response: a participant's scale scores (0-100) about one target party."""

    participant_key: str
    truster_party: Party
    target_party: Party
    scales: Mapping[str, float | None]


@dataclass(frozen=True, slots=True)
class AggregationRules:
    """The anonymity threshold k and the zone cut-offs of the collaboration."""

    k: int = DEFAULT_K
    zone_rules: ZoneRules = field(default_factory=ZoneRules)


# Why a group is hidden: its own n is under k, or showing it would reveal a smaller group.
FEWER_THAN_K = "fewer_than_k"
COMPLEMENTARY = "complementary"


@dataclass(frozen=True, slots=True)
class PairAggregate:
    """Trust of one truster party in one target; n and every figure are None when suppressed."""

    truster: Party
    target: Party
    n: int | None
    suppressed: bool
    propensity: Summary | None
    analysis: Summary | None
    areas: dict[str, Summary] | None
    zone: Zone | None
    borderline: bool | None
    zone_counts: dict[Zone, int] | None
    unclassified: int | None
    meta: Summary | None = None  # how the truster thinks the target trusts it
    reason: str | None = None  # FEWER_THAN_K or COMPLEMENTARY when suppressed


@dataclass(frozen=True, slots=True)
class PartyAggregate:
    """A truster party's roll-up over its targets (respondents first average their targets)."""

    party: Party
    n: int | None
    invited: int
    response_rate: float | None
    suppressed: bool
    propensity: Summary | None
    analysis: Summary | None
    areas: dict[str, Summary] | None
    zone: Zone | None
    borderline: bool | None
    zone_counts: dict[Zone, int] | None
    unclassified: int | None
    targets: list[PairAggregate]
    meta: Summary | None = None
    reason: str | None = None  # FEWER_THAN_K or COMPLEMENTARY when suppressed


@dataclass(frozen=True, slots=True)
class RoundAggregate:
    """Every truster party of a round, and the whole round (`party` None, no targets)."""

    parties: list[PartyAggregate]
    round_total: PartyAggregate


@dataclass(frozen=True, slots=True)
class _Group:
    means: Means
    counts: dict[str, int]

    @property
    def n(self) -> int:
        return len(self.means)


def aggregate_round(
    responses: Iterable[RespondentTargetScores],
    *,
    invited: Mapping[Party, int],
    roles: ScaleRoles,
    rules: AggregationRules | None = None,
) -> RoundAggregate:
    """Aggregate one round's submitted responses (DESIGN "Scoring" 5 and 6).

    Parties are those in `invited` plus any seen in responses; every truster gets a pair
    for every other party, in that order.
    """
    rules = rules or AggregationRules()
    rows = list(responses)
    parties = _all_parties(rows, invited)
    by_truster: dict[Party, list[RespondentTargetScores]] = defaultdict(list)
    for row in rows:
        by_truster[row.truster_party].append(row)
    total = _group(rows, roles)
    groups = {party: _group(by_truster[party], roles) for party in parties}
    hidden, withheld = _suppression(groups, _shown_alone(total, rules.k), rules.k, total=False)
    aggregates = []
    for party in parties:
        # None marks a hidden party: its pairs are hidden with it.
        shown = None if party in hidden else set(groups[party].counts) - withheld[party]
        pairs = _pairs(party, parties, by_truster[party], shown, roles, rules)
        party_withheld = None if party in hidden else withheld[party]
        group, count = groups[party], invited.get(party, 0)
        aggregates.append(_party(party, group, count, party_withheld, pairs, roles, rules))
    overall = _round_total(total, groups, hidden, withheld, sum(invited.values()), roles, rules)
    return RoundAggregate(parties=aggregates, round_total=overall)


def _round_total(
    total: _Group,
    groups: Mapping[Party, _Group],
    hidden: Set[Party],
    withheld: Mapping[Party, Set[str]],
    invited: int,
    roles: ScaleRoles,
    rules: AggregationRules,
) -> PartyAggregate:
    """The whole round, withheld where it minus the shown parties would leave under k."""
    if 0 < total.n < rules.k:
        return _party(None, total, invited, None, [], roles, rules)
    if 0 < sum(groups[g].n for g in hidden) < rules.k:
        return _party(None, total, invited, None, [], roles, rules, reason=COMPLEMENTARY)
    total_withheld = set(total.counts) - _shown_alone(total, rules.k)
    for measure in total.counts:
        unseen = sum(g.counts[measure] for p, g in groups.items() if measure in withheld[p])
        if 0 < unseen < rules.k:
            total_withheld.add(measure)
    return _party(None, total, invited, total_withheld, [], roles, rules)


def _suppression(
    groups: Mapping[Party, _Group], parent_shown: Set[str] | None, k: int, *, total: bool = True
) -> tuple[set[Party], dict[Party, set[str]]]:
    """Hidden groups, and per group the measures withheld from it.

    `parent_shown` holds the measures the parent shows, or None when the parent itself is
    hidden. A measure the parent withholds is withheld from every child too, or the children
    would give it back. `total` says whether the parent's figures are shown beside the
    children (then complementary suppression applies); False hides only small groups.
    """
    if parent_shown is None:
        return set(groups), {g: set() for g in groups}
    hidden = suppress({g: group.n for g, group in groups.items()}, k, total_shown=total)
    withheld: dict[Party, set[str]] = {g: set() for g in groups}
    for measure in _measures(groups):
        counts = {g: group.counts[measure] for g, group in groups.items()}
        from_measure = (
            suppress(counts, k, already_hidden=hidden, total_shown=total)
            if measure in parent_shown
            else set(groups)
        )
        for g in from_measure:
            withheld[g].add(measure)
    return hidden, withheld


def _pairs(
    truster: Party,
    parties: Sequence[Party],
    rows: Sequence[RespondentTargetScores],
    roll_up_shown: Set[str] | None,
    roles: ScaleRoles,
    rules: AggregationRules,
) -> list[PairAggregate]:
    targets = [p for p in parties if p != truster]
    by_target: dict[Party, list[RespondentTargetScores]] = defaultdict(list)
    for row in rows:
        by_target[row.target_party].append(row)
    groups = {target: _group(by_target[target], roles) for target in targets}
    hidden, withheld = _suppression(groups, roll_up_shown, rules.k)
    pairs = []
    for target in targets:
        if target in hidden:
            small = roll_up_shown is None or groups[target].n < rules.k
            reason = FEWER_THAN_K if small else COMPLEMENTARY
            pairs.append(
                PairAggregate(truster, target, None, True, **HIDDEN_FIGURES, reason=reason)
            )
            continue
        group = groups[target]
        figures = group_figures(group.means, roles, rules.zone_rules, withheld[target])
        pairs.append(PairAggregate(truster, target, group.n, False, **figures.fields()))
    return pairs


def _party(
    party: Party,
    group: _Group,
    invited: int,
    withheld: Set[str] | None,
    pairs: list[PairAggregate],
    roles: ScaleRoles,
    rules: AggregationRules,
    *,
    reason: str = FEWER_THAN_K,
) -> PartyAggregate:
    """The party's figures; `withheld` None means the whole party is suppressed (`reason`)."""
    if withheld is None:
        hidden = HIDDEN_FIGURES
        return PartyAggregate(
            party, None, invited, None, True, **hidden, targets=pairs, reason=reason
        )
    figures = group_figures(group.means, roles, rules.zone_rules, withheld)
    rate = group.n / invited if invited > 0 else None
    return PartyAggregate(party, group.n, invited, rate, False, **figures.fields(), targets=pairs)


def _group(rows: Iterable[RespondentTargetScores], roles: ScaleRoles) -> _Group:
    means = respondent_means(rows)
    return _Group(means=means, counts=measure_counts(means, roles))


def _shown_alone(group: _Group, k: int) -> set[str]:
    """Measures a group with no siblings may show: those resting on none or on k or more."""
    return {m for m, count in group.counts.items() if not 0 < count < k}


def _measures(groups: Mapping[Party, _Group]) -> list[str]:
    first = next(iter(groups.values()), None)
    return list(first.counts) if first else [ZONE_COUNTS]


def _all_parties(
    rows: Sequence[RespondentTargetScores], invited: Mapping[Party, int]
) -> list[Party]:
    seen: dict[Party, None] = dict.fromkeys(invited)
    for row in rows:
        seen.setdefault(row.truster_party)
        seen.setdefault(row.target_party)
    return list(seen)
