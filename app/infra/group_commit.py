"""Group commit: one thread per process writes queued jobs, as many per transaction as wait.

Writes on SQLite are serialised across all workers. A request that writes for itself holds that
lock while its thread competes with every other request of the process for the GIL, and each
database call inside the lock gives the GIL away and must win it back: under load the lock was
held several times longer than the work took. Here a single writer thread takes whatever jobs
are queued when it is free and writes them in one transaction, so BEGIN, COMMIT and the GIL
hand-offs are paid once per batch instead of once per request. A job's caller is told its
outcome only after the commit that stored it, so nothing acknowledged is ever lost.
"""

import logging
import queue
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Generic, TypeVar

from app.errors import WriteUnavailable

Job = TypeVar("Job")
Result = TypeVar("Result")

# A batch writer answers, for each job in order, its result or the error it raised.
WriteBatch = Callable[[Sequence[Job]], Sequence[Result | BaseException]]

logger = logging.getLogger(__name__)

_BUSY = "The database is busy; please try again in a moment."
MAX_BATCH = 64
IDLE_SECONDS = 30.0  # a writer thread with nothing to do ends; the next job starts a new one


@dataclass(slots=True)
class _Queued(Generic[Job, Result]):
    job: Job
    future: "Future[Result]"


class GroupCommitWriter(Generic[Job, Result]):
    """Queue jobs for `write_batch`, which runs in this writer's own thread.

    `write_batch(jobs)` must return one outcome per job, in order: a job's error is its own
    outcome, not the batch's. Should `write_batch` itself raise, every job of that batch
    gets the error.
    """

    def __init__(
        self,
        write_batch: WriteBatch[Job, Result],
        *,
        name: str,
        max_batch: int = MAX_BATCH,
        idle_seconds: float = IDLE_SECONDS,
    ) -> None:
        self._write_batch = write_batch
        self._name = name
        self._max_batch = max_batch
        self._idle_seconds = idle_seconds
        self._queue: queue.SimpleQueue[_Queued[Job, Result]] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._running = False

    def submit(self, job: Job) -> "Future[Result]":
        future: Future[Result] = Future()
        self._queue.put(_Queued(job, future))
        with self._lock:
            if not self._running:
                self._running = True
                threading.Thread(target=self._run, name=self._name, daemon=True).start()
        return future

    def _run(self) -> None:
        while True:
            try:
                first = self._queue.get(timeout=self._idle_seconds)
            except queue.Empty:
                with self._lock:
                    if self._queue.empty():  # a job queued meanwhile keeps this thread
                        self._running = False
                        return
                continue
            self._write([first, *self._waiting()])

    def _waiting(self) -> list[_Queued[Job, Result]]:
        batch: list[_Queued[Job, Result]] = []
        while len(batch) < self._max_batch - 1:
            try:
                batch.append(self._queue.get_nowait())
            except queue.Empty:
                break
        return batch

    def _write(self, queued_jobs: list[_Queued[Job, Result]]) -> None:
        # A caller that gave up waiting cancelled its job: it is not written, and its future
        # (already done) must not be set again. The others can no longer be cancelled.
        batch = [queued for queued in queued_jobs if queued.future.set_running_or_notify_cancel()]
        if not batch:
            return
        try:
            outcomes = list(self._write_batch([queued.job for queued in batch]))
            if len(outcomes) != len(batch):
                raise RuntimeError(f"{len(outcomes)} outcomes for {len(batch)} jobs")
        except BaseException as error:  # every waiting caller must hear of it
            logger.exception("a batch of %d writes failed", len(batch))
            outcomes = [error] * len(batch)
        for queued, outcome in zip(batch, outcomes, strict=True):
            if isinstance(outcome, BaseException):
                queued.future.set_exception(outcome)
            else:
                queued.future.set_result(outcome)


def result_within(future: "Future[Result]", *, timeout: float) -> Result:
    """The job's outcome for a caller that waits in a thread, never longer than about `timeout`.

    A job still queued by then is withdrawn (it will not be written) and the caller gets the
    503 a stuck write lock gives. One already being written is waited for once more: its
    batch gives up on the write lock within the lock's own timeout, and what it stored must
    not be reported as refused.
    """
    try:
        return future.result(timeout=timeout)
    except FutureTimeout:
        if future.cancel():
            raise WriteUnavailable(_BUSY) from None
    try:
        return future.result(timeout=timeout)
    except FutureTimeout:
        raise WriteUnavailable(_BUSY) from None
