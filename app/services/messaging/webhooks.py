"""Webhook subscriptions and their HMAC-signed deliveries (queued in the outbox by events.emit).

A delivery is a POST of JSON with these headers:

    Trustmeter-Event: round.closed
    Trustmeter-Delivery: 1234                      (the outbox job id; retries keep it)
    Trustmeter-Timestamp: 1767225600               (Unix seconds, when this attempt was signed)
    Trustmeter-Signature: v1=<hex HMAC-SHA256 of "<timestamp>.<body>" with the signing secret>

The signing secret is derived from SECRET_KEY and the webhook's id and salt; it is shown once
when the webhook is made and never stored. Nothing is ever sent unsigned.
"""

import hmac
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, select

if TYPE_CHECKING:
    import httpx

from app.config import Settings
from app.errors import FieldProblem, InvalidInput, NotFound
from app.infra import outbound
from app.infra.unit_of_work import unit_of_work
from app.models import OutboxJob, Webhook, utcnow
from app.models.outbox import WebhookCreate
from app.security import derive_secret, hmac_sha256
from app.services.access.paging import fetch_page
from app.services.messaging.delivery import DeliverySkipped

TIMEOUT_SECONDS = 5.0
SIGNATURE_VERSION = "v1"
USER_AGENT = "Trustmeter-Webhooks/1"
NO_ANSWER = "error: no answer"
NOT_ALLOWED = "error: the address is not allowed"


class WebhookDeliveryFailed(Exception):
    """The receiver did not answer 2xx (or could not be reached); the worker retries."""


@dataclass(frozen=True, slots=True)
class CreatedWebhook:
    webhook: Webhook
    secret: str  # shown once, never stored


def signing_secret(settings: Settings, webhook: Webhook) -> str:
    return derive_secret(settings.secret_key, f"webhook:{webhook.id}:{webhook.secret_salt}")


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """The `Trustmeter-Signature` header value for one delivery attempt."""
    return f"{SIGNATURE_VERSION}=" + hmac_sha256(secret, timestamp.encode() + b"." + body)


def verify_signature(
    secret: str, *, timestamp: str, body: bytes, header: str, now: datetime, tolerance: int = 300
) -> bool:
    """What a receiver checks: the signature matches and the timestamp is recent."""
    try:
        age = abs(now.timestamp() - int(timestamp))
    except ValueError:
        return False
    expected = signature(secret, timestamp, body)
    return age <= tolerance and hmac.compare_digest(expected, header)


def create_webhook(
    session: Session, *, organisation_id: int, data: WebhookCreate, settings: Settings
) -> CreatedWebhook:
    _check_url(data.url, settings)
    with unit_of_work(session):
        webhook = Webhook(
            organisation_id=organisation_id,
            url=data.url,
            events=list(data.events),
            secret_salt=secrets.token_hex(16),
        )
        session.add(webhook)
        session.flush()  # the id is part of the secret
        secret = signing_secret(settings, webhook)
    return CreatedWebhook(webhook, secret)


def _check_url(url: str, settings: Settings) -> None:
    """A real http(s) URL; in production https only, to a host outside our own network.

    The host is resolved again at each delivery: what it points at may change.
    """
    problem = None
    try:
        parts = outbound.parse_url(url)
    except outbound.UrlProblem as exc:
        problem = str(exc)
    else:
        if settings.environment == "production" and parts.scheme != "https":
            problem = "must use https"
        elif settings.environment == "production" and outbound.is_local_host(parts.hostname or ""):
            problem = "must not point at a local or private address"
    if problem:
        raise InvalidInput(f"The webhook URL {problem}.", problems=[FieldProblem("url", problem)])


def get_webhook(session: Session, *, organisation_id: int, webhook_id: int) -> Webhook:
    webhook = session.get(Webhook, webhook_id)
    if webhook is None or webhook.organisation_id != organisation_id:
        raise NotFound(f"No webhook {webhook_id} in your organisation.")
    return webhook


