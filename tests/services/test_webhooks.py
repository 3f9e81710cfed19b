"""Webhook deliveries: signed POSTs to a real receiver, status recorded, retried by the worker."""

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, get_args

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from app.config import Settings
from app.errors import InvalidInput
from app.infra.unit_of_work import unit_of_work
from app.models import JobStatus, OutboxJob, Webhook
from app.models.outbox import WebhookCreate, WebhookEvent
from app.services.messaging import events, webhooks
from app.services.messaging.delivery import DeliverySkipped
from app.services.messaging.outbox_worker import WorkerOptions, deliver_due_jobs
from tests.conftest import make_settings
from tests.factories import make_organisation
from tests.support.smtp import free_port
from tests.support.webhook_receiver import webhook_receiver


def _subscribe(
    session: Session, settings: Settings, url: str, events_: tuple[str, ...] = ("round.closed",)
) -> webhooks.CreatedWebhook:
    organisation_id = make_organisation(session)
    return webhooks.create_webhook(
        session,
        organisation_id=organisation_id,
        data=WebhookCreate(url=url, events=list(events_)),  # type: ignore[arg-type]
        settings=settings,
    )


def _emit(session: Session, organisation_id: int, event: str = "round.closed") -> list[OutboxJob]:
    with unit_of_work(session):
        events.emit(session, organisation_id=organisation_id, event=event, data={"round_id": 7})
    return list(session.exec(select(OutboxJob).order_by(OutboxJob.id)))  # type: ignore[arg-type]


def _independent_signature(secret: str, timestamp: str, body: bytes) -> str:
    """The receiver's side, written from the documentation rather than our own helper."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "v1=" + mac.hexdigest()


def _fresh(session: Session) -> None:
    """End the test's read transaction so the next query sees what others committed."""
    session.rollback()
    session.expire_all()


def _webhook(session: Session, webhook_id: int | None) -> Webhook:
    _fresh(session)
    found = session.get(Webhook, webhook_id)
    assert found is not None
    return found


def test_a_delivery_is_signed_and_its_status_recorded(session: Session, settings: Settings) -> None:
    with webhook_receiver() as receiver:
        created = _subscribe(session, settings, receiver.url)
        (job,) = _emit(session, created.webhook.organisation_id)
        webhooks.deliver_webhook(session, job=job, settings=settings)
    (delivery,) = receiver.deliveries
    headers = delivery.headers
    assert headers["Trustmeter-Event"] == "round.closed"
    assert headers["Trustmeter-Delivery"] == str(job.id)
    assert headers["Content-Type"] == "application/json"
    assert headers["Trustmeter-Signature"] == _independent_signature(
        created.secret, headers["Trustmeter-Timestamp"], delivery.body
    )
    assert webhooks.verify_signature(
        created.secret,
        timestamp=headers["Trustmeter-Timestamp"],
        body=delivery.body,
        header=headers["Trustmeter-Signature"],
        now=datetime.now(UTC),
    )
    payload = json.loads(delivery.body)
    assert payload == {
        "id": str(job.id),
        "event": "round.closed",
        "occurred_at": job.payload["occurred_at"],
        "data": {"round_id": 7},
    }
    stored = _webhook(session, created.webhook.id)
    assert stored.last_status == "200 OK" and stored.last_delivery_at is not None


def test_the_secret_is_derived_not_stored(session: Session, settings: Settings) -> None:
    created = _subscribe(session, settings, "https://hooks.example.org/x")
    stored = _webhook(session, created.webhook.id)
    assert created.secret not in stored.model_dump_json()
    assert webhooks.signing_secret(settings, stored) == created.secret
    other_key = make_settings(settings.database_url, secret_key="another-secret-key-0123456789")
    assert webhooks.signing_secret(other_key, stored) != created.secret


@pytest.mark.parametrize(
    ("tamper", "valid"),
    [
        ({}, True),
        ({"body": b'{"event":"alert.raised"}'}, False),
        ({"timestamp": "1"}, False),
        ({"secret": "guessed"}, False),
        ({"timestamp": "not-a-number"}, False),
    ],
)
def test_verification_refuses_tampered_or_stale_deliveries(
    tamper: dict[str, object], valid: bool
) -> None:
    now = datetime.now(UTC)
    timestamp, body, secret = str(int(now.timestamp())), b'{"event":"round.closed"}', "s3cret"
    header = webhooks.signature(secret, timestamp, body)
    arguments = {"timestamp": timestamp, "body": body, "secret": secret, **tamper}
    assert (
        webhooks.verify_signature(
            str(arguments["secret"]),
            timestamp=str(arguments["timestamp"]),
            body=arguments["body"],  # type: ignore[arg-type]
            header=header,
            now=now,
        )
        is valid
    )


@pytest.mark.parametrize(
    ("status", "recorded"), [(500, "500 Internal Server Error"), (404, "404 Not Found")]
)
def test_a_non_2xx_answer_raises_and_is_recorded(
    session: Session, settings: Settings, status: int, recorded: str
) -> None:
    with webhook_receiver(status) as receiver:
        created = _subscribe(session, settings, receiver.url)
        (job,) = _emit(session, created.webhook.organisation_id)
        with pytest.raises(webhooks.WebhookDeliveryFailed):
            webhooks.deliver_webhook(session, job=job, settings=settings)
    assert _webhook(session, created.webhook.id).last_status == recorded


