"""Alerts grouped by round and told in words, each with the guidance it calls for."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from app.models import Alert
from app.scoring.story_alerts import AlertFacts, tell_alert
from app.services.results.dashboard import Dashboard, Estimate, Position
from app.services.results.guidance import all_guidance
from app.services.results.story import measure_titles, wording_for

# A collaboration with many rounds has hundreds of alerts; a round's newest are enough to act
# on, and the page stays small.
ALERTS_PER_ROUND = 50


@dataclass(frozen=True, slots=True)
class AlertView:
    id: int
    kind: str
    subject: str
    what: str
    sureness: str
    guidance_anchor: str | None
    guidance_title: str | None
    acknowledged_at: datetime | None
    note: str | None


@dataclass(frozen=True, slots=True)
class AlertRound:
    round_id: int
    number: int  # the round's place in the collaboration, from 1
    label: str
    alerts: list[AlertView]  # open ones first, newest first
    total: int
    open: int


def alert_rounds(
    session: Session, *, dashboard: Dashboard, language: str, until_round_id: int | None = None
) -> list[AlertRound]:
    """Rounds with alerts, newest first; none after `until_round_id` when it is given."""
    rounds = list(dashboard.rounds)
    if until_round_id is not None:
        rounds = rounds[: [r.id for r in rounds].index(until_round_id) + 1]
    counts = _counts(session, dashboard.collaboration_id)
    telling = _Telling(dashboard, language)
    told = []
    for number, round_ in reversed(list(enumerate(rounds, start=1))):
        total, open_ = counts.get(round_.id, (0, 0))
        if not total:
            continue
        alerts = session.exec(
            select(Alert)
            .where(Alert.collaboration_id == dashboard.collaboration_id)
            .where(Alert.round_id == round_.id)
            .order_by(col(Alert.acknowledged_at).is_not(None), col(Alert.id).desc())
            .limit(ALERTS_PER_ROUND)
        ).all()
        views = [telling.view(alert) for alert in alerts]
        told.append(AlertRound(round_.id, number, round_.label, views, total, open_))
    return told


def _counts(session: Session, collaboration_id: int) -> dict[int, tuple[int, int]]:
    """Per round: how many alerts, and how many of them are still open."""
    still_open = func.sum(case((col(Alert.acknowledged_at).is_(None), 1), else_=0))
    query = (
        select(Alert.round_id, func.count(), still_open)
        .where(Alert.collaboration_id == collaboration_id)
        .group_by(col(Alert.round_id))
    )
    return {round_id: (total, int(open_ or 0)) for round_id, total, open_ in session.exec(query)}


class _Telling:
    """What every alert of a dashboard is told with, looked up once for all of them."""

    def __init__(self, dashboard: Dashboard, language: str) -> None:
        self.dashboard = dashboard
        self.wording = wording_for(language)
        self.names = {p.id: p.name for p in dashboard.parties}
        self.titles = measure_titles(dashboard, language)
        self.guidance = {g.key: g for g in all_guidance(self.wording.gettext)}

    def view(self, alert: Alert) -> AlertView:
        subject = self.names.get(alert.party_id, "?")
        if alert.target_party_id is not None:
            subject = self.wording.gettext("%(truster)s about %(target)s") % {
                "truster": subject,
                "target": self.names.get(alert.target_party_id, "?"),
            }
        detail = alert.detail or {}
        before, after = _means(alert, self.dashboard)
        facts = AlertFacts(
            kind=alert.kind.value,
            subject=subject,
            measure=self.titles.get(alert.measure, alert.measure),
            before=detail.get("mean_before", before),
            after=detail.get("mean_after", after),
            ci_low=detail.get("ci_low"),
            ci_high=detail.get("ci_high"),
            zone_from=detail.get("from"),
            zone_to=detail.get("to"),
            response_rate=detail.get("response_rate"),
        )
        words = tell_alert(facts, wording=self.wording)
        guidance = self.guidance.get(_guidance_key(alert))
        return AlertView(
            id=alert.id or 0,
            kind=alert.kind.value,
            subject=subject,
            what=words.what,
            sureness=words.sureness,
            guidance_anchor=guidance.anchor if guidance else None,
            guidance_title=guidance.title if guidance else None,
            acknowledged_at=alert.acknowledged_at,
            note=alert.acknowledged_note,
        )


def _guidance_key(alert: Alert) -> str:
    if alert.kind.value == "zone_move":
        return str((alert.detail or {}).get("to", ""))
    if alert.kind.value == "low_participation":
        return "participation"
    return alert.measure


def _means(alert: Alert, dashboard: Dashboard) -> tuple[float | None, float | None]:
    """Before and after from the shown figures, for alerts stored without them."""
    ids = [r.id for r in dashboard.rounds]
    if alert.kind.value != "decline" or alert.round_id not in ids:
        return None, None
    index = ids.index(alert.round_id)
    if index == 0:
        return None, None

    def mean(round_id: int) -> float | None:
        position: Position | None
        if alert.target_party_id is None:
            position = dashboard.position(alert.party_id, round_id)
        else:
            position = dashboard.pairs.get((alert.party_id, alert.target_party_id, round_id))
        found = _measure(position, alert.measure)
        return found.mean if found else None

    return mean(ids[index - 1]), mean(alert.round_id)


def _measure(position: Position | None, measure: str) -> Estimate | None:
    if position is None or position.suppressed:
        return None
    if measure == "propensity":
        return position.propensity
    if measure == "analysis":
        return position.analysis
    return position.areas.get(measure)
