"""Alerts grouped by round and told in words, each with the guidance it calls for."""

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from app.errors import NotFound
from app.models import Alert
from app.scoring.story_alerts import AlertFacts, tell_alert
from app.services.results.dashboard import Dashboard, Estimate, Position
from app.services.results.guidance import all_guidance
from app.services.results.story import default_round_id, measure_titles, wording_for

# A collaboration with many rounds has hundreds of alerts. The dashboard tells the newest
# round's and the chosen round's (their newest are enough to act on) and only counts the
# others: telling every round made the page a megabyte. A round's page tells them all, a page
# at a time.
ALERTS_PER_ROUND = 50
ALERTS_PER_PAGE = 25


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
    alerts: list[AlertView]  # open ones first, newest first; empty when only counted
    total: int
    open: int
    in_full: bool = True  # told (alerts above), or only counted


@dataclass(frozen=True, slots=True)
class AlertPage:
    """One page of one round's alerts."""

    round: AlertRound | None  # none: the collaboration has no measured round yet
    page: int  # from 1
    pages: int  # at least 1, also for a round without alerts
    rounds: list[AlertRound]  # every round with alerts, counted only: to go to another


def alert_rounds(
    session: Session, *, dashboard: Dashboard, language: str, selected_round_id: int | None = None
) -> list[AlertRound]:
    """Rounds with alerts, newest first: the newest of them and the selected round told (their
    newest ALERTS_PER_ROUND alerts), the others only counted."""
    counted = _counted_rounds(session, dashboard)
    if not counted:
        return []
    in_full = {counted[0].round_id, selected_round_id}
    telling = _Telling(dashboard, language)
    return [
        _told(session, telling, found, limit=ALERTS_PER_ROUND)
        if found.round_id in in_full
        else found
        for found in counted
    ]


def round_alerts(
    session: Session, *, dashboard: Dashboard, round_id: int, language: str, limit: int
) -> AlertRound:
    """The newest `limit` alerts of one round told (open ones first), for the round's report."""
    counted = {found.round_id: found for found in _counted_rounds(session, dashboard)}
    found = counted.get(round_id) or _empty_round(dashboard, round_id)
    return _told(session, _Telling(dashboard, language), found, limit=limit)


def alert_page(
    session: Session,
    *,
    dashboard: Dashboard,
    round_id: int | None,
    language: str,
    page: int = 1,
    per_page: int = ALERTS_PER_PAGE,
) -> AlertPage:
    """A page of one round's alerts; without a round, the newest round with alerts. A page
    past the end shows the last one (alerts may have gone since the link was made)."""
    counted = _counted_rounds(session, dashboard)
    if round_id is None:
        round_id = counted[0].round_id if counted else default_round_id(dashboard)
    if round_id is None:
        return AlertPage(round=None, page=1, pages=1, rounds=[])
    found = next((c for c in counted if c.round_id == round_id), None)
    found = found or _empty_round(dashboard, round_id)
    pages = max(1, -(-found.total // per_page))
    page = min(max(page, 1), pages)
    told = _told(
        session, _Telling(dashboard, language), found, limit=per_page, offset=(page - 1) * per_page
    )
    return AlertPage(round=told, page=page, pages=pages, rounds=counted)


def _counted_rounds(session: Session, dashboard: Dashboard) -> list[AlertRound]:
    """The dashboard's rounds that have alerts, newest first, with how many and how many open."""
    counts = _counts(session, dashboard.collaboration_id)
    return [
        AlertRound(round_.id, number, round_.label, [], *counts[round_.id], in_full=False)
        for number, round_ in reversed(list(enumerate(dashboard.rounds, start=1)))
        if counts.get(round_.id, (0, 0))[0]
    ]


def _empty_round(dashboard: Dashboard, round_id: int) -> AlertRound:
    """A round of the dashboard without alerts; NotFound for any other round."""
    for number, round_ in enumerate(dashboard.rounds, start=1):
        if round_.id == round_id:
            return AlertRound(round_id, number, round_.label, [], 0, 0, in_full=False)
    raise NotFound(f"No round {round_id} in this collaboration.")


def _told(
    session: Session, telling: "_Telling", found: AlertRound, *, limit: int, offset: int = 0
) -> AlertRound:
    alerts = session.exec(
        select(Alert)
        .where(Alert.collaboration_id == telling.dashboard.collaboration_id)
        .where(Alert.round_id == found.round_id)
        .order_by(col(Alert.acknowledged_at).is_not(None), col(Alert.id).desc())
        .offset(offset)
        .limit(limit)
    ).all()
    return replace(found, alerts=[telling.view(alert) for alert in alerts], in_full=True)


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
