"""The coach's dashboard of one collaboration as plain data: positions, trends, areas, pairs,
participation (counts only) and alerts. Suppressed groups carry no figures, only the flag."""

from collections import defaultdict
from dataclasses import dataclass, replace

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.infra.results_cache import Memo, memo_name
from app.models import Alert, Invitation, InvitationStatus, Party, Round, RoundStatus
from app.scoring import PairAggregate, PartyAggregate, Summary, perception_gaps
from app.scoring.aggregate import COMPLEMENTARY
from app.services.answering.durations import round_durations
from app.services.results.dashboard_views import (
    Dashboard,
    Estimate,
    Mirror,
    Participation,
    PartyView,
    Position,
    RoundView,
    ScaleView,
    Shift,
)
from app.services.results.results import RoundResult
from app.services.results.trend_types import MeasureChangeResult, RoundTrends
from app.services.results.trends import round_trends
from app.services.setup import questionnaires

ALERTS_SHOWN = 50


def build_dashboard(session: Session, *, organisation_id: int, collaboration_id: int) -> Dashboard:
    trends = round_trends(
        session, organisation_id=organisation_id, collaboration_id=collaboration_id
    )
    collaboration = trends.collaboration
    parties = session.exec(
        select(Party).where(Party.collaboration_id == collaboration_id).order_by(col(Party.id))
    ).all()
    figures = _figures_memo.get_or_make(
        memo_name(session, collaboration_id),
        trends.stamp,
        lambda: _figures(session, trends),
        size=lambda _: 0,
    )
    assert collaboration.id is not None
    alerts, open_alerts, seen_alerts = _alerts(session, collaboration_id)
    return Dashboard(
        collaboration_id=collaboration.id,
        name=collaboration.name,
        k=collaboration.anonymity_threshold,
        propensity_cutoff=collaboration.propensity_cutoff,
        analysis_cutoff=collaboration.analysis_cutoff,
        rounds=list(figures.rounds),
        parties=[PartyView(p.id or 0, p.name, p.kind.value) for p in parties],
        positions=figures.positions,
        pairs=figures.pairs,
        areas=list(figures.areas),
        shifts=list(figures.shifts),
        participation=participation(session, round_ids=[r.round.id or 0 for r in trends.rounds]),
        alerts=alerts,
        open_alerts=open_alerts,
        seen_alerts=seen_alerts,
        mirrors=figures.mirrors,
        durations=round_durations(session, round_ids=[r.round.id or 0 for r in trends.rounds]),
        open_rounds=_open_rounds(session, collaboration_id),
        moves=trends.moves,
    )


@dataclass(frozen=True, slots=True)
class _Figures:
    """What the dashboard shows of the rounds' results: a pure function of the trends."""

    rounds: tuple[RoundView, ...]
    positions: dict[tuple[int, int], Position]
    pairs: dict[tuple[int, int, int], Position]
    mirrors: dict[tuple[int, int, int], Mirror]
    areas: tuple[ScaleView, ...]
    shifts: tuple[Shift, ...]


# Turning a dozen rounds' aggregates into positions took a third of a dashboard view; they
# change only with the data behind them, so they are kept under the trends' stamp. Nothing
# may change the dicts in place (`up_to` makes new ones).
_figures_memo = Memo(max_entries=8)


def _figures(session: Session, trends: RoundTrends) -> _Figures:
    positions: dict[tuple[int, int], Position] = {}
    pairs: dict[tuple[int, int, int], Position] = {}
    mirrors: dict[tuple[int, int, int], Mirror] = {}
    for result in trends.rounds:
        round_id = result.round.id or 0
        mirrors.update(_mirrors(result, round_id))
        for party in result.aggregate.parties:
            positions[(int(party.party), round_id)] = position_of(party)  # type: ignore[call-overload]
            for pair in party.targets:
                key = (int(pair.truster), int(pair.target), round_id)  # type: ignore[call-overload]
                pairs[key] = position_of(pair)
    return _Figures(
        rounds=tuple(_round_view(session, result) for result in trends.rounds),
        positions=positions,
        pairs=pairs,
        mirrors=mirrors,
        areas=tuple(_areas(session, trends.rounds)),
        shifts=tuple(s for change in trends.changes if (s := _shift(change)) is not None),
    )


def _open_rounds(session: Session, collaboration_id: int) -> list[str]:
    query = (
        select(Round.label)
        .where(Round.collaboration_id == collaboration_id, Round.status == RoundStatus.OPEN)
        .order_by(col(Round.id))
    )
    return list(session.exec(query))


def _mirrors(result: RoundResult, round_id: int) -> dict[tuple[int, int, int], Mirror]:
    if result.roles.meta is None:
        return {}
    found = {}
    for (truster, target), gap in perception_gaps(result.aggregate).items():
        mirror = Mirror(
            suppressed=gap.suppressed,
            expected=_estimate(gap.expected),
            seen_propensity=_estimate(gap.seen_propensity),
            seen_analysis=_estimate(gap.seen_analysis),
            gap=gap.gap,
        )
        found[(int(truster), int(target), round_id)] = mirror  # type: ignore[call-overload]
    return found


