"""On SQLite only one outbox worker may run: an exclusive lock on a file beside the database."""

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine

from app.errors import Conflict


class WorkerAlreadyRunning(Conflict):
    title = "Outbox worker already running"


def lock_path(engine: Engine) -> Path | None:
    """Where the lock lives, or None when the database is not an SQLite file."""
    if engine.dialect.name != "sqlite":
        return None  # PostgreSQL workers share out jobs with FOR UPDATE SKIP LOCKED
    database = engine.url.database
    if not database or database == ":memory:":
        return None
    return Path(database).with_name(Path(database).name + ".outbox-worker.lock")


@contextmanager
def single_sqlite_worker(engine: Engine) -> Iterator[None]:
    """Hold the worker lock for the block; WorkerAlreadyRunning when another process has it.

    The operating system releases the lock when the holder exits, so a killed worker never
    leaves a stale lock behind.
    """
    path = lock_path(engine)
    if path is None:
        yield
        return
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise WorkerAlreadyRunning(
                "Another outbox worker is already running on this SQLite database; on SQLite"
                " only one may run (use PostgreSQL for several)."
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
