"""Cronbach's alpha and its Feldt interval agree with pingouin."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pingouin
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from app.scoring.statistics import cronbach_alpha


def as_rows(frame: pd.DataFrame) -> list[list[float | None]]:
    return [[None if np.isnan(v) else float(v) for v in row] for row in frame.to_numpy(float)]


def test_pingouin_example_dataset() -> None:
    data = pingouin.read_dataset("cronbach_alpha")
    wide = data.pivot(index="Subj", columns="Items", values="Scores")
    expected_alpha, expected_ci = pingouin.cronbach_alpha(wide)
    result = cronbach_alpha(as_rows(wide))
    assert result is not None
    assert result.alpha == pytest.approx(0.5917188, abs=1e-7)
    assert abs(result.alpha - expected_alpha) < 1e-9
    assert abs(result.ci_low - expected_ci[0]) < 1e-9
    assert abs(result.ci_high - expected_ci[1]) < 1e-9
    assert (result.ci_low, result.ci_high) == (0.195, 0.84)
    assert (result.n, result.k) == (15, 10)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.integers(3, 40), st.integers(2, 8), st.floats(0, 0.15))
def test_random_data_with_missing_values_matches_pingouin(
    seed: int, n: int, k: int, missing: float
) -> None:
    rng = np.random.default_rng(seed)
    # A shared factor so alpha is usually positive, like real scales.
    values = np.clip(np.round(4 + rng.normal(size=(n, 1)) + rng.normal(size=(n, k))), 1, 7)
    values[rng.random(values.shape) < missing] = np.nan
    frame = pd.DataFrame(values)
    result = cronbach_alpha(as_rows(frame))
    complete = frame.dropna()
    if len(complete) < 2 or complete.to_numpy().var(axis=0, ddof=1).sum() == 0:
        return
    with np.errstate(divide="ignore", invalid="ignore"):
        expected_alpha, expected_ci = pingouin.cronbach_alpha(frame, nan_policy="listwise")
    if not np.isfinite(expected_alpha):
        assert result is None
        return
    assert result is not None
    assert abs(result.alpha - expected_alpha) < 1e-9
    assert abs(result.ci_low - expected_ci[0]) < 1e-9
    assert abs(result.ci_high - expected_ci[1]) < 1e-9
    assert result.n == len(complete)


def test_feldt_interval_formula_at_other_confidence() -> None:
    rows = [[1.0, 2.0, 2.0], [3.0, 3.0, 4.0], [5.0, 4.0, 5.0], [6.0, 7.0, 6.0], [2.0, 2.0, 3.0]]
    result = cronbach_alpha(rows, confidence=0.9)
    assert result is not None
    expected_alpha, expected_ci = pingouin.cronbach_alpha(pd.DataFrame(rows), ci=0.9)
    assert abs(result.alpha - expected_alpha) < 1e-9
    low = 1 - (1 - result.alpha) * stats.f.isf(0.05, 4, 8)
    assert result.ci_low == pytest.approx(round(low, 3))
    assert (result.ci_low, result.ci_high) == tuple(expected_ci)


@pytest.mark.parametrize(
    "rows",
    [
        [],
        [[1.0], [2.0]],
        [[1.0, 2.0]],
        [[1.0, None], [None, 2.0], [3.0, 3.0]],
        [[4.0, 4.0], [4.0, 4.0], [4.0, 4.0]],
    ],
)
def test_not_computable_gives_none(rows: list[list[float | None]]) -> None:
    assert cronbach_alpha(rows) is None


def test_ragged_rows_are_refused() -> None:
    with pytest.raises(ValueError, match="same number of items"):
        cronbach_alpha([[1.0, 2.0], [1.0]])
