"""Deliver queued outbox jobs (e-mail, webhooks): claim, send, retry with backoff, give up."""

import logging
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Engine, and_, or_
from sqlmodel import Session, col, select

from app.config import Settings
from app.db import new_session
from app.infra import smtp
from app.infra.outbox_lease import LeaseHeartbeat
from app.infra.unit_of_work import is_sqlite, unit_of_work
from app.models import JobKind, JobStatus, OutboxJob, utcnow
from app.services.messaging import mail, reminders, webhooks
from app.services.messaging.delivery import DeliveryAbandoned, DeliverySkipped
from app.services.schedule import runner

log = logging.getLogger("trustmeter.worker")

# A dispatcher calls `accepted` once the receiver has the message (before it hangs up), so the
# job is recorded as sent at the earliest moment; after that no error can make it retry.
Accepted = Callable[[], None]
Dispatcher = Callable[[Session, OutboxJob, Settings, Accepted], None]
Clock = Callable[[], datetime]


@dataclass(frozen=True, slots=True)
class WorkerOptions:
    """How hard to try: attempts before giving up, the backoff curve, the claim lease."""

    max_attempts: int = 8
    first_backoff: timedelta = timedelta(seconds=30)
    max_backoff: timedelta = timedelta(hours=6)
    # A claimed job whose worker died becomes due again when its lease runs out; a live
    # worker's heartbeat renews the lease of the jobs it holds every `heartbeat_seconds`.
    lease: timedelta = timedelta(seconds=30)
    heartbeat_seconds: float = 5.0
    batch_size: int = 20
    poll_seconds: float = 5.0


@dataclass
class DeliveryReport:
    """What one pass did: counts per outcome (done, skipped, retry, failed)."""

    outcomes: Counter[str] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.outcomes.values())


def backoff(attempts: int, options: WorkerOptions) -> timedelta:
    """Wait before the next try after `attempts` failed ones: doubling, capped."""
    delay = options.first_backoff * (2 ** max(0, attempts - 1))
    return min(delay, options.max_backoff)


def _deliver_email(
    session: Session, job: OutboxJob, settings: Settings, accepted: Accepted
) -> None:
    mail.deliver_email(session, job=job, settings=settings, on_accepted=accepted)


def _deliver_webhook(
    session: Session, job: OutboxJob, settings: Settings, accepted: Accepted
) -> None:
    webhooks.deliver_webhook(session, job=job, settings=settings)


DEFAULT_DISPATCHERS: Mapping[JobKind, Dispatcher] = {
    JobKind.EMAIL: _deliver_email,
    JobKind.WEBHOOK: _deliver_webhook,
}


def claim_due_jobs(session: Session, *, now: datetime, options: WorkerOptions) -> list[int]:
    """Mark a batch of due jobs as being sent by this worker and return their ids.

    PostgreSQL: `FOR UPDATE SKIP LOCKED`, so workers on many machines never claim the same
    job. SQLite: the claim runs under the database's single write lock (BEGIN IMMEDIATE),
    so claims are serialised and the lease keeps a claimed job away from other workers.
    """
    with unit_of_work(session):
        due = or_(
            and_(col(OutboxJob.status) == JobStatus.PENDING, col(OutboxJob.next_attempt_at) <= now),
            and_(col(OutboxJob.status) == JobStatus.SENDING, col(OutboxJob.locked_until) < now),
        )
        query = (
            select(OutboxJob)
            .where(due)
            .order_by(col(OutboxJob.next_attempt_at), col(OutboxJob.id))
            .limit(options.batch_size)
        )
        if not is_sqlite(session):
            query = query.with_for_update(skip_locked=True)
        jobs = list(session.exec(query))
        for job in jobs:
            job.status = JobStatus.SENDING
            job.locked_until = now + options.lease
            session.add(job)
    return [job.id for job in jobs if job.id is not None]


