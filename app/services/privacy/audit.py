"""The audit log: who in an organisation viewed, exported or erased what (GDPR accountability)."""

from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from app.db import begin_write
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
    """Add an audit event to the caller's transaction; the caller commits.

    Starts the write transaction if the caller has not (a read use case that audits becomes a
    short write), so on SQLite the insert can never fail half-way with "database is locked".
    `action` is a dotted verb such as `scores.viewed`; `subject` names the thing, such as
    `round:12`.
    """
    begin_write(session)
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
    """Note that a user or API key viewed `subject`, at most once per VIEW_RESOLUTION; commits.

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
    session.commit()
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
