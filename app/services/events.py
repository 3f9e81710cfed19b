"""Domain events: each becomes an outbox job per subscribed webhook, in the same transaction."""

from typing import Any

from sqlmodel import Session, select

from app.models import JobKind, OutboxJob, Webhook, utcnow

EVENTS = ("response.submitted", "round.closed", "alert.raised")


def emit(session: Session, *, organisation_id: int, event: str, data: dict[str, Any]) -> int:
    """Queue `event` for every active webhook of the organisation that subscribed to it.

    Runs inside the caller's write transaction and does not commit: the event is stored
    exactly when the change it describes is.
    """
    assert event in EVENTS, event
    hooks = session.exec(
        select(Webhook).where(Webhook.organisation_id == organisation_id, Webhook.is_active)
    ).all()
    queued = 0
    for hook in hooks:
        if event not in hook.events:
            continue
        session.add(
            OutboxJob(
                organisation_id=organisation_id,
                kind=JobKind.WEBHOOK,
                webhook_id=hook.id,
                payload={"event": event, "occurred_at": utcnow().isoformat(), "data": data},
            )
        )
        queued += 1
    return queued
