"""The one way to write: a nestable unit of work that commits once, at the end of the use case.

    with unit_of_work(session):
        ...  # read what will change, change it

The outermost unit begins a write transaction (on SQLite it takes the write lock first and
begins IMMEDIATE, so a read-then-write can never fail half-way with "database is locked"),
commits when its block ends and rolls back when it raises. A unit opened inside another
joins it (and flushes when its block ends, so new rows have their ids): two use cases
composed in one outer unit commit together or not at all. Whatever
happens — an error, a cancellation, a client that went away — the transaction is ended and
the write lock released before the `with` statement is left, in the thread that took it.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.orm import SessionTransaction
from sqlmodel import Session

from app.db import WRITE_OPTION
from app.infra.sqlite_checkpoints import checkpoints
from app.infra.write_lock import DEFAULT_TIMEOUT_SECONDS, sqlite_write_lock

_DEPTH = "trustmeter_unit_depth"
_HOLDS_LOCK = "trustmeter_holds_write_lock"
_DATABASE = "trustmeter_locked_database"


def is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def in_unit_of_work(session: Session) -> bool:
    return bool(session.info.get(_DEPTH))


@contextmanager
def unit_of_work(
    session: Session, *, timeout: float = DEFAULT_TIMEOUT_SECONDS
) -> Iterator[Session]:
    """Run the block as one write transaction; nested units join the outermost one."""
    if session.info.get(_DEPTH):
        session.info[_DEPTH] += 1
        try:
            yield session
            session.flush()  # what the inner use case made has its ids, as after a commit
        finally:
            session.info[_DEPTH] -= 1
        return
    _begin_write(session, timeout=timeout)
    session.info[_DEPTH] = 1
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.info.pop(_DEPTH, None)
        _release(session)  # normally done already when the transaction ended


def _begin_write(session: Session, *, timeout: float) -> None:
    if session.in_transaction():
        # End the read-only transaction the request began: the write starts from fresh data.
        session.commit()
    if is_sqlite(session):
        database = session.get_bind().engine.url.database  # a Connection bind has no .url
        database = None if not database or database == ":memory:" else database
        sqlite_write_lock.acquire(database, timeout=timeout)
        session.info[_HOLDS_LOCK] = True
        session.info[_DATABASE] = database
    session.info[WRITE_OPTION] = True
    try:
        session.connection(execution_options={WRITE_OPTION: True})
    except BaseException:
        _release(session)
        raise


def _release(session: Session) -> None:
    session.info.pop(WRITE_OPTION, None)
    if session.info.pop(_HOLDS_LOCK, False):
        database = session.info.pop(_DATABASE, None)
        sqlite_write_lock.release()
        if database:
            checkpoints.written(database)


@event.listens_for(Session, "after_transaction_end")
def _release_when_transaction_ends(session: Session, transaction: SessionTransaction) -> None:
    # A transaction ended outside a unit's own commit (the session closed by a framework's
    # cleanup): free the lock at once, from whichever thread that is; the lock allows it.
    if transaction.parent is None:
        _release(session)


def end_read(session: Session) -> None:
    """End a read-only transaction so its connection goes back to the pool (nothing to write).

    Objects already loaded stay readable: a commit, unlike a rollback, does not expire them
    here (sessions are made with expire_on_commit=False).
    """
    if in_unit_of_work(session):
        return  # the enclosing unit ends the transaction
    session.commit()
