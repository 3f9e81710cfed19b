"""Descriptive statistics and change between rounds: means with t intervals, Welch, paired."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import numpy as np

# numpy and scipy.special (~45 MB per process) are imported by the functions that need them:
# submissions and the partner's pages never do, and every worker would carry them otherwise.
CONFIDENCE = 0.95


@dataclass(frozen=True, slots=True)
class Summary:
    """Mean, sample SD (ddof=1) and 95% t interval; sd and CI need n >= 2, mean n >= 1."""

    n: int
    mean: float | None
    sd: float | None
    ci_low: float | None
    ci_high: float | None


@dataclass(frozen=True, slots=True)
class Change:
    """After minus before, with its 95% CI and Cohen's d; `d_sd` names the SD d divides by."""

    kind: Literal["welch", "paired"]
    n_before: int
    n_after: int
    mean_before: float
    mean_after: float
    difference: float
    ci_low: float
    ci_high: float
    df: float | None
    p_value: float | None
    cohens_d: float | None
    d_sd: Literal["pooled", "sd_of_differences"]


def summarize(values: Sequence[float]) -> Summary:
    """Summary of a sample; n=0 has no mean, n=1 no SD or interval."""
    n = len(values)
    if n == 0:
        return Summary(0, None, None, None, None)
    data = _array(values)
    mean = float(data.mean())
    if n == 1:
        return Summary(1, mean, None, None, None)
    sd = _sd(data)
    half = _t_quantile(n - 1) * sd / math.sqrt(n)
    return Summary(n, mean, sd, mean - half, mean + half)


def welch_change(before: Sequence[float], after: Sequence[float]) -> Change | None:
    """Difference of means (after - before) with a Welch-Satterthwaite t interval."""
    n1, n2 = len(before), len(after)
    if n1 < 2 or n2 < 2:
        return None
    a, b = _array(before), _array(after)
    v1, v2 = _sd(a) ** 2, _sd(b) ** 2
    difference = float(b.mean() - a.mean())
    se = math.sqrt(v1 / n1 + v2 / n2)
    pooled = math.sqrt(((n1 - 1) * v1 + (n2 - 1) * v2) / (n1 + n2 - 2))
    df = None
    if se > 0:
        df = se**4 / ((v1 / n1) ** 2 / (n1 - 1) + (v2 / n2) ** 2 / (n2 - 1))
    low, high, p_value = _t_interval(difference, se, df)
    return Change(
        kind="welch",
        n_before=n1,
        n_after=n2,
        mean_before=float(a.mean()),
        mean_after=float(b.mean()),
        difference=difference,
        ci_low=low,
        ci_high=high,
        df=df,
        p_value=p_value,
        cohens_d=difference / pooled if pooled > 0 else None,
        d_sd="pooled",
    )


def paired_change(pairs: Sequence[tuple[float, float]]) -> Change | None:
    """Mean of the per-person differences (after - before) with a paired t interval."""
    n = len(pairs)
    if n < 2:
        return None
    data = _array(pairs)
    differences = data[:, 1] - data[:, 0]
    difference = float(differences.mean())
    sd = _sd(differences)
    se = sd / math.sqrt(n)
    low, high, p_value = _t_interval(difference, se, n - 1 if se > 0 else None)
    return Change(
        kind="paired",
        n_before=n,
        n_after=n,
        mean_before=float(data[:, 0].mean()),
        mean_after=float(data[:, 1].mean()),
        difference=difference,
        ci_low=low,
        ci_high=high,
        df=float(n - 1) if se > 0 else None,
        p_value=p_value,
        cohens_d=difference / sd if sd > 0 else None,
        d_sd="sd_of_differences",
    )


def _array(values: Sequence[float] | Sequence[tuple[float, float]]) -> np.ndarray:
    import numpy as np

    return np.asarray(values, dtype=float)


def _sd(data: np.ndarray) -> float:
    import numpy as np

    # Identical values have no spread; the mean's rounding error would otherwise fake some
    # (1e-17), turning Cohen's d and the interval into noise.
    return 0.0 if np.ptp(data) == 0 else float(data.std(ddof=1))


def _t_quantile(df: float) -> float:
    from scipy import special

    # scipy.special is what stats.t.ppf and .sf compute with, minus their per-call argument
    # handling (~150 us, thousands of calls per trends page) and scipy.stats' ~45 MB import.
    return float(special.stdtrit(df, (1 + CONFIDENCE) / 2))


def _t_interval(estimate: float, se: float, df: float | None) -> tuple[float, float, float | None]:
    # With no spread at all the difference is known exactly: a zero-width interval, no p-value.
    if df is None or se == 0:
        return estimate, estimate, None
    from scipy import special

    half = _t_quantile(df) * se
    p_value = float(2 * special.stdtr(df, -abs(estimate) / se))
    return estimate - half, estimate + half, p_value


# Reliability lives in its own module; re-exported so `statistics` offers the whole toolkit.
from app.scoring.reliability import Reliability, cronbach_alpha  # noqa: E402

__all__ = [
    "Change",
    "Reliability",
    "Summary",
    "cronbach_alpha",
    "paired_change",
    "summarize",
    "welch_change",
]