def test_an_unreachable_receiver_raises_and_is_recorded(
    session: Session, settings: Settings
) -> None:
    created = _subscribe(session, settings, f"http://127.0.0.1:{free_port()}/gone")
    (job,) = _emit(session, created.webhook.organisation_id)
    with pytest.raises(webhooks.WebhookDeliveryFailed):
        webhooks.deliver_webhook(session, job=job, settings=settings)
    assert _webhook(session, created.webhook.id).last_status == "error: no answer"


def test_a_deleted_webhook_is_skipped_and_nothing_is_sent(
    session: Session, settings: Settings
) -> None:
    with webhook_receiver() as receiver:
        created = _subscribe(session, settings, receiver.url)
        (job,) = _emit(session, created.webhook.organisation_id)
        webhooks.deactivate_webhook(
            session,
            organisation_id=created.webhook.organisation_id,
            webhook_id=created.webhook.id,  # type: ignore[arg-type]
        )
        with pytest.raises(DeliverySkipped):
            webhooks.deliver_webhook(session, job=job, settings=settings)
        assert _emit(session, created.webhook.organisation_id) == [job]  # no new job queued
    assert receiver.deliveries == []


def test_only_subscribed_events_are_queued(session: Session, settings: Settings) -> None:
    created = _subscribe(session, settings, "https://hooks.example.org/x", ("alert.raised",))
    assert _emit(session, created.webhook.organisation_id, "round.closed") == []
    assert len(_emit(session, created.webhook.organisation_id, "alert.raised")) == 1


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


def test_the_worker_retries_with_backoff_until_the_receiver_accepts(
    session: Session, engine: Engine, settings: Settings
) -> None:
    options = WorkerOptions(max_attempts=5, first_backoff=timedelta(seconds=30))
    with webhook_receiver(503, 500) as receiver:
        created = _subscribe(session, settings, receiver.url)
        (job,) = _emit(session, created.webhook.organisation_id)
        clock = Clock()  # after the job was queued: it is due now
        outcomes = []
        for step in (
            timedelta(0),
            timedelta(seconds=10),
            timedelta(seconds=31),
            timedelta(seconds=61),
        ):
            clock.now += step
            report = deliver_due_jobs(engine, settings=settings, options=options, clock=clock)
            outcomes.append(dict(report.outcomes))
    assert outcomes == [{"retry": 1}, {}, {"retry": 1}, {"done": 1}]
    assert [d.headers["Trustmeter-Delivery"] for d in receiver.deliveries] == [str(job.id)] * 3
    for delivery in receiver.deliveries:
        assert delivery.headers["Trustmeter-Signature"] == _independent_signature(
            created.secret, delivery.headers["Trustmeter-Timestamp"], delivery.body
        )
    _fresh(session)
    stored_job = session.get(OutboxJob, job.id)
    assert (
        stored_job is not None and stored_job.status == JobStatus.DONE and stored_job.attempts == 3
    )
    assert _webhook(session, created.webhook.id).last_status == "200 OK"


def test_the_api_event_names_are_the_emitted_ones() -> None:
    assert set(get_args(WebhookEvent)) == set(events.EVENTS)


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://hooks.example.org/x", "must use https"),
        ("https://127.0.0.1/x", "local or private"),
        ("https://10.1.2.3/x", "local or private"),
        ("https://[::1]/x", "local or private"),
        ("https://localhost/x", "local or private"),
    ],
)
def test_production_accepts_only_public_https_receivers(
    session: Session, database_url: str, url: str, problem: str
) -> None:
    production = make_settings(
        database_url, environment="production", secret_key="a-long-production-secret-0123"
    )
    with pytest.raises(InvalidInput) as refused:
        _subscribe(session, production, url)
    assert problem in refused.value.problems[0].message
    assert session.exec(select(Webhook)).all() == []


def _documented_verify() -> Any:
    """The verification example of docs/api.md, run as written."""
    document = (Path(__file__).parents[2] / "docs" / "api.md").read_text()
    code = document.split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict[str, Any] = {}
    exec(code, namespace)  # our own documentation, run to prove it stays true
    return namespace["verify"]


def test_the_documented_verification_accepts_real_deliveries_and_refuses_forgeries(
    session: Session, settings: Settings
) -> None:
    verify = _documented_verify()
    with webhook_receiver() as receiver:
        created = _subscribe(session, settings, receiver.url)
        (job,) = _emit(session, created.webhook.organisation_id)
        webhooks.deliver_webhook(session, job=job, settings=settings)
    (delivery,) = receiver.deliveries
    assert verify(created.secret, delivery.headers, delivery.body)
    assert not verify(created.secret, delivery.headers, delivery.body + b" ")
    assert not verify("another-secret", delivery.headers, delivery.body)
