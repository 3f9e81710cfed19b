"""Invitation and reminder e-mails: plain text and HTML from templates/email, Dutch or English."""

import re
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from babel.lists import format_list
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlmodel import Session, col, select

from app.config import Settings
from app.infra.numbers import format_decimal
from app.infra.translations import LANGUAGES, translations_for
from app.models import (
    Collaboration,
    Invitation,
    InvitationStatus,
    Organisation,
    Participant,
    Party,
    Round,
)
from app.paths import TEMPLATES_DIR
from app.security import hmac_sha256
from app.services.messaging.delivery import DeliveryAbandoned, DeliverySkipped
from app.services.setup.invitation_tokens import survey_url, token_for

DISPLAY_TIMEZONE = ZoneInfo("Europe/Amsterdam")
TEMPLATES = ("invitation", "reminder")
_CONTROL = re.compile("[\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029]")


@dataclass(frozen=True, slots=True)
class EmailContext:
    """What an invitation or reminder says; `url` is the participant's personal link."""

    language: str
    name: str | None
    address: str
    organisation: str
    collaboration: str
    round_label: str
    targets: list[str]
    closes_at: datetime | None
    threshold: int
    url: str
    started: bool


@lru_cache
def _environment(language: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        keep_trailing_newline=True,
    )
    env.install_gettext_translations(translations_for(language), newstyle=True)  # type: ignore[attr-defined]
    # Numbers as the reader writes them: "16,7 punten" in Dutch, "16.7 points" in English.
    env.filters["decimal"] = lambda value, digits=1: format_decimal(value, language, digits=digits)
    return env


def environment(language: str) -> Environment:
    """The e-mail templates' environment, translated into `language` (other e-mails use it)."""
    return _environment(language)


def load_context(
    session: Session, *, invitation_id: int, template: str, settings: Settings
) -> EmailContext:
    """Everything the e-mail needs, or DeliveryAbandoned/DeliverySkipped when it must not go."""
    invitation = session.get(Invitation, invitation_id)
    if invitation is None or invitation.status == InvitationStatus.REVOKED:
        raise DeliveryAbandoned("the invitation was revoked or deleted")
    participant = session.get(Participant, invitation.participant_id)
    if participant is None or participant.erased_at is not None or not participant.email:
        raise DeliveryAbandoned("the participant has no e-mail address (any more)")
    if template == "reminder" and invitation.status == InvitationStatus.SUBMITTED:
        raise DeliverySkipped("already submitted")
    round_ = session.get(Round, invitation.round_id)
    assert round_ is not None
    collaboration = session.get(Collaboration, round_.collaboration_id)
    assert collaboration is not None
    organisation = session.get(Organisation, collaboration.organisation_id)
    assert organisation is not None
    targets = session.exec(
        select(Party.name)
        .where(col(Party.id).in_(invitation.target_party_ids))
        .order_by(col(Party.name))
    ).all()
    language = invitation.language or participant.language or collaboration.language
    token = token_for(settings.secret_key, invitation.token_salt)
    return EmailContext(
        language=language if language in LANGUAGES else "nl",
        name=participant.name,
        address=participant.email,
        organisation=organisation.name,
        collaboration=collaboration.name,
        round_label=round_.label,
        targets=list(targets),
        closes_at=round_.closes_at,
        threshold=collaboration.anonymity_threshold,
        url=survey_url(settings.base_url, token),
        started=invitation.status == InvitationStatus.STARTED,
    )


def subject_of(template: str, context: EmailContext) -> str:
    gettext = translations_for(context.language).gettext
    if template == "reminder":
        text = gettext('Reminder: trust measurement "%(round)s" – %(collaboration)s')  # noqa: RUF001
    else:
        text = gettext('Invitation: trust measurement "%(round)s" – %(collaboration)s')  # noqa: RUF001
    return text % {"round": context.round_label, "collaboration": context.collaboration}


def compose(
    template: str, context: EmailContext, *, mail_from: str, message_id: str | None = None
) -> EmailMessage:
    """The e-mail as a multipart/alternative message (plain text first, then HTML).

    `message_id`: the same for every attempt of one job, so a resent message is recognisable.
    """
    if template not in TEMPLATES:
        raise DeliveryAbandoned(f"unknown e-mail template '{template}'")
    env = _environment(context.language)
    subject = _one_line(subject_of(template, context))
    values = {
        "language": context.language,
        "subject": subject,
        "name": context.name,
        "organisation": context.organisation,
        "collaboration": context.collaboration,
        "round_label": context.round_label,
        "targets": format_list(context.targets, locale=context.language),
        "closes_at": _format_moment(context.closes_at, context.language),
        "threshold": context.threshold,
        "url": context.url,
        "started": context.started,
    }
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = mail_from
    message["To"] = Address(display_name=_one_line(context.name or ""), addr_spec=context.address)
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = message_id or make_msgid(domain=_domain_of(mail_from))
    message.set_content(env.get_template(f"email/{template}.txt").render(values))
    message.add_alternative(
        env.get_template(f"email/{template}.html").render(values), subtype="html"
    )
    message["Content-Language"] = context.language  # set_content clears Content-* headers
    return message


def message_id_for(job_id: int, *, secret: str, mail_from: str) -> str:
    """A Message-ID fixed per outbox job (unguessable, so it says nothing about volumes)."""
    digest = hmac_sha256(secret, f"message-id:{job_id}".encode())[:20]
    return f"<{job_id}.{digest}@{_domain_of(mail_from)}>"


def _one_line(text: str) -> str:
    # Names stored before control characters were refused must not break a header.
    return _CONTROL.sub(" ", text)


def _format_moment(moment: datetime | None, language: str) -> str | None:
    if moment is None:
        return None
    return format_datetime(moment, "EEEE d MMMM y, HH:mm", tzinfo=DISPLAY_TIMEZONE, locale=language)


def _domain_of(mail_from: str) -> str:
    _, address = parseaddr(mail_from)
    return address.rpartition("@")[2] or "trustmeter.local"
