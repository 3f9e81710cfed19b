"""The outbox worker: claims due jobs once, retries with backoff, records failures, never loses."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from app.config import Settings
from app.db import new_session
from app.main import create_app
from app.models import Invitation, JobKind, JobStatus, OutboxJob, Participant
from app.services.messaging import webhooks
from app.services.messaging.outbox_worker import (
    WorkerOptions,
    backoff,
    claim_due_jobs,
    deliver_due_jobs,
)
from app.services.messaging.worker_process import InProcessWorker
from tests.conftest import make_settings
from tests.factories import make_open_collaboration, make_organisation
from tests.support.smtp import free_port, smtp_server

OPTIONS = WorkerOptions(max_attempts=3, first_backoff=timedelta(seconds=30))


class Clock:
    """A clock the test moves by hand, so backoff is tested without waiting."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


def _jobs(session: Session) -> list[OutboxJob]:
    session.expire_all()
    return list(session.exec(select(OutboxJob).order_by(OutboxJob.id)))  # type: ignore[arg-type]


@pytest.fixture
def closed_port_settings(database_url: str) -> Settings:
    return make_settings(database_url, smtp_url=f"smtp://127.0.0.1:{free_port()}")


@pytest.mark.parametrize(
    ("attempts", "seconds"),
    [(1, 30), (2, 60), (3, 120), (4, 240), (12, 6 * 3600)],
)
def test_backoff_doubles_per_attempt_up_to_a_cap(attempts: int, seconds: int) -> None:
    assert backoff(attempts, WorkerOptions()) == timedelta(seconds=seconds)


@pytest.mark.parametrize("refusal", ["451 4.3.0 Try again later", "554 5.7.1 Rejected"])
def test_refusing_server_leads_to_a_retry_with_the_reason_recorded(
    session: Session, engine: Engine, database_url: str, refusal: str
) -> None:
    with smtp_server(refusal=refusal) as smtp:
        settings = make_settings(database_url, smtp_url=smtp.url)
        make_open_collaboration(session, settings=settings, participants_per_party=1)
        clock = Clock()
        report = deliver_due_jobs(engine, settings=settings, options=OPTIONS, clock=clock)

    assert report.outcomes["retry"] == 2
    for job in _jobs(session):
        assert (job.status, job.attempts) == (JobStatus.PENDING, 1)
        assert job.last_error is not None and job.last_error.startswith(f"SMTP {refusal[:3]}")
        assert job.next_attempt_at == clock.now + timedelta(seconds=30)


def test_unreachable_server_fails_after_the_last_attempt_and_the_invitation_stays(
    session: Session, engine: Engine, closed_port_settings: Settings
) -> None:
    settings = closed_port_settings
    setup = make_open_collaboration(session, settings=settings, participants_per_party=1)
    clock = Clock()

    for _ in range(OPTIONS.max_attempts):
        deliver_due_jobs(engine, settings=settings, options=OPTIONS, clock=clock)
        clock.advance(timedelta(hours=1))

    jobs = _jobs(session)
    assert [(j.status, j.attempts) for j in jobs] == [(JobStatus.FAILED, 3)] * 2
    assert all("unreachable" in (j.last_error or "") for j in jobs)
    invitations = session.exec(select(Invitation)).all()
    assert {i.id for i in invitations} == {item.invitation.id for item in setup.invitations}
    assert all(i.invited_at is None for i in invitations)


def test_a_job_is_not_tried_again_before_its_backoff_has_passed(
    session: Session, engine: Engine, closed_port_settings: Settings
) -> None:
    settings = closed_port_settings
    make_open_collaboration(session, settings=settings, participants_per_party=1)
    clock = Clock()
    deliver_due_jobs(engine, settings=settings, options=OPTIONS, clock=clock)
    clock.advance(timedelta(seconds=29))
    early = deliver_due_jobs(engine, settings=settings, options=OPTIONS, clock=clock)
    clock.advance(timedelta(seconds=1))
    due = deliver_due_jobs(engine, settings=settings, options=OPTIONS, clock=clock)
    assert (early.total, due.total) == (0, 2)


def test_a_retry_succeeds_once_the_server_is_back(
    session: Session, engine: Engine, database_url: str
) -> None:
    with smtp_server(refusal="451 4.3.0 Busy") as smtp:
        settings = make_settings(database_url, smtp_url=smtp.url)
        make_open_collaboration(session, settings=settings, participants_per_party=1)
        clock = Clock()
        deliver_due_jobs(engine, settings=settings, options=OPTIONS, clock=clock)
        smtp.handler.refusal = None
        clock.advance(timedelta(minutes=1))
        report = deliver_due_jobs(engine, settings=settings, options=OPTIONS, clock=clock)
        assert report.outcomes["done"] == 2 and len(smtp.messages) == 2

    assert [(j.status, j.attempts, j.last_error) for j in _jobs(session)] == [
        (JobStatus.DONE, 2, None)
    ] * 2


