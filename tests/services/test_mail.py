"""Invitation and reminder e-mails, delivered through a real SMTP server in the test process."""

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from app.config import Settings
from app.infra.smtp import SmtpUrlError, parse_smtp_url
from app.main import create_app
from app.models import Invitation, OutboxJob, Participant
from app.services.messaging import mail_render, reminders
from app.services.messaging.outbox_worker import deliver_due_jobs
from tests.conftest import make_settings
from tests.factories import make_open_collaboration
from tests.support.smtp import SmtpServer, html_part, smtp_server, text_part

LINK = re.compile(r"http://testserver/s/[A-Za-z0-9_\-]+")


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with smtp_server() as server:
        yield server


@pytest.fixture
def mail_settings(database_url: str, smtp: SmtpServer) -> Settings:
    return make_settings(database_url, smtp_url=smtp.url)


def test_opening_a_round_mails_every_participant_a_personal_link(
    session: Session, engine: Engine, mail_settings: Settings, smtp: SmtpServer
) -> None:
    setup = make_open_collaboration(session, settings=mail_settings)

    report = deliver_due_jobs(engine, settings=mail_settings)

    assert report.outcomes["done"] == 6
    recipients = sorted(m["To"].addresses[0].addr_spec for m in smtp.messages)
    assert recipients == sorted(p.email for p in session.exec(select(Participant)) if p.email)
    links = {LINK.search(text_part(m)).group(0) for m in smtp.messages}  # type: ignore[union-attr]
    expected = {f"http://testserver/s/{item.token}" for item in setup.invitations}
    assert links == expected


def test_the_mailed_link_opens_the_questionnaire(
    session: Session, engine: Engine, mail_settings: Settings, smtp: SmtpServer
) -> None:
    make_open_collaboration(session, settings=mail_settings, participants_per_party=1)
    deliver_due_jobs(engine, settings=mail_settings)
    link = LINK.search(text_part(smtp.messages[0])).group(0)  # type: ignore[union-attr]

    path = link.removeprefix("http://testserver")

    with TestClient(create_app(mail_settings)) as client:
        page = client.get(path)

    assert page.status_code == 200
    assert "Circulaire bruggen" in page.text and "Begin met de vragenlijst" in page.text


def test_sent_invitation_is_marked_with_its_sending_time(
    session: Session, engine: Engine, mail_settings: Settings
) -> None:
    make_open_collaboration(session, settings=mail_settings, participants_per_party=1)
    deliver_due_jobs(engine, settings=mail_settings)
    session.expire_all()
    assert all(i.invited_at is not None for i in session.exec(select(Invitation)))


@pytest.mark.parametrize(
    ("language", "subject_start", "phrase"),
    [
        ("nl", "Uitnodiging", "persoonlijke link"),
        ("en", "Invitation", "personal link"),
    ],
)
def test_invitation_is_written_in_the_collaboration_language(
    session: Session,
    engine: Engine,
    mail_settings: Settings,
    smtp: SmtpServer,
    language: str,
    subject_start: str,
    phrase: str,
) -> None:
    make_open_collaboration(
        session, settings=mail_settings, participants_per_party=1, language=language
    )
    deliver_due_jobs(engine, settings=mail_settings)
    message = smtp.messages[0]
    assert str(message["Subject"]).startswith(subject_start)
    assert phrase in text_part(message)
    assert phrase in html_part(message)
    assert message["Content-Language"] == language


def test_html_part_escapes_names_from_the_database(
    session: Session, engine: Engine, mail_settings: Settings, smtp: SmtpServer
) -> None:
    make_open_collaboration(
        session, settings=mail_settings, participants_per_party=1, name="<b>Bruggen & co</b>"
    )
    deliver_due_jobs(engine, settings=mail_settings)
    html = html_part(smtp.messages[0])
    assert "&lt;b&gt;Bruggen &amp; co&lt;/b&gt;" in html
    assert "<b>Bruggen" not in html


def test_closing_date_is_shown_in_dutch_local_time(
    session: Session, engine: Engine, mail_settings: Settings, smtp: SmtpServer
) -> None:
    closes = datetime(2030, 3, 1, 16, 0, tzinfo=UTC)
    setup = make_open_collaboration(session, settings=mail_settings, participants_per_party=1)
    setup.round.closes_at = closes
    session.add(setup.round)
    session.commit()
    deliver_due_jobs(engine, settings=mail_settings)
    assert "vrijdag 1 maart 2030, 17:00" in text_part(smtp.messages[0])


