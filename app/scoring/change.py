"""Change of one measure between two rounds: Welch always, paired for returning participants."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

from app.scoring.aggregate import RespondentTargetScores
from app.scoring.figures import respondent_means
from app.scoring.statistics import Change, paired_change, welch_change


@dataclass(frozen=True, slots=True)
class GroupSample:
    """One group's values of one measure in one round, keyed by stable participant key."""

    values: Mapping[str, float]


@dataclass(frozen=True, slots=True)
class MeasureChange:
    """Welch change of the group means, and the paired change of those in both rounds."""

    welch: Change | None
    paired: Change | None
    n_shared: int


def compare_rounds(before: GroupSample, after: GroupSample, *, min_n: int = 2) -> MeasureChange:
    """Change from `before` to `after`; pass the anonymity threshold k as `min_n`.

    A side with fewer than `min_n` values gives no Welch change, and fewer than `min_n`
    shared participants give no paired change: a mean change of two people would let each
    of them read the other's.
    """
    floor = max(2, min_n)
    welch = None
    if len(before.values) >= floor and len(after.values) >= floor:
        welch = welch_change(list(before.values.values()), list(after.values.values()))
    shared = sorted(before.values.keys() & after.values.keys())
    paired = None
    if len(shared) >= floor:
        paired = paired_change([(before.values[key], after.values[key]) for key in shared])
    return MeasureChange(welch=welch, paired=paired, n_shared=len(shared))


def sample_of(
    rows: Iterable[RespondentTargetScores], measure: str, *, target: Hashable | None = None
) -> GroupSample:
    """A measure's values per participant from one group's rows, as the aggregates see them.

    Give the rows of one truster party (and `target` for one directed pair): each participant
    is averaged over their targets first, just like the party roll-up.
    """
    if target is not None:
        rows = [row for row in rows if row.target_party == target]
    means = respondent_means(rows)
    values = {
        participant: value
        for (_, participant), scales in means.items()
        if (value := scales.get(measure)) is not None
    }
    return GroupSample(values=values)
