"""E-mail to participants, queued in the outbox and rendered when the worker sends it."""

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from email.message import EmailMessage
from typing import Any, Protocol

from sqlmodel import Session

from app.config import Settings
from app.infra import mail_catcher, smtp
from app.models import Collaboration, Invitation, JobKind, OutboxJob, Participant, Round
from app.services.messaging import alert_mail, alert_mail_render, mail_render
from app.services.messaging.delivery import DeliveryAbandoned


class _Issued(Protocol):
    @property
    def invitation(self) -> Invitation: ...
    @property
    def token(self) -> str | None: ...


def queue_invitations(
    session: Session, *, round_: Round, issued: Sequence[_Issued], settings: Settings
) -> int:
    """Queue one invitation e-mail per newly invited participant who has an address.

    The job holds only the invitation id: the worker rebuilds the link from SECRET_KEY, so
    no usable token sits in the outbox.
    """
    queued = 0
    organisation_id = _organisation_of(session, round_)
    for item in issued:
        if item.token is None:
            continue
        participant = session.get(Participant, item.invitation.participant_id)
        if participant is None or not participant.email:
            continue
        session.add(_email_job(organisation_id, item.invitation, "invitation"))
        queued += 1
    return queued


def _email_job(organisation_id: int, invitation: Invitation, template: str) -> OutboxJob:
    payload: dict[str, Any] = {"template": template, "invitation_id": invitation.id}
    return OutboxJob(
        organisation_id=organisation_id,
        kind=JobKind.EMAIL,
        invitation_id=invitation.id,
        payload=payload,
    )


def _organisation_of(session: Session, round_: Round) -> int:
    collaboration = session.get(Collaboration, round_.collaboration_id)
    assert collaboration is not None
    return collaboration.organisation_id


def queue_reminders(
    session: Session, *, organisation_id: int, invitations: Iterable[Invitation], now: datetime
) -> int:
    """Queue a reminder for each invitation whose participant has an address; marks reminded_at.

    Runs inside the caller's write transaction and does not commit.
    """
    queued = 0
    for invitation in invitations:
        participant = session.get(Participant, invitation.participant_id)
        if participant is None or participant.erased_at is not None or not participant.email:
            continue
        session.add(_email_job(organisation_id, invitation, "reminder"))
        invitation.reminded_at = now
        session.add(invitation)
        queued += 1
    return queued


def deliver_email(
    session: Session,
    *,
    job: OutboxJob,
    settings: Settings,
    on_accepted: Callable[[], None] | None = None,
) -> None:
    """Render the job's e-mail from the current data and hand it to the SMTP server.

    Only reads from the session: the worker records the outcome (`on_accepted`, called before
    the SMTP connection closes). Raises on failure; DeliveryAbandoned when no retry can help.
    """
    template = str(job.payload.get("template", ""))
    if template in alert_mail.TEMPLATES:
        alert = alert_mail_render.render_alert_email(session, job=job, settings=settings)
        if "Message-ID" not in alert.message:
            alert.message["Message-ID"] = _message_id(job, settings)
        _send(session, job, settings, alert.message, link=alert.url, on_accepted=on_accepted)
        return
    invitation_id = job.payload.get("invitation_id")
    if not isinstance(invitation_id, int):
        raise DeliveryAbandoned("the e-mail job names no invitation")
    context = mail_render.load_context(
        session, invitation_id=invitation_id, template=template, settings=settings
    )
    try:
        message = mail_render.compose(
            template, context, mail_from=settings.mail_from, message_id=_message_id(job, settings)
        )
    except (ValueError, TypeError, UnicodeError) as exc:
        # The same data builds the same broken message on every try: give up now, visibly.
        raise DeliveryAbandoned(f"the message cannot be built ({type(exc).__name__})") from exc
    _send(session, job, settings, message, link=context.url, on_accepted=on_accepted)


def _message_id(job: OutboxJob, settings: Settings) -> str:
    """The same Message-ID on every attempt of a job, so a resend can be recognised."""
    assert job.id is not None
    return mail_render.message_id_for(
        job.id, secret=settings.secret_key, mail_from=settings.mail_from
    )


def _send(
    session: Session,
    job: OutboxJob,
    settings: Settings,
    message: EmailMessage,
    *,
    link: str,
    on_accepted: Callable[[], None] | None,
) -> None:
    if settings.catches_mail:
        mail_catcher.keep(session, organisation_id=job.organisation_id, message=message, link=link)
        return
    smtp.send_message(message, smtp_url=settings.smtp_url, on_accepted=on_accepted)


def record_sent(session: Session, *, job: OutboxJob, now: datetime) -> None:
    """Note on the invitation that its e-mail went out (inside the worker's transaction)."""
    if job.payload.get("template") != "invitation" or job.invitation_id is None:
        return
    invitation = session.get(Invitation, job.invitation_id)
    if invitation is not None:
        invitation.invited_at = now
        session.add(invitation)
