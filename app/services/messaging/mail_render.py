"""Invitation and reminder e-mails: plain text and HTML from templates/email, Dutch or English."""

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
from app.services.messaging.delivery import DeliveryAbandoned, DeliverySkipped
from app.services.setup.invitation_tokens import survey_url, token_for

DISPLAY_TIMEZONE = ZoneInfo("Europe/Amsterdam")
TEMPLATES = ("invitation", "reminder")


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


def compose(template: str, context: EmailContext, *, mail_from: str) -> EmailMessage:
    """The e-mail as a multipart/alternative message (plain text first, then HTML)."""
    if template not in TEMPLATES:
        raise DeliveryAbandoned(f"unknown e-mail template '{template}'")
    env = _environment(context.language)
    subject = subject_of(template, context)
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
    message["To"] = Address(display_name=context.name or "", addr_spec=context.address)
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = make_msgid(domain=_domain_of(mail_from))
    message.set_content(env.get_template(f"email/{template}.txt").render(values))
    message.add_alternative(
        env.get_template(f"email/{template}.html").render(values), subtype="html"
    )
    message["Content-Language"] = context.language  # set_content clears Content-* headers
    return message


def _format_moment(moment: datetime | None, language: str) -> str | None:
    if moment is None:
        return None
    return format_datetime(moment, "EEEE d MMMM y, HH:mm", tzinfo=DISPLAY_TIMEZONE, locale=language)


def _domain_of(mail_from: str) -> str:
    _, address = parseaddr(mail_from)
    return address.rpartition("@")[2] or "trustmeter.local"
