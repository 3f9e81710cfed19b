"""Running the outbox worker: as `trustmeter worker`, or as a thread of the web process."""

import logging
import threading

from sqlalchemy import Engine

from app.config import Settings
from app.infra.worker_lock import WorkerAlreadyRunning, single_sqlite_worker
from app.services.messaging.outbox_worker import DeliveryReport, WorkerOptions, deliver_due_jobs

log = logging.getLogger("trustmeter.worker")


def run_worker(
    engine: Engine,
    *,
    settings: Settings,
    once: bool = False,
    stop: threading.Event | None = None,
    options: WorkerOptions | None = None,
) -> DeliveryReport:
    """Deliver until stopped (or, with `once`, what is due now)."""
    options = options or WorkerOptions()
    stop = stop or threading.Event()
    with single_sqlite_worker(engine):
        return _deliver_until_stopped(engine, settings, once, stop, options)


def _deliver_until_stopped(
    engine: Engine, settings: Settings, once: bool, stop: threading.Event, options: WorkerOptions
) -> DeliveryReport:
    report = DeliveryReport()
    log.info("outbox worker started")
    while not stop.is_set():
        try:
            report.outcomes.update(
                deliver_due_jobs(engine, settings=settings, options=options).outcomes
            )
        except Exception:
            if once:
                raise
            log.exception("outbox pass failed; trying again")
        if once:
            break
        stop.wait(options.poll_seconds)
    log.info("outbox worker stopped")
    return report


class InProcessWorker:
    """The worker as a daemon thread inside the web process (the demo's single machine)."""

    def __init__(
        self, engine: Engine, settings: Settings, options: WorkerOptions | None = None
    ) -> None:
        self._stop = threading.Event()
        self._options = options
        self._thread = threading.Thread(
            target=self._run,
            args=(engine, settings),
            name="trustmeter-outbox",
            daemon=True,
        )

    def _run(self, engine: Engine, settings: Settings) -> None:
        try:
            run_worker(engine, settings=settings, stop=self._stop, options=self._options)
        except WorkerAlreadyRunning:
            # With several web processes on SQLite, one of them delivers for all.
            log.info("another process delivers the outbox; this one stays idle")

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._thread.join(timeout)
