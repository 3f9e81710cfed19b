"""API shapes of results: round scores, reliability, trends and alerts (no tables here)."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from app.scoring import MeasureChange, PairAggregate, PartyAggregate, PerceptionGap, Summary
from app.scoring.statistics import Change

SUPPRESSED_NOTE = "Fewer than k respondents: figures are withheld to protect anonymity."
COMPLEMENTARY_NOTE = (
    "Withheld so that a smaller group cannot be worked out from the figures that are shown."
)
NOTES = {"fewer_than_k": SUPPRESSED_NOTE, "complementary": COMPLEMENTARY_NOTE}


class SummaryOut(BaseModel):
    n: int
    mean: float | None
    sd: float | None
    ci: list[float | None] = Field(description="95% t confidence interval [low, high].")

    @classmethod
    def of(cls, summary: Summary | None) -> "SummaryOut | None":
        if summary is None:
            return None
        return cls(
            n=summary.n, mean=summary.mean, sd=summary.sd, ci=[summary.ci_low, summary.ci_high]
        )


class GroupScoresOut(BaseModel):
    n: int | None = Field(description="Respondents; null when suppressed.")
    suppressed: bool
    suppressed_reason: str | None = Field(
        default=None,
        description="Why figures are withheld: `fewer_than_k` (this group has fewer than k "
        "respondents) or `complementary` (it has k or more, but shown beside the other figures "
        "it would reveal a smaller hidden group).",
    )
    note: str | None = None
    propensity: SummaryOut | None
    analysis: SummaryOut | None
    areas: dict[str, SummaryOut] | None
    zone: str | None = Field(description="blind_trust, smart_trust, no_trust or distrust.")
    borderline: bool | None
    zone_counts: dict[str, int] | None
    unclassified: int | None = None


def _group_fields(group: PartyAggregate | PairAggregate) -> dict[str, Any]:
    return {
        "n": group.n,
        "suppressed": group.suppressed,
        "suppressed_reason": group.reason if group.suppressed else None,
        "note": NOTES.get(group.reason or "fewer_than_k") if group.suppressed else None,
        "propensity": SummaryOut.of(group.propensity),
        "analysis": SummaryOut.of(group.analysis),
        "areas": None
        if group.areas is None
        else {key: SummaryOut.of(value) for key, value in group.areas.items()},
        "zone": group.zone.value if group.zone else None,
        "borderline": group.borderline,
        "zone_counts": None
        if group.zone_counts is None
        else {zone.value: count for zone, count in group.zone_counts.items()},
        "unclassified": group.unclassified,
    }


class PerceptionOut(BaseModel):
    """The perception gap of a directed pair A -> B (see docs/perception-gap.md)."""

    expected: SummaryOut | None = Field(
        description="How A thinks B trusts A: the mean of A's meta scale about B (0-100)."
    )
    seen_propensity: SummaryOut | None = Field(description="B's propensity to trust A.")
    seen_analysis: SummaryOut | None = Field(description="B's analysis of A.")
    gap: float | None = Field(
        description="expected minus seen_propensity, in points; positive: A thinks it is "
        "trusted more than it is. Null unless both sides are shown."
    )
    suppressed: bool = Field(description="Either side has fewer than k respondents.")

    @classmethod
    def of(cls, gap: PerceptionGap) -> "PerceptionOut":
        return cls(
            expected=SummaryOut.of(gap.expected),
            seen_propensity=SummaryOut.of(gap.seen_propensity),
            seen_analysis=SummaryOut.of(gap.seen_analysis),
            gap=gap.gap,
            suppressed=gap.suppressed,
        )


class PairScoresOut(GroupScoresOut):
    target_party_id: int
    meta: SummaryOut | None = Field(
        default=None, description="How the truster thinks the target trusts it (meta scale)."
    )
    perception: PerceptionOut | None = Field(
        default=None, description="Only when the round's questionnaire has a meta scale."
    )

    @classmethod
    def of(cls, pair: PairAggregate, gap: PerceptionGap | None = None) -> "PairScoresOut":
        return cls(
            target_party_id=int(pair.target),  # type: ignore[call-overload]
            meta=SummaryOut.of(pair.meta),
            perception=PerceptionOut.of(gap) if gap else None,
            **_group_fields(pair),
        )


class PartyScoresOut(GroupScoresOut):
    party_id: int
    invited: int
    response_rate: float | None
    targets: list[PairScoresOut]

    @classmethod
    def of(
        cls, party: PartyAggregate, gaps: Mapping[tuple[Any, Any], PerceptionGap] | None = None
    ) -> "PartyScoresOut":
        gaps = gaps or {}
        return cls(
            party_id=int(party.party),  # type: ignore[call-overload]
            invited=party.invited,
            response_rate=party.response_rate,
            targets=[
                PairScoresOut.of(pair, gaps.get((pair.truster, pair.target)))
                for pair in party.targets
            ],
            **_group_fields(party),
        )


class RoundScoresOut(BaseModel):
    round_id: int
    k: int = Field(description="The anonymity threshold: smaller groups are suppressed.")
    parties: list[PartyScoresOut]


class ReliabilityOut(BaseModel):
    key: str
    role: str
    alpha: float | None
    ci: list[float] | None = Field(description="95% Feldt confidence interval of alpha.")
    n: int = Field(description="Complete responses used (listwise).")
    suppressed: bool


class ChangeOut(BaseModel):
    kind: str = Field(description="welch (independent groups) or paired (same participants).")
    n_before: int
    n_after: int
    difference: float = Field(description="Mean after minus mean before (0-100 points).")
    ci: list[float]
    cohens_d: float | None
    d_sd: str = Field(description="Which SD Cohen's d divides by.")

    @classmethod
    def of(cls, change: Change | None) -> "ChangeOut | None":
        if change is None:
            return None
        return cls(
            kind=change.kind,
            n_before=change.n_before,
            n_after=change.n_after,
            difference=change.difference,
            ci=[change.ci_low, change.ci_high],
            cohens_d=change.cohens_d,
            d_sd=change.d_sd,
        )


class MeasureChangeOut(BaseModel):
    from_round_id: int
    to_round_id: int
    measure: str
    welch: ChangeOut | None
    paired: ChangeOut | None
    n_shared: int

    @classmethod
    def of(
        cls, from_round_id: int, to_round_id: int, measure: str, change: MeasureChange
    ) -> "MeasureChangeOut":
        return cls(
            from_round_id=from_round_id,
            to_round_id=to_round_id,
            measure=measure,
            welch=ChangeOut.of(change.welch),
            paired=ChangeOut.of(change.paired),
            n_shared=change.n_shared,
        )


class RoundRefOut(BaseModel):
    id: int
    label: str
    phase: str
    status: str
    opens_at: datetime | None
    closes_at: datetime | None
    opened_at: datetime | None
    closed_at: datetime | None


class RoundPointOut(GroupScoresOut):
    round_id: int


class PairTrendOut(BaseModel):
    target_party_id: int
    rounds: list[RoundPointOut]
    changes: list[MeasureChangeOut]


class PartyTrendOut(BaseModel):
    party_id: int
    name: str
    rounds: list[RoundPointOut]
    response_rates: dict[int, float | None]
    changes: list[MeasureChangeOut]
    targets: list[PairTrendOut]


class AlertPublic(BaseModel):
    id: int
    round_id: int
    party_id: int
    target_party_id: int | None
    kind: str
    measure: str
    detail: dict[str, Any]
    created_at: datetime
    acknowledged_at: datetime | None
    acknowledged_note: str | None = Field(
        default=None, description="What the coach noted when marking the alert as seen."
    )


class TrendsOut(BaseModel):
    collaboration_id: int
    k: int
    rounds: list[RoundRefOut]
    parties: list[PartyTrendOut]
    alerts: list[AlertPublic]
