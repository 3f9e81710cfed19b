"""Database engine and sessions, built from Settings; SQLite tuned for safe concurrent use."""

import contextlib
import fcntl
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import SessionTransaction
from sqlmodel import Session, create_engine

from app.config import Settings

_WRITE_OPTION = "trustmeter_write"
CHECKPOINT_EVERY_SECONDS = 0.5
CHECKPOINT_QUIET_SECONDS = 30.0
SAFETY_AUTOCHECKPOINT_PAGES = 20_000  # about 80 MB of WAL
SQLITE_POOL_SIZE = 41


class _SqliteWriteLock:
    """One writer at a time on SQLite: threads queue on a lock, processes on an flock.

    Both block until the holder lets go and then wake at once, unlike SQLite's busy handler,
    which polls with sleeps of up to 100 ms: with several workers that polling, not the
    work, set p99 latency. SQLite's own locking still guarantees correctness; this only
    makes writers queue instead of poll.
    """

    def __init__(self) -> None:
        self._thread_lock = threading.RLock()
        self._depth = 0  # changed only by the thread that holds _thread_lock
        self._held: int | None = None
        self._database: str | None = None
        self._files: dict[tuple[int, str], int] = {}

    def acquire(self, database: str | None) -> None:
        self._thread_lock.acquire()
        if self._depth == 0 and database:
            descriptor = self._descriptor(database)
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            self._held = descriptor
            self._database = database
        self._depth += 1

    def release(self) -> None:
        self._depth -= 1
        written = None
        if self._depth == 0 and self._held is not None:
            fcntl.flock(self._held, fcntl.LOCK_UN)
            self._held, written, self._database = None, self._database, None
        self._thread_lock.release()
        if written:
            _checkpoints.written(written)

    def _descriptor(self, database: str) -> int:
        # Keyed by process id too: a forked child must not share its parent's lock file.
        key = (os.getpid(), database)
        if key not in self._files:
            self._files[key] = os.open(f"{database}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        return self._files[key]


_sqlite_write_lock = _SqliteWriteLock()


class _Checkpointer:
    """Copies each SQLite WAL back into its database in a background thread, off the lock.

    SQLite's own automatic checkpoint runs inside whichever commit crosses its threshold, while
    that writer holds the lock every other writer is queued on: under load that halved the
    submissions per second and set their p99. A PASSIVE checkpoint here blocks no reader or
    writer. The automatic one stays, at a higher threshold, as the safety net for processes
    whose thread has not run. A thread ends after a quiet spell and starts again on a write.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._written: dict[str, bool] = {}  # database -> written since the last checkpoint

    def written(self, database: str) -> None:
        with self._lock:
            running = database in self._written
            self._written[database] = True
        if not running:
            threading.Thread(
                target=self._run, args=(database,), name="sqlite-checkpoint", daemon=True
            ).start()

    def _run(self, database: str) -> None:
        # The file may go away (a test's temp dir) or be busy: the safety net remains.
        with contextlib.suppress(sqlite3.Error):
            self._checkpoint_until_quiet(database)
        with self._lock:
            written_meanwhile = self._written.pop(database, False)
        if written_meanwhile:
            self.written(database)

    def _checkpoint_until_quiet(self, database: str) -> None:
        quiet = 0.0
        with contextlib.closing(sqlite3.connect(database, timeout=1.0)) as connection:
            while quiet < CHECKPOINT_QUIET_SECONDS:
                time.sleep(CHECKPOINT_EVERY_SECONDS)
                with self._lock:
                    written, self._written[database] = self._written[database], False
                if written:
                    connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
                quiet = 0.0 if written else quiet + CHECKPOINT_EVERY_SECONDS


_checkpoints = _Checkpointer()


def make_engine(settings: Settings) -> Engine:
    """Build the engine for the configured database, with SQLite pragmas when embedded."""
    url = make_url(settings.database_url)
    if url.get_backend_name() != "sqlite":
        # A bounded connect: health checks and requests fail fast when the server is gone.
        connect_args = {"connect_timeout": 10} if url.get_backend_name() == "postgresql" else {}
        return create_engine(
            url, pool_pre_ping=True, pool_size=10, max_overflow=20, connect_args=connect_args
        )
    pool_options: dict[str, Any] = {}
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        # No cap on connections: the writer holding the write lock must never wait for the
        # pool, or requests that hold a read connection while queueing for a thread starve it.
        # (An in-memory database has a single shared connection and no pool to size.)
        pool_options["max_overflow"] = -1
        # Keep as many as the thread pool can use at once (anyio's 40, and a writer thread):
        # a connection beyond the pool is closed when returned, and opening one again costs
        # more than a whole submission's queries.
        pool_options["pool_size"] = SQLITE_POOL_SIZE
    engine = create_engine(
        url, connect_args={"check_same_thread": False, "timeout": 30}, **pool_options
    )
    _configure_sqlite(engine)
    return engine


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take over BEGIN from the driver so write transactions can BEGIN IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # WAL with synchronous=NORMAL survives a killed process; only power loss can
        # roll back the last transactions.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        # The background checkpointer keeps the WAL short; this is only its safety net.
        cursor.execute(f"PRAGMA wal_autocheckpoint={SAFETY_AUTOCHECKPOINT_PAGES}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        immediate = connection.get_execution_options().get(_WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def is_sqlite(session: Session) -> bool:
    bind = session.get_bind()
    return bind.dialect.name == "sqlite"


def _sqlite_file(session: Session) -> str | None:
    database = session.get_bind().engine.url.database  # a Connection bind has no .url
    return None if not database or database == ":memory:" else database


def begin_write(session: Session) -> None:
    """Start the session's write transaction.

    Call it at the start of a use case that writes, before it reads what it will change.
    On SQLite it takes the process write lock and the database's write lock up front
    (BEGIN IMMEDIATE), so a read-then-write transaction can never fail half-way with
    "database is locked". The lock is released when the transaction ends.
    """
    if session.info.get(_WRITE_OPTION):
        return
    if session.in_transaction():
        session.commit()  # end the read-only transaction the request began
    if is_sqlite(session):
        _sqlite_write_lock.acquire(_sqlite_file(session))
        session.info["holds_write_lock"] = True
    session.info[_WRITE_OPTION] = True
    session.connection(execution_options={_WRITE_OPTION: True})


@event.listens_for(Session, "after_transaction_end")
def _release_write_lock(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is not None:
        return
    session.info.pop(_WRITE_OPTION, None)
    if session.info.pop("holds_write_lock", False):
        _sqlite_write_lock.release()


def new_session(engine: Engine) -> Session:
    # Objects stay readable after commit: services commit before routes serialise them.
    return Session(engine, expire_on_commit=False)


def session_scope(engine: Engine) -> Iterator[Session]:
    """Yield a session and always close it; committing is the service's job."""
    session = new_session(engine)
    try:
        yield session
    finally:
        session.close()