def test_an_erased_participant_is_not_mailed_and_the_job_fails_at_once(
    session: Session, engine: Engine, database_url: str
) -> None:
    with smtp_server() as smtp:
        settings = make_settings(database_url, smtp_url=smtp.url)
        make_open_collaboration(session, settings=settings, participants_per_party=1)
        participant = session.exec(select(Participant)).first()
        assert participant is not None
        participant.email = None
        session.add(participant)
        session.commit()
        deliver_due_jobs(engine, settings=settings, options=OPTIONS)
        assert len(smtp.messages) == 1

    failed = [j for j in _jobs(session) if j.status == JobStatus.FAILED]
    assert len(failed) == 1 and failed[0].attempts == 1
    assert failed[0].last_error == "not sent: the participant has no e-mail address (any more)"


def test_claimed_jobs_are_not_claimed_by_another_worker_until_the_lease_runs_out(
    session: Session, engine: Engine, settings: Settings
) -> None:
    make_open_collaboration(session, settings=settings, participants_per_party=2)
    now = datetime.now(UTC)
    with new_session(engine) as first, new_session(engine) as second:
        claimed = claim_due_jobs(first, now=now, options=WorkerOptions(batch_size=3))
        others = claim_due_jobs(second, now=now, options=WorkerOptions(batch_size=10))
        after_lease = claim_due_jobs(
            second, now=now + WorkerOptions().lease + timedelta(seconds=1), options=OPTIONS
        )
    assert len(claimed) == 3 and len(others) == 1 and not set(claimed) & set(others)
    assert set(after_lease) == set(claimed) | set(others)


def test_concurrent_workers_never_claim_the_same_job(
    session: Session, engine: Engine, settings: Settings
) -> None:
    organisation_id = make_organisation(session)
    session.add_all(
        OutboxJob(organisation_id=organisation_id, kind=JobKind.EMAIL, payload={"n": n})
        for n in range(40)
    )
    session.commit()
    claims: list[list[int]] = []
    start = threading.Barrier(4)

    def work() -> None:
        start.wait()
        with new_session(engine) as own:
            mine: list[int] = []
            while batch := claim_due_jobs(
                own, now=datetime.now(UTC), options=WorkerOptions(batch_size=3)
            ):
                mine += batch
            claims.append(mine)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    everything = [job_id for mine in claims for job_id in mine]
    assert len(everything) == len(set(everything)) == 40


def test_webhook_jobs_go_to_the_webhooks_module(
    session: Session, engine: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    delivered: list[int] = []

    def deliver_webhook(session: Session, *, job: OutboxJob, settings: Settings) -> None:
        delivered.append(job.id or 0)

    monkeypatch.setattr(webhooks, "deliver_webhook", deliver_webhook)
    job = OutboxJob(organisation_id=make_organisation(session), kind=JobKind.WEBHOOK, payload={})
    session.add(job)
    session.commit()

    report = deliver_due_jobs(engine, settings=settings)

    assert delivered == [job.id] and report.outcomes["done"] == 1
    assert _jobs(session)[0].status == JobStatus.DONE


def test_a_failing_webhook_is_retried_like_an_email(
    session: Session, engine: Engine, settings: Settings
) -> None:
    def failing(session: Session, job: OutboxJob, settings: Settings, accepted: object) -> None:
        raise ConnectionError("partner portal down")

    session.add(OutboxJob(organisation_id=make_organisation(session), kind=JobKind.WEBHOOK))
    session.commit()
    dispatchers = {JobKind.WEBHOOK: failing}
    deliver_due_jobs(engine, settings=settings, dispatchers=dispatchers, options=OPTIONS)
    job = _jobs(session)[0]
    assert (job.status, job.attempts) == (JobStatus.PENDING, 1)
    assert job.last_error == "ConnectionError: partner portal down"


def test_the_in_process_worker_delivers_while_the_app_runs(
    engine: Engine, database_url: str
) -> None:
    with smtp_server() as smtp:
        settings = make_settings(database_url, smtp_url=smtp.url, in_process_worker=True)
        with TestClient(create_app(settings)), new_session(engine) as session:
            make_open_collaboration(session, settings=settings, participants_per_party=1)
            assert smtp.handler.received.wait(timeout=30)


def test_stopping_the_in_process_worker_ends_its_thread(engine: Engine, settings: Settings) -> None:
    worker = InProcessWorker(engine, settings)
    worker.start()
    worker.stop()
    assert not worker._thread.is_alive()
