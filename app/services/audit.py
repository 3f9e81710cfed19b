"""The audit log: who in an organisation viewed, exported or erased what (GDPR accountability)."""

from sqlmodel import Session, col, select

from app.db import begin_write
from app.models import AuditEvent

MAX_SUBJECT = 200


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


def list_events(
    session: Session, *, organisation_id: int, limit: int = 100, before_id: int | None = None
) -> list[AuditEvent]:
    """The organisation's audit events, newest first."""
    query = select(AuditEvent).where(AuditEvent.organisation_id == organisation_id)
    if before_id is not None:
        query = query.where(col(AuditEvent.id) < before_id)
    return list(session.exec(query.order_by(col(AuditEvent.id).desc()).limit(limit)))
