"""The figures of one group of respondents: summaries per measure, zone, zone counts."""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable, Iterable, Mapping, Set
from dataclasses import dataclass
from typing import Any, Protocol

from app.scoring.questionnaire import QuestionnaireDefinition
from app.scoring.statistics import Summary, summarize
from app.scoring.zones import Zone, ZoneRules, classify, is_borderline


class ScoredRow(Protocol):
    """Anything carrying one respondent's scale scores about one target."""

    @property
    def participant_key(self) -> str: ...
    @property
    def truster_party(self) -> Hashable: ...
    @property
    def scales(self) -> Mapping[str, float | None]: ...


@dataclass(frozen=True, slots=True)
class ScaleRoles:
    """Which scale keys are propensity, analysis, the areas and the meta-perception."""

    propensity: str
    analysis: str
    areas: tuple[str, ...] = ()
    meta: str | None = None

    @classmethod
    def of(cls, definition: QuestionnaireDefinition) -> ScaleRoles:
        meta = definition.meta_scale
        return cls(
            propensity=definition.propensity_scale.key,
            analysis=definition.analysis_scale.key,
            areas=tuple(s.key for s in definition.area_scales),
            meta=meta.key if meta else None,
        )

    @property
    def coordinates(self) -> tuple[str, str]:
        return (self.propensity, self.analysis)

    @property
    def measures(self) -> tuple[str, ...]:
        # The meta scale is suppressed like any measure, but it is no area of trust.
        meta = (self.meta,) if self.meta else ()
        return (self.propensity, self.analysis, *self.areas, *meta)


@dataclass(frozen=True, slots=True)
class Figures:
    """What a shown group reports; withheld or empty measures are None or left out of areas."""

    propensity: Summary | None
    analysis: Summary | None
    areas: dict[str, Summary]
    zone: Zone | None
    borderline: bool | None
    zone_counts: dict[Zone, int] | None
    unclassified: int | None
    meta: Summary | None = None

    def fields(self) -> dict[str, Any]:
        """The figures as keyword arguments for the aggregate dataclasses."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}


HIDDEN_FIGURES: dict[str, Any] = {
    "propensity": None,
    "analysis": None,
    "areas": None,
    "zone": None,
    "borderline": None,
    "zone_counts": None,
    "unclassified": None,
    "meta": None,
}


RespondentKey = tuple[Hashable, str]


def respondent_means(rows: Iterable[ScoredRow]) -> dict[RespondentKey, dict[str, float | None]]:
    """Each respondent's score per scale, averaged over their rows (targets), empties ignored."""
    collected: dict[RespondentKey, dict[str, list[float]]] = {}
    for row in rows:
        scales = collected.setdefault((row.truster_party, row.participant_key), {})
        for key, value in row.scales.items():
            # A scale empty on every target still gets a key (with None as its mean).
            values = scales.setdefault(key, [])
            if value is not None:
                values.append(value)
    return {
        who: {key: sum(v) / len(v) if v else None for key, v in scales.items()}
        for who, scales in collected.items()
    }


ZONE_COUNTS = "#zone_counts"
"""Pseudo-measure for the zone counts; `#` cannot occur in a scale key."""


def measure_counts(
    respondents: Mapping[RespondentKey, Mapping[str, float | None]], roles: ScaleRoles
) -> dict[str, int]:
    """How many respondents each measure rests on, for deciding what to withhold."""
    counts = {key: 0 for key in roles.measures}
    counts[ZONE_COUNTS] = 0
    for scales in respondents.values():
        for key in roles.measures:
            counts[key] += scales.get(key) is not None
        # A respondent has a zone exactly when both coordinates are present.
        counts[ZONE_COUNTS] += all(scales.get(key) is not None for key in roles.coordinates)
    return counts


def group_figures(
    respondents: Mapping[RespondentKey, Mapping[str, float | None]],
    roles: ScaleRoles,
    zone_rules: ZoneRules,
    withheld: Set[str] = frozenset(),
) -> Figures:
    """Figures over respondents; `withheld` measures (and `ZONE_COUNTS`) are left out."""
    summaries = {
        key: summarize(values)
        for key in roles.measures
        if key not in withheld and (values := _values(respondents, key))
    }
    propensity = summaries.get(roles.propensity)
    analysis = summaries.get(roles.analysis)
    zone = None
    borderline = None
    if propensity is not None and analysis is not None:
        zone = classify(propensity.mean, analysis.mean, zone_rules)
        borderline = is_borderline(propensity.mean, analysis.mean, zone_rules)
    counts, unclassified = None, None
    if ZONE_COUNTS not in withheld:
        counts, unclassified = _zone_counts(respondents, roles, zone_rules)
    areas = {key: summaries[key] for key in roles.areas if key in summaries}
    meta = summaries.get(roles.meta) if roles.meta else None
    return Figures(propensity, analysis, areas, zone, borderline, counts, unclassified, meta)


def _values(
    respondents: Mapping[RespondentKey, Mapping[str, float | None]], key: str
) -> list[float]:
    return [v for scales in respondents.values() if (v := scales.get(key)) is not None]


def _zone_of(
    scales: Mapping[str, float | None], roles: ScaleRoles, zone_rules: ZoneRules
) -> Zone | None:
    return classify(scales.get(roles.propensity), scales.get(roles.analysis), zone_rules)


def _zone_counts(
    respondents: Mapping[RespondentKey, Mapping[str, float | None]],
    roles: ScaleRoles,
    zone_rules: ZoneRules,
) -> tuple[dict[Zone, int], int]:
    counts = dict.fromkeys(Zone, 0)
    unclassified = 0
    for scales in respondents.values():
        zone = _zone_of(scales, roles, zone_rules)
        if zone is None:
            unclassified += 1
        else:
            counts[zone] += 1
    return counts, unclassified
