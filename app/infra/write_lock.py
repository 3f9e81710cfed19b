"""SQLite's one-writer-at-a-time lock: threads and processes queue for it, never for ever.

SQLite allows one writer per database. Writers queue here (a lock per process, an `flock` on
a file beside the database between processes) rather than in SQLite's busy handler, which
polls with sleeps of up to 100 ms: with several workers that polling, not the work, set p99
latency. SQLite's own locking still guarantees correctness; this only makes writers queue.

The lock belongs to the *session* that took it, not to a thread: the unit of work that
acquires it releases it on every path, and a release from another thread (a session closed
by a framework's cleanup) still frees it. A writer waits at most `timeout` seconds and then
gets `WriteUnavailable` (HTTP 503) instead of hanging.
"""

import fcntl
import os
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from app.errors import WriteUnavailable

DEFAULT_TIMEOUT_SECONDS = 15.0
# Held longer than this and the worker counts as unable to write (/healthz).
STUCK_AFTER_SECONDS = 60.0


class SqliteWriteLock:
    """One writer at a time per database file, across the threads and processes of a host."""

    def __init__(self) -> None:
        self._lock = threading.Lock()  # any thread may release a plain Lock
        self._held: int | None = None
        self._since: float | None = None
        self._files: dict[tuple[int, str], int] = {}
        self._files_lock = threading.Lock()
        self._waiter_pool: ThreadPoolExecutor | None = None
        self._waiter_pid: int | None = None

    def acquire(self, database: str | None, *, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> None:
        deadline = time.monotonic() + timeout
        if not self._lock.acquire(timeout=max(timeout, 0.0)):
            raise WriteUnavailable("The database is busy; please try again in a moment.")
        try:
            if database:
                descriptor = self._descriptor(database)
                self._flock_until(descriptor, deadline)
                self._held = descriptor
        except BaseException:
            self._lock.release()
            raise
        self._since = time.monotonic()

    def release(self) -> None:
        held, self._held, self._since = self._held, None, None
        if held is not None:
            fcntl.flock(held, fcntl.LOCK_UN)
        self._lock.release()

    def held_for(self) -> float:
        """Seconds the lock has been held in this process (0 when free)."""
        since = self._since
        return 0.0 if since is None else time.monotonic() - since

    def stuck(self) -> bool:
        return self.held_for() > STUCK_AFTER_SECONDS

    def _flock_until(self, descriptor: int, deadline: float) -> None:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        # The kernel's blocking wait hands the lock over as soon as it is free; polling with
        # sleeps left the process that just wrote winning it again and again (p99 of 300 ms
        # under load). A blocking flock cannot give up, so it waits in a thread of its own
        # while this one waits for it no longer than the deadline.
        waiting = self._waiter().submit(fcntl.flock, descriptor, fcntl.LOCK_EX)
        try:
            waiting.result(timeout=max(deadline - time.monotonic(), 0.0))
        except FutureTimeout:
            # Granted later, it is given straight back: nobody is waiting for it any more.
            waiting.add_done_callback(lambda done: _give_back(done, descriptor))
            raise WriteUnavailable("The database is busy; please try again in a moment.") from None

    def _waiter(self) -> ThreadPoolExecutor:
        # One per process: a forked child has none of its parent's threads.
        with self._files_lock:
            pid = os.getpid()
            if self._waiter_pool is None or self._waiter_pid != pid:
                self._waiter_pool = ThreadPoolExecutor(1, thread_name_prefix="write-lock-wait")
                self._waiter_pid = pid
            return self._waiter_pool

    def _descriptor(self, database: str) -> int:
        # Keyed by process id too: a forked child must not share its parent's lock file.
        key = (os.getpid(), database)
        with self._files_lock:
            if key not in self._files:
                self._files[key] = os.open(f"{database}.lock", os.O_RDWR | os.O_CREAT, 0o600)
            return self._files[key]


def _give_back(done: "Future[None]", descriptor: int) -> None:
    if not done.cancelled() and done.exception() is None:
        fcntl.flock(descriptor, fcntl.LOCK_UN)


sqlite_write_lock = SqliteWriteLock()
