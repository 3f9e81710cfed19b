"""The development mail catcher: an e-mail is kept in the database instead of going to SMTP."""

from email.message import EmailMessage

from sqlmodel import Session

from app.db import begin_write
from app.models import CaughtMail


def keep(
    session: Session, *, organisation_id: int, message: EmailMessage, link: str | None
) -> None:
    """Store the message; it commits with the worker's record of the job, so it is kept once."""
    body = message.get_body(preferencelist=("plain",))
    text = body.get_content() if body is not None else ""
    begin_write(session)
    session.add(
        CaughtMail(
            organisation_id=organisation_id,
            recipient=str(message["To"] or ""),
            subject=str(message["Subject"] or ""),
            text_body=str(text),
            link=link,
        )
    )
