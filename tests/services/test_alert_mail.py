"""Coaches hear about alerts by e-mail, at once or in a weekly digest, via a real SMTP server."""

from datetime import timedelta

from sqlalchemy import Engine
from sqlmodel import Session, select

from app.config import Settings
from app.models import CaughtMail, Participant, User
from app.services.messaging import alert_preferences
from app.services.messaging.outbox_worker import WorkerOptions, deliver_due_jobs
from tests.conftest import make_settings
from tests.services.test_schedule import T, fresh, jobs, make_scheduled
from tests.support.smtp import html_part, smtp_server, text_part

OPTIONS = WorkerOptions(max_attempts=3)


class Clock:
    def __init__(self) -> None:
        self.now = T

    def __call__(self):  # type: ignore[no-untyped-def]
        return self.now


def _coach(session: Session) -> User:
    return fresh(session).exec(select(User).where(User.email == "coach@example.org")).one()


def test_the_coach_gets_an_email_when_a_scheduled_round_closes_with_alerts(
    session: Session, engine: Engine, database_url: str
) -> None:
    _, round_ = make_scheduled(session)
    clock = Clock()
    with smtp_server() as smtp:
        settings = make_settings(database_url, smtp_url=smtp.url)
        deliver_due_jobs(engine, settings=settings, options=OPTIONS, clock=clock)
        invitations = len(smtp.messages)
        clock.now = T + timedelta(days=14)
        deliver_due_jobs(engine, settings=settings, options=OPTIONS, clock=clock)
        alert_mails = smtp.messages[invitations:]

    assert invitations == 4
    (message,) = alert_mails
    assert message["To"] == "coach@example.org"
    assert "Circulaire bruggen" in message["Subject"]
    body = text_part(message)
    assert f"http://testserver/coach/collaborations/{round_.collaboration_id}/dashboard" in body
    assert "Partij 1: slechts 0% van de uitgenodigde mensen heeft geantwoord." in body
    assert "Partij 2" in html_part(message)
    people = fresh(session).exec(select(Participant)).all()
    for person in people:  # never a partner's name or address, let alone an answer
        assert person.name not in body and (person.email or "") not in body


def test_a_coach_who_chose_the_digest_gets_one_weekly_email_and_none_at_once(
    session: Session, engine: Engine, database_url: str
) -> None:
    organisation_id, round_ = make_scheduled(session)
    clock = Clock()
    with smtp_server() as smtp:
        settings = make_settings(database_url, smtp_url=smtp.url)
        deliver_due_jobs(engine, settings=settings, options=OPTIONS, clock=clock)  # opens
        alert_preferences.set_alert_mode(
            session,
            organisation_id=organisation_id,
            user_id=_coach(session).id or 0,
            collaboration_id=round_.collaboration_id,
            mode="digest",
            now=T + timedelta(days=10),
        )
        for days in (14, 16):  # closes with alerts; the digest's week is not over yet
            clock.now = T + timedelta(days=days)
            deliver_due_jobs(engine, settings=settings, options=OPTIONS, clock=clock)
        before_the_week = len(smtp.messages)
        for days in (17, 18, 24, 31):  # the week is over; the next weeks bring no alerts
            clock.now = T + timedelta(days=days)
            deliver_due_jobs(engine, settings=settings, options=OPTIONS, clock=clock)
        digests = smtp.messages[before_the_week:]

    assert before_the_week == 4  # only the invitations
    (digest,) = digests
    assert "Wekelijks overzicht" in digest["Subject"]
    body = text_part(digest)
    assert "De signalen van de afgelopen week" in body and "Partij 1: slechts 0%" in body
    assert len(jobs(session, "digest")) == 1 and jobs(session, "alerts") == []


def test_a_coach_who_wants_no_alert_emails_gets_none(
    session: Session, settings: Settings, engine: Engine
) -> None:
    organisation_id, round_ = make_scheduled(session)
    alert_preferences.set_alert_mode(
        session,
        organisation_id=organisation_id,
        user_id=_coach(session).id or 0,
        collaboration_id=round_.collaboration_id,
        mode="none",
        now=T,
    )
    clock = Clock()
    deliver_due_jobs(engine, settings=settings, options=OPTIONS, clock=clock)
    clock.now = T + timedelta(days=14)
    deliver_due_jobs(engine, settings=settings, options=OPTIONS, clock=clock)

    assert jobs(session, "alerts") == [] and jobs(session, "digest") == []


def test_in_development_the_mail_catcher_keeps_the_alert_email(
    session: Session, engine: Engine, database_url: str
) -> None:
    make_scheduled(session)
    settings = make_settings(database_url, mail_catcher=True)
    clock = Clock()
    deliver_due_jobs(engine, settings=settings, options=OPTIONS, clock=clock)
    clock.now = T + timedelta(days=14)
    deliver_due_jobs(engine, settings=settings, options=OPTIONS, clock=clock)

    caught = fresh(session).exec(select(CaughtMail).order_by(CaughtMail.id)).all()  # type: ignore[arg-type]
    alert = [mail for mail in caught if mail.recipient == "coach@example.org"]
    assert len(caught) == 5 and len(alert) == 1
    assert alert[0].link is not None and alert[0].link.endswith("/dashboard#alerts")
    assert "Partij 2: slechts 0%" in alert[0].text_body
