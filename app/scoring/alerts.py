"""Alert rules: zone moves into distrust or no trust, significant declines, low participation."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from app.scoring.change import MeasureChange
from app.scoring.statistics import Change
from app.scoring.zones import Zone

WORRYING_ZONES = frozenset({Zone.DISTRUST, Zone.NO_TRUST})


@dataclass(frozen=True, slots=True)
class AlertRules:
    """Thresholds: a decline of at least `decline_points`, a response rate under the floor."""

    decline_points: float = 5.0
    participation_floor: float = 0.5
    # Decline on the paired change when one exists; see decline_alerts.
    prefer_paired: bool = False


@dataclass(frozen=True, slots=True)
class AlertSignal:
    """Something a coach must see; `target` is None for a party's roll-up."""

    kind: Literal["zone_move", "decline", "low_participation"]
    party: Hashable
    target: Hashable | None
    measure: str | None
    detail: dict[str, Any] = field(default_factory=dict)


def zone_alerts(previous_zone: Zone | None, current_zone: Zone | None) -> bool:
    """Whether a zone moved into distrust or no trust.

    No previous zone (a first round, or one without a zone) counts as a move: landing in
    distrust straight away is exactly what a coach must hear about.
    """
    return current_zone in WORRYING_ZONES and current_zone != previous_zone


def decline_alerts(
    changes: Mapping[str, Change | MeasureChange],
    rules: AlertRules | None = None,
    *,
    party: Hashable = None,
    target: Hashable | None = None,
) -> list[AlertSignal]:
    """Measures that dropped by at least `decline_points` with a 95% CI entirely below 0.

    With a MeasureChange the Welch change is used: its difference is the difference of the
    means the coach sees, and it covers everyone who answered, not only returning
    participants. `rules.prefer_paired` switches to the paired change when there is one.
    """
    rules = rules or AlertRules()
    signals = []
    for measure, given in changes.items():
        change = _chosen(given, rules.prefer_paired)
        if change is None:
            continue
        if change.difference <= -rules.decline_points and change.ci_high < 0:
            detail = {
                "kind": change.kind,
                "difference": change.difference,
                "ci_low": change.ci_low,
                "ci_high": change.ci_high,
                "cohens_d": change.cohens_d,
                # So the alert can say "from 62 to 45" long after the figures were computed.
                "mean_before": change.mean_before,
                "mean_after": change.mean_after,
            }
            signals.append(AlertSignal("decline", party, target, measure, detail))
    return signals


def participation_alert(response_rate: float | None, floor: float = 0.5) -> bool:
    """Whether participation is under the floor; an unknown rate (no invitations) is not."""
    return response_rate is not None and response_rate < floor


def zone_move_signal(
    party: Hashable,
    previous_zone: Zone | None,
    current_zone: Zone | None,
    *,
    target: Hashable | None = None,
) -> AlertSignal | None:
    """The zone_move alert for one party or pair, if `zone_alerts` says there is one."""
    if not zone_alerts(previous_zone, current_zone):
        return None
    detail = {"from": previous_zone.value if previous_zone else None, "to": str(current_zone)}
    return AlertSignal("zone_move", party, target, None, detail)


def participation_signal(
    party: Hashable, response_rate: float | None, rules: AlertRules | None = None
) -> AlertSignal | None:
    """The low_participation alert for one party at round close, if there is one.

    Pass responded / invited from the invitation counts: a suppressed PartyAggregate has no
    response_rate, and low participation is exactly when suppression happens.
    """
    floor = (rules or AlertRules()).participation_floor
    if not participation_alert(response_rate, floor):
        return None
    detail = {"response_rate": response_rate, "floor": floor}
    return AlertSignal("low_participation", party, None, None, detail)


def _chosen(given: Change | MeasureChange, prefer_paired: bool) -> Change | None:
    if isinstance(given, Change):
        return given
    if prefer_paired and given.paired is not None:
        return given.paired
    return given.welch
