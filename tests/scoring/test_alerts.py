"""Alert rules: zone moves, declines and low participation."""

from __future__ import annotations

import pytest

from app.scoring.alerts import (
    AlertRules,
    decline_alerts,
    participation_alert,
    participation_signal,
    zone_alerts,
    zone_move_signal,
)
from app.scoring.change import MeasureChange
from app.scoring.statistics import Change
from app.scoring.zones import Zone


@pytest.mark.parametrize(
    ("previous", "current", "alert"),
    [
        (Zone.SMART_TRUST, Zone.DISTRUST, True),
        (Zone.BLIND_TRUST, Zone.NO_TRUST, True),
        (Zone.DISTRUST, Zone.NO_TRUST, True),
        (None, Zone.DISTRUST, True),
        (Zone.DISTRUST, Zone.DISTRUST, False),
        (Zone.NO_TRUST, Zone.NO_TRUST, False),
        (Zone.DISTRUST, Zone.SMART_TRUST, False),
        (None, Zone.BLIND_TRUST, False),
        (Zone.SMART_TRUST, None, False),
        (None, None, False),
    ],
)
def test_zone_alerts(previous: Zone | None, current: Zone | None, alert: bool) -> None:
    assert zone_alerts(previous, current) is alert


def test_zone_move_signal() -> None:
    signal = zone_move_signal("A", Zone.SMART_TRUST, Zone.DISTRUST, target="B")
    assert signal is not None
    assert (signal.kind, signal.party, signal.target, signal.measure) == (
        "zone_move",
        "A",
        "B",
        None,
    )
    assert signal.detail == {"from": "smart_trust", "to": "distrust"}
    assert zone_move_signal("A", Zone.DISTRUST, Zone.DISTRUST) is None


def change(difference: float, ci_high: float, kind: str = "welch") -> Change:
    return Change(
        kind=kind,  # type: ignore[arg-type]
        n_before=5,
        n_after=5,
        mean_before=60.0,
        mean_after=60.0 + difference,
        difference=difference,
        ci_low=difference - 5,
        ci_high=ci_high,
        df=8.0,
        p_value=0.01,
        cohens_d=-1.0,
        d_sd="pooled",
    )


@pytest.mark.parametrize(
    ("difference", "ci_high", "alert"),
    [
        (-5.0, -0.1, True),
        (-12.0, -3.0, True),
        (-4.9, -0.1, False),
        (-8.0, 0.0, False),
        (-8.0, 2.0, False),
        (6.0, 8.0, False),
    ],
)
def test_decline_needs_size_and_a_ci_below_zero(
    difference: float, ci_high: float, alert: bool
) -> None:
    signals = decline_alerts({"propensity": change(difference, ci_high)})
    assert bool(signals) is alert


def test_decline_signal_names_measure_party_and_target() -> None:
    (signal,) = decline_alerts(
        {"integrity": change(-9.0, -2.0), "analysis": change(1.0, 4.0)}, party=1, target=2
    )
    assert (signal.kind, signal.party, signal.target, signal.measure) == (
        "decline",
        1,
        2,
        "integrity",
    )
    assert signal.detail["difference"] == -9.0 and signal.detail["kind"] == "welch"


def test_decline_threshold_is_configurable() -> None:
    assert decline_alerts({"p": change(-6.0, -1.0)}, AlertRules(decline_points=10.0)) == []


def test_measure_change_uses_welch_unless_paired_is_preferred() -> None:
    both = MeasureChange(welch=change(-3.0, 1.0), paired=change(-7.0, -2.0, "paired"), n_shared=5)
    assert decline_alerts({"p": both}) == []
    (signal,) = decline_alerts({"p": both}, AlertRules(prefer_paired=True))
    assert signal.detail["kind"] == "paired"
    only_welch = MeasureChange(welch=change(-7.0, -2.0), paired=None, n_shared=1)
    assert len(decline_alerts({"p": only_welch}, AlertRules(prefer_paired=True))) == 1
    assert decline_alerts({"p": MeasureChange(None, None, 0)}) == []


@pytest.mark.parametrize(
    ("rate", "floor", "alert"),
    [(0.49, 0.5, True), (0.5, 0.5, False), (0.0, 0.5, True), (None, 0.5, False), (0.6, 0.7, True)],
)
def test_participation_alert(rate: float | None, floor: float, alert: bool) -> None:
    assert participation_alert(rate, floor) is alert


def test_participation_signal() -> None:
    signal = participation_signal("A", 0.25)
    assert signal is not None and signal.kind == "low_participation"
    assert signal.detail == {"response_rate": 0.25, "floor": 0.5}
    assert participation_signal("A", 0.8) is None
