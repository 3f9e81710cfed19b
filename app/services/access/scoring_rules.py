"""A collaboration's scoring settings as the scoring core's rule objects."""

from app.models import Collaboration
from app.scoring import AggregationRules, AlertRules, ZoneRules


def zone_rules(collaboration: Collaboration) -> ZoneRules:
    return ZoneRules(
        propensity_cutoff=collaboration.propensity_cutoff,
        analysis_cutoff=collaboration.analysis_cutoff,
        borderline_margin=collaboration.borderline_margin,
    )


def aggregation_rules(collaboration: Collaboration) -> AggregationRules:
    return AggregationRules(
        k=collaboration.anonymity_threshold, zone_rules=zone_rules(collaboration)
    )


def alert_rules(collaboration: Collaboration) -> AlertRules:
    return AlertRules(
        decline_points=collaboration.alert_decline_points,
        participation_floor=collaboration.alert_participation_percent / 100,
    )
