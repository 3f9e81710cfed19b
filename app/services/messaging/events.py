"""Domain events: each becomes an outbox job per subscribed webhook, in the same transaction."""

from collections.abc import Sequence
from typing import Any

from sqlmodel import Session, select

from app.models import JobKind, OutboxJob, Webhook, utcnow

EVENTS = ("response.submitted", "round.closed", "alert.raised", "agreement.changed")


def emit(session: Session, *, organisation_id: int, event: str, data: dict[str, Any]) -> int:
    """Queue `event` for every active webhook of the organisation that subscribed to it.

    Runs inside the caller's write transaction and does not commit: the event is stored
    exactly when the change it describes is.
    """
    return emit_all(session, event=event, occurrences=[(organisation_id, data)])


def emit_all(
    session: Session, *, event: str, occurrences: Sequence[tuple[int, dict[str, Any]]]
) -> int:
    """`emit` for many occurrences (organisation id, data): each organisation's hooks read once."""
    assert event in EVENTS, event
    by_organisation: dict[int, list[dict[str, Any]]] = {}
    for organisation_id, data in occurrences:
        by_organisation.setdefault(organisation_id, []).append(data)
    queued = 0
    for organisation_id, datas in by_organisation.items():
        hooks = session.exec(
            select(Webhook).where(Webhook.organisation_id == organisation_id, Webhook.is_active)
        ).all()
        for hook in hooks:
            if event not in hook.events:
                continue
            for data in datas:
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
