"""Reading what the development mail catcher kept: an organisation's newest e-mails."""

from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from app.models import CaughtMail

SHOWN = 100


@dataclass(frozen=True, slots=True)
class CaughtMailPage:
    messages: list[CaughtMail]
    total: int


def list_caught_mail(
    session: Session, *, organisation_id: int, limit: int = SHOWN
) -> CaughtMailPage:
    """The newest `limit` kept e-mails of the organisation, and how many there are in all."""
    where = col(CaughtMail.organisation_id) == organisation_id
    messages = session.exec(
        select(CaughtMail).where(where).order_by(col(CaughtMail.id).desc()).limit(limit)
    ).all()
    total = session.exec(select(func.count()).select_from(CaughtMail).where(where)).one()
    return CaughtMailPage(list(messages), total)
