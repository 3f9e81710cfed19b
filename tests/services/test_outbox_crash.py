"""The outbox after a crash: a sent message is recorded before hanging up, resends are
recognisable, a dead worker's jobs are taken over in seconds, hopeless jobs fail at once."""

import smtplib
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from app.config import Settings
from app.db import new_session
from app.infra.outbox_lease import renew_leases
from app.models import Collaboration, JobKind, JobStatus, OutboxJob, Participant
from app.services.messaging import mail_render
from app.services.messaging.outbox_worker import WorkerOptions, claim_due_jobs, deliver_due_jobs
from tests.conftest import make_settings
from tests.factories import make_open_collaboration, make_organisation
from tests.support.smtp import smtp_server


class Killed(BaseException):
    """What SIGKILL looks like from inside: nothing after it runs."""


def _jobs(session: Session) -> list[OutboxJob]:
    session.rollback()
    session.expire_all()
    return list(session.exec(select(OutboxJob).order_by(OutboxJob.id)))  # type: ignore[arg-type]


def test_a_message_the_server_accepted_is_recorded_before_the_connection_closes(
    session: Session, engine: Engine, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def die(self: smtplib.SMTP) -> None:
        raise Killed

    with smtp_server() as smtp:
        settings = make_settings(database_url, smtp_url=smtp.url)
        make_open_collaboration(session, settings=settings, participants_per_party=1)
        monkeypatch.setattr(smtplib.SMTP, "quit", die)
        with pytest.raises(Killed):
            deliver_due_jobs(engine, settings=settings, options=WorkerOptions(batch_size=1))
        assert len(smtp.messages) == 1
    first = _jobs(session)[0]
    assert first.status == JobStatus.DONE and first.attempts == 1


def test_every_attempt_of_a_job_carries_the_same_message_id(
    session: Session, engine: Engine, database_url: str
) -> None:
    with smtp_server() as smtp:
        settings = make_settings(database_url, smtp_url=smtp.url)
        make_open_collaboration(session, settings=settings, participants_per_party=1)
        deliver_due_jobs(engine, settings=settings)
        jobs = _jobs(session)
        for job in jobs:  # as if the record of the first sending had been lost
            job.status = JobStatus.PENDING
            session.add(job)
        session.commit()
        deliver_due_jobs(engine, settings=settings)
        ids = [str(message["Message-ID"]) for message in smtp.messages]
    assert len(ids) == 2 * len(jobs) and len(set(ids)) == len(jobs)
    expected = {
        mail_render.message_id_for(
            job.id or 0, secret=settings.secret_key, mail_from=settings.mail_from
        )
        for job in jobs
    }
    assert set(ids) == expected


def test_a_dead_workers_jobs_are_taken_over_within_seconds(
    session: Session, engine: Engine, database_url: str
) -> None:
    options = WorkerOptions()
    assert options.lease <= timedelta(seconds=30)
    with smtp_server() as smtp:
        settings = make_settings(database_url, smtp_url=smtp.url)
        make_open_collaboration(session, settings=settings, participants_per_party=1)
        claimed_at = datetime.now(UTC)
        with new_session(engine) as dead:
            claimed = claim_due_jobs(dead, now=claimed_at, options=options)
        later = claimed_at + options.lease + timedelta(seconds=1)
        report = deliver_due_jobs(engine, settings=settings, clock=lambda: later)
    assert len(claimed) == 2 and report.outcomes["done"] == 2 and len(smtp.messages) == 2


def test_a_live_worker_renews_the_lease_of_the_jobs_it_holds(
    session: Session, engine: Engine, settings: Settings
) -> None:
    session.add(OutboxJob(organisation_id=make_organisation(session), kind=JobKind.EMAIL))
    session.commit()
    options = WorkerOptions(lease=timedelta(seconds=30), heartbeat_seconds=0.05)
    renewed = threading.Event()

    def slow(own: Session, job: OutboxJob, settings: Settings, accepted: object) -> None:
        first = job.locked_until
        with new_session(engine) as watcher:
            for _ in range(200):  # bounded: about ten seconds at most
                seen = watcher.get(OutboxJob, job.id, populate_existing=True)
                if seen is not None and first is not None and seen.locked_until != first:
                    renewed.set()
                    return
                watcher.rollback()
                threading.Event().wait(0.05)

    times = iter(datetime.now(UTC) + timedelta(seconds=n) for n in range(10_000))
    report = deliver_due_jobs(
        engine,
        settings=settings,
        dispatchers={JobKind.EMAIL: slow},
        options=options,
        clock=lambda: next(times),
    )
    assert renewed.is_set() and report.outcomes["done"] == 1


def test_renewing_skips_jobs_that_are_no_longer_being_sent(
    session: Session, settings: Settings
) -> None:
    organisation_id = make_organisation(session)
    sending = OutboxJob(
        organisation_id=organisation_id, kind=JobKind.EMAIL, status=JobStatus.SENDING
    )
    done = OutboxJob(organisation_id=organisation_id, kind=JobKind.EMAIL, status=JobStatus.DONE)
    session.add_all([sending, done])
    session.commit()
    now = datetime.now(UTC)
    ids = [sending.id or 0, done.id or 0]
    assert renew_leases(session, job_ids=ids, now=now, lease=timedelta(seconds=30)) == 1


def test_a_line_break_in_a_stored_name_no_longer_breaks_the_invitation(
    session: Session, engine: Engine, database_url: str
) -> None:
    with smtp_server() as smtp:
        settings = make_settings(database_url, smtp_url=smtp.url)
        world = make_open_collaboration(session, settings=settings, participants_per_party=1)
        collaboration = session.get(Collaboration, world.collaboration.id)
        assert collaboration is not None
        collaboration.name = "Circulaire\r\nBcc: everyone@example.org"
        session.add(collaboration)
        session.commit()
        report = deliver_due_jobs(engine, settings=settings)
        assert report.outcomes["done"] == 2
        for message in smtp.messages:
            assert "\n" not in str(message["Subject"]) and "Bcc" not in message
            assert "Circulaire" in str(message["Subject"])


def test_a_job_that_can_never_succeed_fails_at_once_and_visibly(
    session: Session, engine: Engine, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    with smtp_server() as smtp:
        settings = make_settings(database_url, smtp_url=smtp.url)
        make_open_collaboration(session, settings=settings, participants_per_party=1)
        for person in session.exec(select(Participant)):
            person.email = "anouk\n@example.org"  # stored before addresses were checked
            session.add(person)
        session.commit()
        report = deliver_due_jobs(engine, settings=settings)
        assert smtp.messages == []
    assert report.outcomes["failed"] == 2
    for job in _jobs(session):
        assert (job.status, job.attempts) == (JobStatus.FAILED, 1)
        assert job.last_error is not None and "cannot be built" in job.last_error
    assert any("failed" in record.getMessage() for record in caplog.records)
