"""Alerts: raised when a round closes, listed on the dashboard and in trends, acknowledged."""

from sqlmodel import Session, col, select

from app.errors import FieldProblem, InvalidInput, NotFound
from app.infra.unit_of_work import unit_of_work
from app.models import Alert, AlertKind, Collaboration, Round, utcnow
from app.models.alert import NOTE_MAX_LENGTH
from app.models.base import refuse_invisible_characters
from app.scoring import AlertRules, AlertSignal, participation_signal, zone_move_signal
from app.scoring import decline_alerts as decline_signals
from app.services.access.lookups import get_collaboration
from app.services.access.scoring_rules import alert_rules
from app.services.messaging import events
from app.services.results.results import RoundResult, measured_rounds, results_for_rounds
from app.services.results.trends import changes_between


def raise_round_alerts(
    session: Session, *, collaboration: Collaboration, round_: Round
) -> list[Alert]:
    """Store the alerts a round produces against the round before it (within the caller's
    write transaction; does not commit). Alerts already stored are not raised twice."""
    rounds = measured_rounds(session, collaboration_id=round_.collaboration_id)
    position = next(i for i, r in enumerate(rounds) if r.id == round_.id)
    pair = rounds[max(0, position - 1) : position + 1]
    results = results_for_rounds(session, collaboration=collaboration, rounds=pair)
    current = results[-1]
    previous = results[0] if len(results) == 2 else None
    rules = alert_rules(collaboration)
    signals = _zone_signals(previous, current) + _participation_signals(current, rules)
    if previous is not None:
        for change in changes_between(previous, current):
            signals += decline_signals(
                {change.measure: change.change},
                rules,
                party=change.party_id,
                target=change.target_party_id,
            )
    return _store(session, collaboration, current, signals)


def _zone_signals(previous: RoundResult | None, current: RoundResult) -> list[AlertSignal]:
    before = {p.party: p for p in previous.aggregate.parties} if previous else {}
    signals = []
    for party in current.aggregate.parties:
        if party.suppressed:
            continue
        earlier = before.get(party.party)
        zone_before = earlier.zone if earlier is not None and not earlier.suppressed else None
        signal = zone_move_signal(party.party, zone_before, party.zone)
        if signal is not None:
            signals.append(signal)
    return signals


def _participation_signals(current: RoundResult, rules: AlertRules) -> list[AlertSignal]:
    signals = []
    for party in current.aggregate.parties:
        if party.invited == 0:
            continue
        rate = current.responded.get(int(party.party), 0) / party.invited  # type: ignore[call-overload]
        signal = participation_signal(party.party, rate, rules)
        if signal is not None:
            signals.append(signal)
    return signals


def _store(
    session: Session, collaboration: Collaboration, result: RoundResult, signals: list[AlertSignal]
) -> list[Alert]:
    assert collaboration.id is not None and result.round.id is not None
    existing: set[tuple[object, object, str, str]] = {
        (a.party_id, a.target_party_id, a.kind.value, a.measure)
        for a in session.exec(select(Alert).where(Alert.round_id == result.round.id))
    }
    stored = []
    for signal in signals:
        key = (signal.party, signal.target, signal.kind, signal.measure or "")
        if key in existing:
            continue
        existing.add(key)
        alert = Alert(
            collaboration_id=collaboration.id,
            round_id=result.round.id,
            party_id=int(signal.party),  # type: ignore[call-overload]
            target_party_id=None if signal.target is None else int(signal.target),  # type: ignore[call-overload]
            kind=AlertKind(signal.kind),
            measure=signal.measure or "",
            detail=dict(signal.detail),
        )
        session.add(alert)
        stored.append(alert)
    session.flush()
    for alert in stored:
        events.emit(
            session,
            organisation_id=collaboration.organisation_id,
            event="alert.raised",
            data={
                "alert_id": alert.id,
                "collaboration_id": collaboration.id,
                "round_id": alert.round_id,
                "party_id": alert.party_id,
                "target_party_id": alert.target_party_id,
                "kind": alert.kind.value,
                "measure": alert.measure,
            },
        )
    return stored


def list_alerts(
    session: Session, *, organisation_id: int, collaboration_id: int, open_only: bool = False
) -> list[Alert]:
    get_collaboration(session, organisation_id=organisation_id, collaboration_id=collaboration_id)
    query = select(Alert).where(Alert.collaboration_id == collaboration_id)
    if open_only:
        query = query.where(col(Alert.acknowledged_at).is_(None))
    return list(session.exec(query.order_by(col(Alert.id).desc())))


def acknowledge_alert(
    session: Session,
    *,
    organisation_id: int,
    alert_id: int,
    user_id: int | None,
    collaboration_id: int | None = None,
    note: str | None = None,
) -> Alert:
    """Mark an alert as seen, with what the coach noted. Seen once stays seen (the first
    moment and person are kept); a note given later is added when there was none."""
    note = (note or "").strip() or None
    if note is not None and len(note) > NOTE_MAX_LENGTH:
        problem = FieldProblem("note", f"At most {NOTE_MAX_LENGTH} characters.")
        raise InvalidInput("The note is too long.", problems=[problem], code="alert.note_too_long")
    if note is not None:
        refuse_invisible_characters(note, field="note", code="alert.note_control_characters")
    with unit_of_work(session):
        alert = session.get(Alert, alert_id)
        wrong_place = collaboration_id is not None and (
            alert is None or alert.collaboration_id != collaboration_id
        )
        if alert is None or wrong_place:
            raise NotFound(f"No alert {alert_id} in your organisation.")
        get_collaboration(
            session, organisation_id=organisation_id, collaboration_id=alert.collaboration_id
        )
        if alert.acknowledged_at is None:
            alert.acknowledged_at = utcnow()
            alert.acknowledged_by_id = user_id
        if note is not None and not alert.acknowledged_note:
            alert.acknowledged_note = note
        session.add(alert)
    return alert
