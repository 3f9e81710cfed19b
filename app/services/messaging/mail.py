"""E-mail to participants, queued in the outbox and rendered when the worker sends it."""

from collections.abc import Iterable, Sequence
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


def deliver_email(session: Session, *, job: OutboxJob, settings: Settings) -> None:
    """Render the job's e-mail from the current data and hand it to the SMTP server.

    Only reads from the session (the worker records the outcome), except in development,
    where the mail catcher keeps the message instead. Raises on failure.
    """
    template = str(job.payload.get("template", ""))
    if template in alert_mail.TEMPLATES:
        alert = alert_mail_render.render_alert_email(session, job=job, settings=settings)
        _hand_over(session, job, settings, alert.message, link=alert.url)
        return
    invitation_id = job.payload.get("invitation_id")
    if not isinstance(invitation_id, int):
        raise DeliveryAbandoned("the e-mail job names no invitation")
    context = mail_render.load_context(
        session, invitation_id=invitation_id, template=template, settings=settings
    )
    message = mail_render.compose(template, context, mail_from=settings.mail_from)
    _hand_over(session, job, settings, message, link=context.url)


def _hand_over(
    session: Session, job: OutboxJob, settings: Settings, message: EmailMessage, link: str
) -> None:
    if settings.catches_mail:
        mail_catcher.keep(session, organisation_id=job.organisation_id, message=message, link=link)
        return
    smtp.send_message(message, smtp_url=settings.smtp_url)


def record_sent(session: Session, *, job: OutboxJob, now: datetime) -> None:
    """Note on the invitation that its e-mail went out (inside the worker's transaction)."""
    if job.payload.get("template") != "invitation" or job.invitation_id is None:
        return
    invitation = session.get(Invitation, job.invitation_id)
    if invitation is not None:
        invitation.invited_at = now
        session.add(invitation)
