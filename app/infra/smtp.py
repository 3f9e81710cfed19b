"""Sending one e-mail message through the SMTP server named by TRUSTMETER_SMTP_URL."""

import contextlib
import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

SMTP_TIMEOUT_SECONDS = 30


class SmtpUrlError(ValueError):
    """TRUSTMETER_SMTP_URL cannot be understood."""


@dataclass(frozen=True, slots=True)
class SmtpTarget:
    host: str
    port: int
    implicit_tls: bool  # smtps://
    starttls: bool
    username: str | None
    password: str | None


def parse_smtp_url(url: str) -> SmtpTarget:
    """`smtp://user:pass@host:port?starttls=true` or `smtps://…` into its parts."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps"):
        raise SmtpUrlError("TRUSTMETER_SMTP_URL must start with smtp:// or smtps://")
    if not parts.hostname:
        raise SmtpUrlError("TRUSTMETER_SMTP_URL needs a host name")
    implicit_tls = parts.scheme == "smtps"
    query = parse_qs(parts.query)
    starttls = query.get("starttls", ["false"])[0].lower() in ("1", "true", "yes")
    try:
        port = parts.port or (465 if implicit_tls else 25)
    except ValueError as exc:
        raise SmtpUrlError("TRUSTMETER_SMTP_URL has an invalid port") from exc
    return SmtpTarget(
        host=parts.hostname,
        port=port,
        implicit_tls=implicit_tls,
        starttls=starttls and not implicit_tls,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


def send_message(
    message: EmailMessage, *, smtp_url: str, on_accepted: Callable[[], None] | None = None
) -> None:
    """Hand the message to the server; raises OSError or smtplib.SMTPException on failure.

    `on_accepted` runs as soon as the server has taken the message, before the connection is
    closed: the sender records it while a failure to say goodbye can no longer undo that.
    """
    target = parse_smtp_url(smtp_url)
    context = ssl.create_default_context()
    client: smtplib.SMTP
    if target.implicit_tls:
        client = smtplib.SMTP_SSL(
            target.host, target.port, timeout=SMTP_TIMEOUT_SECONDS, context=context
        )
    else:
        client = smtplib.SMTP(target.host, target.port, timeout=SMTP_TIMEOUT_SECONDS)
    try:
        if target.starttls:
            client.starttls(context=context)
        if target.username:
            client.login(target.username, target.password or "")
        client.send_message(message)
        if on_accepted is not None:
            on_accepted()
    finally:
        # The message is out (or refused) by now; a failed QUIT changes neither.
        with contextlib.suppress(smtplib.SMTPException, OSError):
            client.quit()
        client.close()


def describe_failure(exc: BaseException) -> str:
    """A short reason for the outbox record, without message contents or credentials."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = sorted({str(code) for code, _ in exc.recipients.values()})
        return f"SMTP recipient refused ({', '.join(codes)})"
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else ""
        return f"SMTP {exc.smtp_code}: {text}"[:500]
    if isinstance(exc, smtplib.SMTPException):
        return f"SMTP error: {type(exc).__name__}"
    if isinstance(exc, OSError):
        return f"SMTP server unreachable: {exc.strerror or type(exc).__name__}"
    return type(exc).__name__
