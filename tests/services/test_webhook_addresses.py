"""Webhook receivers: real URLs only, and never an address inside our network in production."""

from typing import Any

import httpx
import pytest
from sqlmodel import Session, select

from app.config import Settings
from app.errors import InvalidInput
from app.infra import outbound
from app.infra.unit_of_work import unit_of_work
from app.models import OutboxJob, Webhook
from app.models.outbox import WebhookCreate
from app.services.messaging import events, webhooks
from tests.conftest import make_settings
from tests.factories import make_organisation

INTERNAL_SPELLINGS = [
    "2130706433",
    "0x7f000001",
    "0177.0.0.1",
    "127.1",
    "0",
    "0.0.0.0",
    "localhost.",
    "LOCALHOST",
    "ip6-localhost",
    "ip6-loopback",
    "metadata.google.internal",
    "printer.local",
    "intranet",
    "[::1]",
    "[::]",
    "[::ffff:127.0.0.1]",
    "[::ffff:7f00:1]",
    "[fe80::1]",
    "[fd00::1]",
    "169.254.169.254",
    "100.64.0.1",
    "192.168.1.1",
    "224.0.0.1",
    "240.0.0.1",
    "255.255.255.255",
]


@pytest.fixture
def production(database_url: str) -> Settings:
    return make_settings(
        database_url, environment="production", secret_key="a-long-production-secret-0123"
    )


def _job(session: Session, settings: Settings, url: str) -> OutboxJob:
    """A queued delivery to `url`, stored as if it had passed an older, weaker check."""
    organisation_id = make_organisation(session)
    with unit_of_work(session):
        webhook = Webhook(
            organisation_id=organisation_id, url=url, events=["round.closed"], secret_salt="s"
        )
        session.add(webhook)
        session.flush()
        events.emit(session, organisation_id=organisation_id, event="round.closed", data={})
    return session.exec(select(OutboxJob)).one()


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def __call__(self, url: str, **options: Any) -> httpx.Response:
        self.calls.append((url, options))
        return httpx.Response(204, request=httpx.Request("POST", url))


@pytest.mark.parametrize("host", INTERNAL_SPELLINGS)
def test_no_spelling_of_an_internal_address_is_ever_contacted(
    session: Session, production: Settings, host: str
) -> None:
    job = _job(session, production, f"https://{host}:8080/hook")
    post = Recorder()
    with pytest.raises(webhooks.WebhookDeliveryFailed):
        webhooks.deliver_webhook(session, job=job, settings=production, post=post)
    assert post.calls == []
    session.rollback()
    (webhook,) = session.exec(select(Webhook)).all()
    assert webhook.last_status == "error: the address is not allowed"


@pytest.mark.parametrize("host", INTERNAL_SPELLINGS)
def test_production_refuses_internal_spellings_when_subscribing(
    session: Session, production: Settings, host: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        webhooks.create_webhook(
            session,
            organisation_id=make_organisation(session),
            data=WebhookCreate(url=f"https://{host}/hook", events=["round.closed"]),
            settings=production,
        )
    assert refused.value.problems[0].field == "url"
    assert session.exec(select(Webhook)).all() == []


def test_a_public_name_that_resolves_inside_is_refused_at_delivery(
    session: Session, production: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # DNS may change its answer after the subscription was checked (rebinding).
    monkeypatch.setattr(
        outbound, "system_resolver", lambda host, port: ["93.184.216.34", "10.0.0.7"]
    )
    job = _job(session, production, "https://hooks.example.org/x")
    post = Recorder()
    with pytest.raises(webhooks.WebhookDeliveryFailed):
        webhooks.deliver_webhook(session, job=job, settings=production, post=post)
    assert post.calls == []


def test_a_public_receiver_is_contacted_at_the_checked_address(
    session: Session, production: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(outbound, "system_resolver", lambda host, port: ["93.184.216.34"])
    job = _job(session, production, "https://hooks.example.org:8443/x?y=1")
    post = Recorder()
    webhooks.deliver_webhook(session, job=job, settings=production, post=post)
    ((url, options),) = post.calls
    assert url == "https://93.184.216.34:8443/x?y=1"
    assert options["headers"]["Host"] == "hooks.example.org:8443"
    assert options["extensions"] == {"sni_hostname": "hooks.example.org"}
    assert options["follow_redirects"] is False


@pytest.mark.parametrize(
    "error",
    [httpx.ConnectError("refused"), httpx.ReadTimeout("slow"), httpx.RemoteProtocolError("x")],
)
def test_failures_read_the_same_whatever_the_cause(
    session: Session, production: Settings, monkeypatch: pytest.MonkeyPatch, error: Exception
) -> None:
    monkeypatch.setattr(outbound, "system_resolver", lambda host, port: ["93.184.216.34"])
    job = _job(session, production, "https://hooks.example.org/x")

    def fail(url: str, **options: Any) -> httpx.Response:
        raise error

    with pytest.raises(webhooks.WebhookDeliveryFailed):
        webhooks.deliver_webhook(session, job=job, settings=production, post=fail)
    session.rollback()
    assert session.exec(select(Webhook)).one().last_status == "error: no answer"


@pytest.mark.parametrize(
    "url",
    [
        "http:///hooks",
        "http://\\/hooks",
        "https://hooks.example.org:99999/x",
        "https://hooks.example.org:0/x",
        "https://user:secret@hooks.example.org/x",
        "https://hooks example.org/x",
        "https://-bad-.example.org/x",
        "https://[not:an:ip]/x",
        "https://" + "a" * 64 + ".example.org/x",
    ],
)
def test_urls_that_are_not_urls_are_refused_in_every_environment(
    session: Session, settings: Settings, url: str
) -> None:
    with pytest.raises((InvalidInput, ValueError)):
        webhooks.create_webhook(
            session,
            organisation_id=make_organisation(session),
            data=WebhookCreate(url=url, events=["round.closed"]),
            settings=settings,
        )
    assert session.exec(select(Webhook)).all() == []