def _alerts(session: Session, collaboration_id: int) -> tuple[list[Alert], int, int]:
    """The newest open and the newest seen alerts, and how many of each there are."""
    counts = {False: 0, True: 0}
    seen = col(Alert.acknowledged_at).is_not(None)
    query = select(seen, func.count()).where(Alert.collaboration_id == collaboration_id)
    for is_seen, count in session.exec(query.group_by(seen)):
        counts[bool(is_seen)] = count
    shown = [
        alert
        for condition in (col(Alert.acknowledged_at).is_(None), seen)
        for alert in session.exec(
            select(Alert)
            .where(Alert.collaboration_id == collaboration_id, condition)
            .order_by(col(Alert.id).desc())
            .limit(ALERTS_SHOWN)
        )
    ]
    return shown, counts[False], counts[True]


def round_alerts(session: Session, *, collaboration_id: int, round_id: int) -> list[Alert]:
    """Every alert of one round, open ones first, newest first (the printable report)."""
    query = (
        select(Alert)
        .where(Alert.collaboration_id == collaboration_id, Alert.round_id == round_id)
        .order_by(col(Alert.id).desc())
    )
    return sorted(session.exec(query), key=lambda alert: alert.acknowledged_at is not None)


def up_to(dashboard: Dashboard, round_id: int) -> Dashboard:
    """The dashboard as it stood at `round_id`: nothing of a later round (the printed report)."""
    ids = [r.id for r in dashboard.rounds]
    kept = set(ids[: ids.index(round_id) + 1]) if round_id in ids else set(ids)
    return replace(
        dashboard,
        rounds=[r for r in dashboard.rounds if r.id in kept],
        positions={key: p for key, p in dashboard.positions.items() if key[1] in kept},
        pairs={key: p for key, p in dashboard.pairs.items() if key[2] in kept},
        shifts=[s for s in dashboard.shifts if s.to_round_id in kept],
        participation={k: p for k, p in dashboard.participation.items() if k[1] in kept},
        alerts=[a for a in dashboard.alerts if a.round_id in kept],
        moves={round_id: m for round_id, m in dashboard.moves.items() if round_id in kept},
    )


def position_of(group: PartyAggregate | PairAggregate) -> Position:
    """The figures a coach may see; a suppressed group keeps only its flag (not even n)."""
    if group.suppressed:
        return Position(n=None, suppressed=True, complementary=group.reason == COMPLEMENTARY)
    areas = {key: e for key, s in (group.areas or {}).items() if (e := _estimate(s)) is not None}
    return Position(
        n=group.n,
        suppressed=False,
        propensity=_estimate(group.propensity),
        analysis=_estimate(group.analysis),
        zone=group.zone.value if group.zone else None,
        borderline=bool(group.borderline),
        areas=areas,
    )


def _estimate(summary: Summary | None) -> Estimate | None:
    if summary is None or summary.mean is None:
        return None
    return Estimate(summary.mean, summary.ci_low, summary.ci_high, summary.n)


def _round_view(session: Session, result: RoundResult) -> RoundView:
    round_ = result.round
    definition = questionnaires.definition_by_id(session, round_.questionnaire_id)
    return RoundView(
        id=round_.id or 0,
        label=round_.label,
        phase=round_.phase.value,
        status=round_.status.value,
        moment=round_.opens_at or round_.opened_at or round_.created_at,
        closes_at=round_.closes_at or round_.closed_at,
        form=definition.key,
        form_title={"nl": definition.title.nl, "en": definition.title.en},
    )


def _areas(session: Session, results: list[RoundResult]) -> list[ScaleView]:
    """Area scales in questionnaire order, from the latest round's questionnaire."""
    if not results:
        return []
    definition = questionnaires.definition_by_id(session, results[-1].round.questionnaire_id)
    return [ScaleView(s.key, {"nl": s.title.nl, "en": s.title.en}) for s in definition.area_scales]


def _shift(change: MeasureChangeResult) -> Shift | None:
    if change.target_party_id is not None:
        return None
    welch = change.change.welch or change.change.paired
    if welch is None:
        return None
    return Shift(
        party_id=change.party_id,
        measure=change.measure,
        from_round_id=change.from_round_id,
        to_round_id=change.to_round_id,
        difference=welch.difference,
        ci_low=welch.ci_low,
        ci_high=welch.ci_high,
    )


def participation(
    session: Session, *, round_ids: list[int]
) -> dict[tuple[int, int], Participation]:
    """Invited, started and submitted per party per round: counts, never who."""
    if not round_ids:
        return {}
    query = (
        select(Invitation.party_id, Invitation.round_id, Invitation.status, func.count())
        .where(col(Invitation.round_id).in_(round_ids))
        .where(Invitation.status != InvitationStatus.REVOKED)
        .group_by(col(Invitation.party_id), col(Invitation.round_id), col(Invitation.status))
    )
    counts: dict[tuple[int, int], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for party_id, round_id, status, count in session.exec(query):
        counts[(party_id, round_id)][InvitationStatus(status).value] += count
    return {
        key: Participation(
            invited=sum(by_status.values()),
            started=by_status["started"],
            submitted=by_status["submitted"],
        )
        for key, by_status in counts.items()
    }
