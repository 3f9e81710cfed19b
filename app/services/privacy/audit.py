"""The audit log: who in an organisation viewed, exported or erased what (GDPR accountability)."""

from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from app.infra.unit_of_work import unit_of_work
from app.models import AuditEvent, utcnow

MAX_SUBJECT = 200
# One entry per viewer, subject and quarter of an hour says who looked at what, without
# turning every dashboard refresh into a write.
VIEW_RESOLUTION = timedelta(minutes=15)


def record(
    session: Session,
    *,
    organisation_id: int,
    action: str,
    subject: str,
    user_id: int | None = None,
    api_key_id: int | None = None,
) -> AuditEvent:
    """Add an audit event: in the caller's unit of work, or as a short one of its own.

    A read use case that audits becomes a short write; one that writes anyway records the
    event in its own transaction, so the event and what it reports commit together.
    `action` is a dotted verb such as `scores.viewed`; `subject` names the thing, such as
    `round:12`.
    """
    with unit_of_work(session):
        event = AuditEvent(
            organisation_id=organisation_id,
            user_id=user_id,
            api_key_id=api_key_id,
            action=action,
            subject=subject[:MAX_SUBJECT],
        )
        session.add(event)
    return event


def record_view(
    session: Session,
    *,
    organisation_id: int,
    action: str,
    subject: str,
    user_id: int | None = None,
    api_key_id: int | None = None,
    now: datetime | None = None,
) -> bool:
    """Note that a user or API key viewed `subject`, at most once per VIEW_RESOLUTION.

    Returns whether an event was written. Call it after the view was built, so a refused
    request (404, 403) leaves no trace of access that never happened.
    """
    now = now or utcnow()
    recent = select(AuditEvent.id).where(
        AuditEvent.organisation_id == organisation_id,
        AuditEvent.action == action,
        AuditEvent.subject == subject[:MAX_SUBJECT],
        _same(col(AuditEvent.user_id), user_id),
        _same(col(AuditEvent.api_key_id), api_key_id),
        col(AuditEvent.created_at) > now - VIEW_RESOLUTION,
    )
    with unit_of_work(session):
        if session.exec(recent.limit(1)).first() is not None:
            return False
        event = record(
            session,
            organisation_id=organisation_id,
            action=action,
            subject=subject,
            user_id=user_id,
            api_key_id=api_key_id,
        )
        event.created_at = now
    return True


def _same(column: Any, value: int | None) -> Any:
    return column.is_(None) if value is None else column == value


def list_events(
    session: Session, *, organisation_id: int, limit: int = 100, before_id: int | None = None
) -> list[AuditEvent]:
    """The organisation's audit events, newest first."""
    query = select(AuditEvent).where(AuditEvent.organisation_id == organisation_id)
    if before_id is not None:
        query = query.where(col(AuditEvent.id) < before_id)
    return list(session.exec(query.order_by(col(AuditEvent.id).desc()).limit(limit)))