def process_job(
    session: Session,
    *,
    job_id: int,
    settings: Settings,
    dispatchers: Mapping[JobKind, Dispatcher],
    options: WorkerOptions,
    clock: Clock,
) -> str:
    """Deliver one claimed job, then record the outcome; returns the outcome's name."""
    job = session.get(OutboxJob, job_id, populate_existing=True)
    if job is None:
        return "gone"
    receipt = _Receipt(
        lambda: _record(
            session, job_id=job_id, outcome="done", error=None, options=options, now=clock()
        )
    )
    error: str | None = None
    outcome = "done"
    try:
        dispatchers[job.kind](session, job, settings, receipt.accept)
    except DeliverySkipped as exc:
        outcome, error = "skipped", f"not sent: {exc}"
    except DeliveryAbandoned as exc:
        outcome, error = "failed", f"not sent: {exc}"
    except Exception as exc:  # any other failure is worth another try
        outcome, error = "retry", _describe(job.kind, exc)
    if receipt.outcome is not None:  # the receiver has it: nothing after that can unsend it
        if error:
            log.warning("outbox job %s: error after delivery: %s", job_id, error)
        return receipt.outcome
    return _record(
        session, job_id=job_id, outcome=outcome, error=error, options=options, now=clock()
    )


class _Receipt:
    """Records a job as sent once, the moment the receiver accepts it (see Dispatcher)."""

    def __init__(self, record: Callable[[], str]) -> None:
        self._record = record
        self.outcome: str | None = None

    def accept(self) -> None:
        if self.outcome is None:
            self.outcome = self._record()


def _describe(kind: JobKind, exc: Exception) -> str:
    if kind == JobKind.EMAIL:
        return smtp.describe_failure(exc)
    return f"{type(exc).__name__}: {exc}"[:500]


def _record(
    session: Session,
    *,
    job_id: int,
    outcome: str,
    error: str | None,
    options: WorkerOptions,
    now: datetime,
) -> str:
    with unit_of_work(session):
        job = session.get(OutboxJob, job_id, populate_existing=True)
        if job is None:
            return "gone"
        job.attempts += 1
        job.locked_until = None
        job.last_error = error[:2000] if error else None
        if outcome == "retry" and job.attempts >= options.max_attempts:
            outcome = "failed"
        if outcome in ("done", "skipped"):
            job.status = JobStatus.DONE
            if outcome == "done" and job.kind == JobKind.EMAIL:
                mail.record_sent(session, job=job, now=now)
        elif outcome == "failed":
            job.status = JobStatus.FAILED
        else:
            job.status = JobStatus.PENDING
            job.next_attempt_at = now + backoff(job.attempts, options)
        session.add(job)
    _log_outcome(job, outcome)
    return outcome


def _log_outcome(job: OutboxJob, outcome: str) -> None:
    level = logging.WARNING if outcome in ("retry", "failed") else logging.INFO
    log.log(
        level,
        "outbox job %s (%s) attempt %s: %s%s",
        job.id,
        job.kind.value,
        job.attempts,
        outcome,
        f" ({job.last_error})" if job.last_error else "",
    )


def deliver_due_jobs(
    engine: Engine,
    *,
    settings: Settings,
    dispatchers: Mapping[JobKind, Dispatcher] = DEFAULT_DISPATCHERS,
    options: WorkerOptions | None = None,
    clock: Clock = utcnow,
) -> DeliveryReport:
    """Do the schedule's due work (make, open, close rounds; digests), queue due automatic
    reminders, then deliver every job that is due now, batch by batch."""
    options = options or WorkerOptions()
    report = DeliveryReport()
    with new_session(engine) as session:
        _run_schedule(session, settings, clock)
        reminders.queue_due_reminders(session, now=clock())
        while True:
            job_ids = claim_due_jobs(session, now=clock(), options=options)
            heartbeat = LeaseHeartbeat(
                engine, job_ids, lease=options.lease, every=options.heartbeat_seconds, clock=clock
            )
            with heartbeat:
                for job_id in job_ids:
                    outcome = process_job(
                        session,
                        job_id=job_id,
                        settings=settings,
                        dispatchers=dispatchers,
                        options=options,
                        clock=clock,
                    )
                    report.outcomes[outcome] += 1
            if len(job_ids) < options.batch_size:
                return report


def _run_schedule(session: Session, settings: Settings, clock: Clock) -> None:
    # A round that cannot be handled must not stop the e-mail that is already queued.
    try:
        runner.run_due(session, now=clock(), settings=settings)
    except Exception:
        session.rollback()
        log.exception("scheduled rounds failed this pass; trying again next pass")
