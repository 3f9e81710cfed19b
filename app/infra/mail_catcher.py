"""The development mail catcher: an e-mail is kept in the database instead of going to SMTP."""

from email.message import EmailMessage

from sqlmodel import Session

from app.infra.unit_of_work import unit_of_work
from app.models import CaughtMail


def keep(
    session: Session, *, organisation_id: int, message: EmailMessage, link: str | None
) -> None:
    """Store the message in a unit of its own, as an SMTP server would have taken it: a
    worker killed before it records the job may keep it twice, as it may send it twice."""
    body = message.get_body(preferencelist=("plain",))
    text = body.get_content() if body is not None else ""
    with unit_of_work(session):
        session.add(
            CaughtMail(
                organisation_id=organisation_id,
                recipient=str(message["To"] or ""),
                subject=str(message["Subject"] or ""),
                text_body=str(text),
                link=link,
            )
        )
