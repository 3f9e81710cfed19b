"""A worker's claim on its outbox jobs: a short lease that a heartbeat renews while it lives.

A claimed job is `sending` until `locked_until`. The lease is short (seconds), so the jobs of
a worker that died are due again almost at once; a live worker's heartbeat thread renews the
lease of the jobs it still holds, however long one delivery takes.
"""

import logging
import threading
from collections.abc import Callable, Collection
from datetime import datetime, timedelta
from types import TracebackType

from sqlalchemy import Engine, update
from sqlmodel import Session, col

from app.db import new_session
from app.infra.unit_of_work import unit_of_work
from app.models import JobStatus, OutboxJob

log = logging.getLogger("trustmeter.worker")


def renew_leases(
    session: Session, *, job_ids: Collection[int], now: datetime, lease: timedelta
) -> int:
    """Extend the lease of those jobs that are still being sent; returns how many."""
    if not job_ids:
        return 0
    with unit_of_work(session):
        renewed = session.execute(
            update(OutboxJob)
            .where(col(OutboxJob.id).in_(list(job_ids)), col(OutboxJob.status) == JobStatus.SENDING)
            .values(locked_until=now + lease)
        )
    return int(getattr(renewed, "rowcount", 0) or 0)


class LeaseHeartbeat:
    """While the block runs, renew the lease of `job_ids` every `every` seconds."""

    def __init__(
        self,
        engine: Engine,
        job_ids: Collection[int],
        *,
        lease: timedelta,
        every: float,
        clock: Callable[[], datetime],
    ) -> None:
        self._engine, self._job_ids = engine, list(job_ids)
        self._lease, self._every, self._clock = lease, every, clock
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="outbox-heartbeat", daemon=True)

    def __enter__(self) -> "LeaseHeartbeat":
        if self._job_ids:
            self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        with new_session(self._engine) as session:
            while not self._stop.wait(self._every):
                try:
                    renew_leases(
                        session, job_ids=self._job_ids, now=self._clock(), lease=self._lease
                    )
                except Exception:  # a missed beat is survivable: the next one tries again
                    session.rollback()
                    log.exception("renewing the outbox lease failed")
