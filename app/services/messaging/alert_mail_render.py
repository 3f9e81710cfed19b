"""The alert e-mail and the weekly digest: what changed, per party, with a link to the dashboard."""

from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from typing import Any

from sqlmodel import Session, col, select

from app.config import Settings
from app.infra.translations import LANGUAGES, translations_for
from app.models import Alert, Collaboration, OutboxJob, Party, Round, User
from app.services.messaging.delivery import DeliveryAbandoned, DeliverySkipped
from app.services.messaging.mail_render import environment
from app.services.setup.questionnaires import definition_by_id


@dataclass(frozen=True, slots=True)
class AlertLine:
    """One alert as the e-mail tells it: aggregate findings only."""

    kind: str
    round_label: str
    party: str
    target: str | None
    measure: str
    detail: dict[str, Any]


@dataclass(frozen=True, slots=True)
class AlertEmail:
    message: EmailMessage
    url: str  # the dashboard's alerts


def render_alert_email(session: Session, *, job: OutboxJob, settings: Settings) -> AlertEmail:
    """The job's alert e-mail or digest, rendered from the current data."""
    template = str(job.payload.get("template"))
    user = session.get(User, job.payload.get("user_id") or 0)
    if user is None or not user.is_active:
        raise DeliveryAbandoned("the user was removed or deactivated")
    collaboration = session.get(Collaboration, job.payload.get("collaboration_id") or 0)
    if collaboration is None or collaboration.organisation_id != user.organisation_id:
        raise DeliveryAbandoned("the collaboration no longer exists")
    ids = [i for i in job.payload.get("alert_ids", []) if isinstance(i, int)]
    alerts = session.exec(
        select(Alert)
        .where(col(Alert.id).in_(ids), Alert.collaboration_id == collaboration.id)
        .order_by(col(Alert.id))
    ).all()
    if not alerts:
        raise DeliverySkipped("its alerts were removed")
    language = user.language if user.language in LANGUAGES else "nl"
    base = f"{settings.base_url.rstrip('/')}/coach/collaborations/{collaboration.id}"
    message = compose(
        template,
        language=language,
        user=user,
        collaboration=collaboration,
        lines=_lines(session, list(alerts), language),
        url=f"{base}/dashboard#alerts",
        settings_url=f"{base}/notifications",
        mail_from=settings.mail_from,
    )
    return AlertEmail(message, f"{base}/dashboard#alerts")


def compose(
    template: str,
    *,
    language: str,
    user: User,
    collaboration: Collaboration,
    lines: list[AlertLine],
    url: str,
    settings_url: str,
    mail_from: str,
) -> EmailMessage:
    gettext = translations_for(language).gettext
    if template == "digest":
        subject = gettext("Weekly alert digest – %(collaboration)s")  # noqa: RUF001
    else:
        subject = gettext("Trust alert – %(collaboration)s")  # noqa: RUF001
    subject = subject % {"collaboration": collaboration.name}
    values = {
        "language": language,
        "subject": subject,
        "digest": template == "digest",
        "name": user.name,
        "collaboration": collaboration.name,
        "lines": lines,
        "url": url,
        "settings_url": settings_url,
    }
    env = environment(language)
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = mail_from
    message["To"] = Address(addr_spec=user.email)
    message["Date"] = formatdate(localtime=False, usegmt=True)
    _, sender = parseaddr(mail_from)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or "trustmeter.local")
    message.set_content(env.get_template("email/alerts.txt").render(values))
    message.add_alternative(env.get_template("email/alerts.html").render(values), subtype="html")
    message["Content-Language"] = language
    return message


def _lines(session: Session, alerts: list[Alert], language: str) -> list[AlertLine]:
    party_ids = {a.party_id for a in alerts} | {
        a.target_party_id for a in alerts if a.target_party_id
    }
    parties = {
        p.id: p.name for p in session.exec(select(Party).where(col(Party.id).in_(party_ids)))
    }
    round_ids = {a.round_id for a in alerts}
    rounds = {r.id: r for r in session.exec(select(Round).where(col(Round.id).in_(round_ids)))}
    lines = []
    for alert in alerts:
        round_ = rounds.get(alert.round_id)
        lines.append(
            AlertLine(
                kind=alert.kind.value,
                round_label=round_.label if round_ else "",
                party=parties.get(alert.party_id, "?"),
                target=parties.get(alert.target_party_id) if alert.target_party_id else None,
                measure=_measure_title(session, round_, alert.measure, language),
                detail=dict(alert.detail),
            )
        )
    return lines


def _measure_title(session: Session, round_: Round | None, key: str, language: str) -> str:
    if not key or round_ is None or key in ("propensity", "analysis"):
        return key
    definition = definition_by_id(session, round_.questionnaire_id)
    scale = next((s for s in definition.scales if s.key == key), None)
    return key if scale is None else str(getattr(scale.title, language, key))
