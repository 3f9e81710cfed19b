"""Database engine and sessions, built from Settings; SQLite tuned for safe concurrent use."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.engine import make_url
from sqlmodel import Session, create_engine

from app.config import Settings

# The execution option that makes a transaction BEGIN IMMEDIATE (see app.infra.unit_of_work).
WRITE_OPTION = "trustmeter_write"
SAFETY_AUTOCHECKPOINT_PAGES = 20_000  # about 80 MB of WAL
SQLITE_POOL_SIZE = 41


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
        immediate = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


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
