"""The coach's home: per collaboration where it stands, newest activity first."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.models import Alert, Collaboration, Participant, Party, Response, Round
from app.services.results.dashboard import Dashboard, Participation, build_dashboard
from app.services.results.story import default_round_id


@dataclass(frozen=True, slots=True)
class PartyStatus:
    name: str
    suppressed: bool
    zone: str | None
    previous_zone: str | None  # in the round before, when both rounds show the party
    direction: str | None  # up, down, mixed, steady; None without a round to compare with


@dataclass(frozen=True, slots=True)
class CollaborationStatus:
    collaboration: Collaboration
    parties: int
    participants: int
    rounds: int  # measured rounds (opened at least once)
    current_label: str | None  # the newest measured round
    current_status: str | None
    current_participation: Participation | None  # summed over the parties
    shown_label: str | None  # the round the zones are from (the newest with figures)
    positions: list[PartyStatus]
    open_alerts: int
    last_activity: datetime


def collaboration_statuses(session: Session, *, organisation_id: int) -> list[CollaborationStatus]:
    found = session.exec(
        select(Collaboration).where(Collaboration.organisation_id == organisation_id)
    ).all()
    ids = [c.id for c in found]
    counts = _counts(session, ids)
    activity = _activity(session, ids)
    statuses = []
    for collaboration in found:
        key = collaboration.id or 0
        dashboard = build_dashboard(session, organisation_id=organisation_id, collaboration_id=key)
        statuses.append(
            _status(
                collaboration,
                dashboard,
                parties=counts["parties"].get(key, 0),
                participants=counts["participants"].get(key, 0),
                last_activity=max(activity.get(key, []), default=collaboration.created_at),
            )
        )
    return sorted(statuses, key=lambda s: s.last_activity, reverse=True)


def _status(
    collaboration: Collaboration,
    dashboard: Dashboard,
    *,
    parties: int,
    participants: int,
    last_activity: datetime,
) -> CollaborationStatus:
    current = dashboard.rounds[-1] if dashboard.rounds else None
    shown = default_round_id(dashboard)
    cells = [p for (_, r), p in dashboard.participation.items() if current and r == current.id]
    total = Participation(
        invited=sum(c.invited for c in cells),
        started=sum(c.started for c in cells),
        submitted=sum(c.submitted for c in cells),
    )
    return CollaborationStatus(
        collaboration=collaboration,
        parties=parties,
        participants=participants,
        rounds=len(dashboard.rounds),
        current_label=current.label if current else None,
        current_status=current.status if current else None,
        current_participation=total if cells else None,
        shown_label=next((r.label for r in dashboard.rounds if r.id == shown), None),
        positions=[] if shown is None else _positions(dashboard, shown),
        open_alerts=dashboard.open_alerts,
        last_activity=last_activity,
    )


def _positions(dashboard: Dashboard, round_id: int) -> list[PartyStatus]:
    ids = [r.id for r in dashboard.rounds]
    before_id = ids[ids.index(round_id) - 1] if ids.index(round_id) else None
    found = []
    for party in dashboard.parties:
        now = dashboard.position(party.id, round_id)
        if now is None:
            continue
        if now.suppressed:
            found.append(PartyStatus(party.name, True, None, None, None))
            continue
        before = dashboard.position(party.id, before_id) if before_id else None
        compared = before is not None and not before.suppressed
        found.append(
            PartyStatus(
                party.name,
                False,
                now.zone,
                before.zone if compared and before else None,
                _direction(dashboard, party.id, round_id) if compared else None,
            )
        )
    return found


def _direction(dashboard: Dashboard, party_id: int, round_id: int) -> str:
    """Up or down only when propensity or analysis clearly moved (95% CI), else steady."""
    moved = set()
    for measure in ("propensity", "analysis"):
        shift = dashboard.shift(party_id, measure, round_id)
        if shift is not None and shift.significant:
            moved.add("up" if shift.difference > 0 else "down")
    if len(moved) == 2:
        return "mixed"
    return moved.pop() if moved else "steady"


def _counts(session: Session, ids: list[int | None]) -> dict[str, dict[int, int]]:
    parties = select(Party.collaboration_id, func.count()).where(
        col(Party.collaboration_id).in_(ids)
    )
    people = (
        select(Party.collaboration_id, func.count(col(Participant.id)))
        .join(Participant, col(Participant.party_id) == col(Party.id))
        .where(col(Party.collaboration_id).in_(ids), col(Participant.erased_at).is_(None))
    )
    return {
        "parties": dict(session.exec(parties.group_by(col(Party.collaboration_id))).all()),
        "participants": dict(session.exec(people.group_by(col(Party.collaboration_id))).all()),
    }


def _activity(session: Session, ids: list[int | None]) -> dict[int, list[datetime]]:
    """When something last happened: a round made, opened or closed, an answer, an alert."""
    moments: dict[int, list[datetime]] = {}
    queries = [
        select(Round.collaboration_id, func.max(column))
        .where(col(Round.collaboration_id).in_(ids))
        .group_by(col(Round.collaboration_id))
        for column in (col(Round.created_at), col(Round.opened_at), col(Round.closed_at))
    ]
    queries.append(
        select(Round.collaboration_id, func.max(col(Response.submitted_at)))
        .join(Response, col(Response.round_id) == col(Round.id))
        .where(col(Round.collaboration_id).in_(ids))
        .group_by(col(Round.collaboration_id))
    )
    queries.append(
        select(Alert.collaboration_id, func.max(col(Alert.created_at)))
        .where(col(Alert.collaboration_id).in_(ids))
        .group_by(col(Alert.collaboration_id))
    )
    for query in queries:
        for collaboration_id, moment in session.exec(query).all():
            if moment is not None:
                moments.setdefault(collaboration_id, []).append(moment)
    return moments
