"""The perception gap: how party A thinks B trusts A, beside how B actually trusts A.

Per directed pair A -> B of a round whose questionnaire has a `meta` scale:

- *expected*: the mean meta score of A's respondents about B ("how much do you think B
  trusts your organisation?"), the `meta` figure of pair A -> B;
- *seen*: B's propensity to trust A and B's analysis of A, the figures of pair B -> A;
- *gap*: expected minus seen propensity, in points on the 0-100 scale. Positive: A thinks it
  is trusted more than it is; negative: A underestimates B's trust.

Both sides come from the round aggregate, after its anonymity rules: a side withheld there
stays withheld here, and without both sides there is no gap. The gap is the difference of
two figures that are shown anyway, so it reveals nothing a suppressed group holds.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

from app.scoring.aggregate import PairAggregate, RoundAggregate
from app.scoring.statistics import Summary


@dataclass(frozen=True, slots=True)
class PerceptionGap:
    """A's expectation of how B sees A, and how B sees A; None where withheld or empty."""

    truster: Hashable  # A, who expects
    target: Hashable  # B, whose trust is expected
    expected: Summary | None
    seen_propensity: Summary | None
    seen_analysis: Summary | None
    gap: float | None
    suppressed: bool  # either side is hidden by the anonymity rules


def perception_gaps(aggregate: RoundAggregate) -> dict[tuple[Hashable, Hashable], PerceptionGap]:
    """The gap for every directed pair of the round, keyed (truster, target)."""
    pairs: dict[tuple[Hashable, Hashable], PairAggregate] = {
        (pair.truster, pair.target): pair for party in aggregate.parties for pair in party.targets
    }
    return {key: _gap(pair, pairs.get((pair.target, pair.truster))) for key, pair in pairs.items()}


def _gap(forward: PairAggregate, reverse: PairAggregate | None) -> PerceptionGap:
    expected = None if forward.suppressed else forward.meta
    seen_propensity = None if reverse is None or reverse.suppressed else reverse.propensity
    seen_analysis = None if reverse is None or reverse.suppressed else reverse.analysis
    suppressed = forward.suppressed or reverse is None or reverse.suppressed
    gap = None
    if (
        expected
        and seen_propensity
        and expected.mean is not None
        and seen_propensity.mean is not None
    ):
        gap = expected.mean - seen_propensity.mean
    return PerceptionGap(
        truster=forward.truster,
        target=forward.target,
        expected=expected,
        seen_propensity=seen_propensity,
        seen_analysis=seen_analysis,
        gap=gap,
        suppressed=suppressed,
    )
