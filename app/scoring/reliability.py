"""Scale reliability: Cronbach's alpha with Feldt's confidence interval, as pingouin reports it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Reliability:
    """Alpha over `n` complete rows of `k` items, with its Feldt interval (3 decimals)."""

    alpha: float
    ci_low: float
    ci_high: float
    n: int
    k: int


def cronbach_alpha(
    rows: Sequence[Sequence[float | None]], confidence: float = 0.95
) -> Reliability | None:
    """Alpha of one scale, one row per response; None where it cannot be computed.

    Rows with any empty item are left out (listwise). To agree with pingouin exactly, the
    interval's degrees of freedom count every row given, complete or not, and its bounds are
    rounded to 3 decimals.
    """
    if not rows or len(rows[0]) < 2:
        return None
    k = len(rows[0])
    if any(len(row) != k for row in rows):
        raise ValueError("every row must have the same number of items")
    import numpy as np  # here, not at the top: see app/scoring/statistics.py

    complete = np.array([row for row in rows if all(v is not None for v in row)], dtype=float)
    if len(complete) < 2:
        return None
    covariance = np.cov(complete, rowvar=False, ddof=1)
    total = float(covariance.sum())
    if total <= 0:
        return None
    alpha = k / (k - 1) * (1 - float(np.trace(covariance)) / total)
    low, high = _feldt_interval(alpha, n=len(rows), k=k, confidence=confidence)
    return Reliability(alpha=alpha, ci_low=low, ci_high=high, n=len(complete), k=k)


def _feldt_interval(alpha: float, *, n: int, k: int, confidence: float) -> tuple[float, float]:
    df1 = n - 1
    df2 = df1 * (k - 1)
    tail = (1 - confidence) / 2
    low = 1 - (1 - alpha) * _f_isf(tail, df1, df2)
    high = 1 - (1 - alpha) * _f_isf(1 - tail, df1, df2)
    import numpy as np

    bounds = np.round([low, high], 3)
    return float(bounds[0]), float(bounds[1])


def _f_isf(q: float, df1: int, df2: int) -> float:
    from scipy import special

    # Exactly what stats.f.isf(q, df1, df2) evaluates, without importing scipy.stats (~45 MB).
    return float(special.fdtri(df1, df2, 1 - q))