def test_reminder_goes_only_to_those_who_have_not_submitted(
    session: Session, engine: Engine, mail_settings: Settings, smtp: SmtpServer
) -> None:
    setup = make_open_collaboration(session, settings=mail_settings, participants_per_party=1)
    deliver_due_jobs(engine, settings=mail_settings)
    smtp.messages.clear()
    submitted = setup.invitations[0].invitation
    submitted.status = submitted.status.SUBMITTED
    session.add(submitted)
    session.commit()

    result = reminders.send_reminders(
        session,
        organisation_id=setup.organisation_id,
        round_id=setup.round.id or 0,
        now=datetime.now(UTC),
    )
    deliver_due_jobs(engine, settings=mail_settings)

    assert (result.queued, result.recently_reminded) == (1, 0)
    assert len(smtp.messages) == 1
    assert str(smtp.messages[0]["Subject"]).startswith("Herinnering")


def test_a_second_reminder_click_does_not_mail_again(
    session: Session, mail_settings: Settings
) -> None:
    setup = make_open_collaboration(session, settings=mail_settings, participants_per_party=1)
    now = datetime.now(UTC)
    first = reminders.send_reminders(
        session, organisation_id=setup.organisation_id, round_id=setup.round.id or 0, now=now
    )
    second = reminders.send_reminders(
        session,
        organisation_id=setup.organisation_id,
        round_id=setup.round.id or 0,
        now=now + timedelta(minutes=5),
    )
    assert (first.queued, second.queued, second.recently_reminded) == (2, 0, 2)


def test_automatic_reminder_is_queued_days_before_closing_and_only_once(
    session: Session, mail_settings: Settings
) -> None:
    setup = make_open_collaboration(
        session, settings=mail_settings, participants_per_party=1, reminder_days_before_close=3
    )
    closes = datetime.now(UTC) + timedelta(days=10)
    setup.round.closes_at = closes
    session.add(setup.round)
    session.commit()

    too_early = reminders.queue_due_reminders(session, now=closes - timedelta(days=4))
    due = reminders.queue_due_reminders(session, now=closes - timedelta(days=2))
    again = reminders.queue_due_reminders(session, now=closes - timedelta(days=1))

    assert (too_early, due, again) == (0, 2, 0)
    jobs = session.exec(select(OutboxJob)).all()
    assert sorted(j.payload["template"] for j in jobs) == ["invitation"] * 2 + ["reminder"] * 2


def test_no_automatic_reminders_when_the_collaboration_turned_them_off(
    session: Session, mail_settings: Settings
) -> None:
    setup = make_open_collaboration(session, settings=mail_settings, participants_per_party=1)
    setup.collaboration.reminder_days_before_close = None
    closes = datetime.now(UTC) + timedelta(days=1)
    setup.round.closes_at = closes
    session.add_all([setup.round, setup.collaboration])
    session.commit()
    assert reminders.queue_due_reminders(session, now=closes - timedelta(hours=1)) == 0


def test_no_link_is_stored_in_the_outbox(session: Session, mail_settings: Settings) -> None:
    setup = make_open_collaboration(session, settings=mail_settings, participants_per_party=1)
    payloads = " ".join(str(job.payload) for job in session.exec(select(OutboxJob)))
    assert all(item.token and item.token not in payloads for item in setup.invitations)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mail.example.org", ("mail.example.org", 25, False, False, None, None)),
        (
            "smtps://u%40x:p%3Aw@mail.example.org",
            ("mail.example.org", 465, True, False, "u@x", "p:w"),
        ),
        ("smtp://h:2525?starttls=true", ("h", 2525, False, True, None, None)),
    ],
)
def test_smtp_url_is_parsed_into_its_parts(url: str, expected: tuple[object, ...]) -> None:
    target = parse_smtp_url(url)
    assert (
        target.host,
        target.port,
        target.implicit_tls,
        target.starttls,
        target.username,
        target.password,
    ) == expected


@pytest.mark.parametrize("url", ["http://mail.example.org", "smtp://", "smtp://h:notaport"])
def test_unusable_smtp_url_is_refused_with_a_reason(url: str) -> None:
    with pytest.raises(SmtpUrlError):
        parse_smtp_url(url)


def test_unknown_template_is_not_sent() -> None:
    context = mail_render.EmailContext(
        language="nl",
        name=None,
        address="a@example.org",
        organisation="O",
        collaboration="C",
        round_label="R",
        targets=["B"],
        closes_at=None,
        threshold=3,
        url="http://testserver/s/x",
        started=False,
    )
    with pytest.raises(mail_render.DeliveryAbandoned):
        mail_render.compose("newsletter", context, mail_from="a@example.org")
