"""Summaries and change statistics, checked against scipy."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from app.scoring.statistics import Summary, paired_change, summarize, welch_change

# Realistic score resolution; sub-normal differences would only test float underflow.
scores = st.integers(0, 1000).map(lambda tenths: tenths / 10)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([], Summary(0, None, None, None, None)),
        ([42.0], Summary(1, 42.0, None, None, None)),
        ([50.0, 50.0, 50.0], Summary(3, 50.0, 0.0, 50.0, 50.0)),
    ],
)
def test_summary_edge_cases(values: list[float], expected: Summary) -> None:
    assert summarize(values) == expected


def test_summary_uses_sample_sd_and_t_interval() -> None:
    summary = summarize([10.0, 20.0, 30.0, 40.0])
    assert summary.mean == 25.0
    assert summary.sd == pytest.approx(math.sqrt(500 / 3))
    low, high = stats.t.interval(0.95, 3, loc=25.0, scale=stats.sem([10, 20, 30, 40]))
    assert (summary.ci_low, summary.ci_high) == pytest.approx((low, high), abs=1e-12)


@settings(max_examples=50)
@given(st.lists(scores, min_size=2, max_size=30))
def test_summary_interval_matches_scipy(values: list[float]) -> None:
    summary = summarize(values)
    sem = stats.sem(values)
    if sem == 0:
        assert summary.ci_low == summary.ci_high == pytest.approx(np.mean(values))
        return
    low, high = stats.t.interval(0.95, len(values) - 1, loc=np.mean(values), scale=sem)
    assert summary.ci_low == pytest.approx(low, abs=1e-9)
    assert summary.ci_high == pytest.approx(high, abs=1e-9)


@pytest.mark.parametrize(
    ("before", "after"), [([], [1.0, 2.0]), ([1.0], [1.0, 2.0]), ([1.0, 2.0], [3.0])]
)
def test_welch_needs_two_on_each_side(before: list[float], after: list[float]) -> None:
    assert welch_change(before, after) is None


def test_paired_needs_two_pairs() -> None:
    assert paired_change([]) is None
    assert paired_change([(1.0, 2.0)]) is None


samples = st.lists(scores, min_size=2, max_size=25)


@settings(max_examples=50)
@given(samples, samples)
def test_welch_matches_scipy(before: list[float], after: list[float]) -> None:
    change = welch_change(before, after)
    assert change is not None
    assert change.difference == pytest.approx(np.mean(after) - np.mean(before), abs=1e-9)
    if np.ptp(before) == 0 and np.ptp(after) == 0:
        assert change.ci_low == change.ci_high == change.difference
        return
    with warnings.catch_warnings():
        # scipy warns about precision when one side has no spread; the numbers are still fine.
        warnings.simplefilter("ignore", RuntimeWarning)
        result = stats.ttest_ind(after, before, equal_var=False)
    interval = result.confidence_interval(0.95)
    assert change.ci_low == pytest.approx(interval.low, abs=1e-9)
    assert change.ci_high == pytest.approx(interval.high, abs=1e-9)
    assert change.df == pytest.approx(result.df, rel=1e-9)
    assert change.p_value == pytest.approx(result.pvalue, abs=1e-9)


@settings(max_examples=50)
@given(st.lists(st.tuples(scores, scores), min_size=2, max_size=25))
def test_paired_matches_scipy(pairs: list[tuple[float, float]]) -> None:
    change = paired_change(pairs)
    assert change is not None
    before, after = zip(*pairs, strict=True)
    differences = np.subtract(after, before)
    if np.ptp(differences) == 0:
        assert change.ci_low == change.ci_high == pytest.approx(differences[0])
        assert change.cohens_d is None
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        result = stats.ttest_rel(after, before)
    interval = result.confidence_interval(0.95)
    assert change.ci_low == pytest.approx(interval.low, abs=1e-9)
    assert change.ci_high == pytest.approx(interval.high, abs=1e-9)
    assert change.p_value == pytest.approx(result.pvalue, abs=1e-9)


def test_welch_cohens_d_uses_pooled_sd() -> None:
    change = welch_change([40.0, 50.0, 60.0], [50.0, 60.0, 70.0, 80.0])
    assert change is not None
    pooled = math.sqrt((2 * 100 + 3 * (500 / 3)) / 5)
    assert change.kind == "welch"
    assert change.d_sd == "pooled"
    assert change.difference == 15.0
    assert change.cohens_d == pytest.approx(15.0 / pooled)
    assert (change.n_before, change.n_after) == (3, 4)


def test_paired_cohens_d_uses_sd_of_differences() -> None:
    change = paired_change([(50.0, 40.0), (60.0, 55.0), (70.0, 55.0)])
    assert change is not None
    assert change.kind == "paired"
    assert change.d_sd == "sd_of_differences"
    assert change.difference == -10.0
    assert change.cohens_d == pytest.approx(-10.0 / 5.0)
    assert (change.mean_before, change.mean_after) == (60.0, 50.0)