def list_webhooks(
    session: Session,
    *,
    organisation_id: int,
    after_id: int | None = None,
    updated_since: datetime | None = None,
    limit: int = 50,
) -> list[Webhook]:
    query = select(Webhook).where(Webhook.organisation_id == organisation_id)
    return fetch_page(
        session, query, Webhook, after_id=after_id, updated_since=updated_since, limit=limit
    )


def deactivate_webhook(session: Session, *, organisation_id: int, webhook_id: int) -> Webhook:
    """Stop deliveries: no new events are queued, and queued ones are skipped."""
    with unit_of_work(session):
        webhook = get_webhook(session, organisation_id=organisation_id, webhook_id=webhook_id)
        if webhook.is_active:
            webhook.is_active = False
            session.add(webhook)
    return webhook


Post = Callable[..., Any]  # httpx.post's signature, answering an httpx.Response


def http_post(url: str, **options: Any) -> "httpx.Response":
    """One POST on a fresh connection (the top-level httpx.post takes no `extensions`)."""
    import httpx  # ~18 MB with what it pulls in: only where deliveries are made, the worker

    with httpx.Client(trust_env=False) as client:
        return client.post(url, **options)


def deliver_webhook(
    session: Session, *, job: OutboxJob, settings: Settings, post: Post = http_post
) -> None:
    """POST one signed delivery; record the outcome on the webhook; raise unless 2xx.

    The HTTP call runs outside any write transaction (it may take seconds); the webhook's
    last status is then committed in a short one of its own.
    """
    webhook = session.get(Webhook, job.webhook_id) if job.webhook_id else None
    if webhook is None or not webhook.is_active:
        raise DeliverySkipped("the webhook was deleted")
    body = _body(job)
    timestamp = str(int(utcnow().timestamp()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "Trustmeter-Event": str(job.payload.get("event", "")),
        "Trustmeter-Delivery": str(job.id),
        "Trustmeter-Timestamp": timestamp,
        "Trustmeter-Signature": signature(signing_secret(settings, webhook), timestamp, body),
    }
    webhook_id, url = webhook.id, webhook.url
    session.rollback()  # end the read transaction: nothing is held open while we wait
    status, ok = _post(url, body, headers, settings, post)
    _record_status(session, webhook_id=webhook_id, status=status)
    if not ok:
        raise WebhookDeliveryFailed(f"webhook {webhook_id} answered {status}")


def _post(
    url: str, body: bytes, headers: dict[str, str], settings: Settings, post: Post
) -> tuple[str, bool]:
    """Send one delivery; the status says what the receiver answered and nothing else.

    In production the host is resolved now and the connection goes to the checked address.
    A failure to connect reads the same whatever the cause, so the status cannot be used to
    probe which hosts and ports exist.
    """
    import httpx

    extensions: dict[str, Any] = {}
    if settings.environment == "production":
        try:
            target = outbound.public_target(url)
        except (outbound.AddressRefused, outbound.UrlProblem):
            return NOT_ALLOWED, False
        url, headers = target.url, {**headers, "Host": target.host_header}
        extensions["sni_hostname"] = target.server_name
    try:
        answer = post(
            url,
            content=body,
            headers=headers,
            timeout=TIMEOUT_SECONDS,
            follow_redirects=False,
            extensions=extensions,
        )
    except httpx.HTTPError:
        return NO_ANSWER, False
    return f"{answer.status_code} {answer.reason_phrase}".strip(), answer.is_success


def _body(job: OutboxJob) -> bytes:
    payload: dict[str, Any] = {
        "id": str(job.id),
        "event": job.payload.get("event"),
        "occurred_at": job.payload.get("occurred_at"),
        "data": job.payload.get("data", {}),
    }
    return json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()


def _record_status(session: Session, *, webhook_id: int | None, status: str) -> None:
    with unit_of_work(session):
        webhook = session.get(Webhook, webhook_id, populate_existing=True)
        if webhook is not None:
            webhook.last_status = status[:200]
            webhook.last_delivery_at = utcnow()
            session.add(webhook)
