"""Changes between rounds: Welch for the groups, paired for returning participants."""

from __future__ import annotations

import pytest
from scipy import stats

from app.scoring.aggregate import RespondentTargetScores
from app.scoring.change import GroupSample, compare_rounds, sample_of

BEFORE = GroupSample({"ann": 70.0, "bob": 60.0, "cas": 65.0, "dee": 80.0})
AFTER = GroupSample({"ann": 55.0, "bob": 50.0, "cas": 60.0, "eve": 40.0})


def test_welch_uses_everyone_and_paired_only_returning_participants() -> None:
    change = compare_rounds(BEFORE, AFTER)
    assert change.welch is not None and change.paired is not None
    assert change.welch.difference == pytest.approx(51.25 - 68.75)
    assert (change.welch.n_before, change.welch.n_after) == (4, 4)
    assert change.n_shared == 3
    assert change.paired.difference == pytest.approx(((55 - 70) + (50 - 60) + (60 - 65)) / 3)
    expected = stats.ttest_rel([55.0, 50.0, 60.0], [70.0, 60.0, 65.0]).confidence_interval()
    assert (change.paired.ci_low, change.paired.ci_high) == pytest.approx(
        (expected.low, expected.high)
    )


@pytest.mark.parametrize(
    ("before", "after", "min_n", "welch", "paired"),
    [
        ({"a": 1.0, "b": 2.0}, {"a": 3.0, "b": 4.0}, 2, True, True),
        ({"a": 1.0, "b": 2.0}, {"c": 3.0, "d": 4.0}, 2, True, False),
        ({"a": 1.0, "b": 2.0}, {"a": 3.0, "c": 4.0}, 2, True, False),
        ({"a": 1.0}, {"a": 3.0, "c": 4.0}, 2, False, False),
        ({"a": 1.0, "b": 2.0}, {"a": 3.0, "b": 4.0}, 3, False, False),
        ({"a": 1.0, "b": 2.0, "c": 5.0}, {"a": 3.0, "b": 4.0, "d": 1.0}, 3, True, False),
    ],
)
def test_what_is_computable(
    before: dict[str, float], after: dict[str, float], min_n: int, welch: bool, paired: bool
) -> None:
    change = compare_rounds(GroupSample(before), GroupSample(after), min_n=min_n)
    assert (change.welch is not None, change.paired is not None) == (welch, paired)


def test_sample_of_averages_each_participant_over_targets() -> None:
    rows = [
        RespondentTargetScores("ann", "A", "B", {"propensity": 60.0}),
        RespondentTargetScores("ann", "A", "C", {"propensity": 80.0}),
        RespondentTargetScores("bob", "A", "B", {"propensity": 0.0}),
        RespondentTargetScores("cas", "A", "C", {"propensity": None}),
    ]
    assert sample_of(rows, "propensity").values == {"ann": 70.0, "bob": 0.0}
    assert sample_of(rows, "propensity", target="C").values == {"ann": 80.0}
