"""Placing propensity and analysis scores in Covey's Smart Trust matrix."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Zone(StrEnum):
    """The four quadrants of the matrix; the values are the API strings."""

    BLIND_TRUST = "blind_trust"
    SMART_TRUST = "smart_trust"
    NO_TRUST = "no_trust"
    DISTRUST = "distrust"


@dataclass(frozen=True, slots=True)
class ZoneRules:
    """Cut-offs on the 0-100 scores, and how close to a cut-off counts as borderline."""

    propensity_cutoff: float = 50.0
    analysis_cutoff: float = 50.0
    borderline_margin: float = 5.0


DEFAULT_ZONE_RULES = ZoneRules()


def classify(
    propensity: float | None, analysis: float | None, rules: ZoneRules = DEFAULT_ZONE_RULES
) -> Zone | None:
    """The zone of one pair of scores; a score exactly on its cut-off counts as low."""
    if propensity is None or analysis is None:
        return None
    high_propensity = propensity > rules.propensity_cutoff
    high_analysis = analysis > rules.analysis_cutoff
    if high_propensity:
        return Zone.SMART_TRUST if high_analysis else Zone.BLIND_TRUST
    return Zone.DISTRUST if high_analysis else Zone.NO_TRUST


def is_borderline(
    propensity: float | None, analysis: float | None, rules: ZoneRules = DEFAULT_ZONE_RULES
) -> bool:
    """Whether either score lies within the margin (inclusive) of its cut-off."""
    if propensity is None or analysis is None:
        return False
    margin = rules.borderline_margin
    return (
        abs(propensity - rules.propensity_cutoff) <= margin
        or abs(analysis - rules.analysis_cutoff) <= margin
    )
