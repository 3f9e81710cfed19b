"""The unit of work commits once, rolls back on error, nests, and always frees the write lock."""

import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from app.db import new_session
from app.errors import WriteUnavailable
from app.infra import health
from app.infra.unit_of_work import in_unit_of_work, unit_of_work
from app.infra.write_lock import SqliteWriteLock, sqlite_write_lock
from app.models import Organisation


def _names(engine: Engine) -> list[str]:
    with new_session(engine) as session:
        return sorted(o.name for o in session.exec(select(Organisation)))


def test_a_unit_commits_its_work_once_at_the_end(engine: Engine) -> None:
    with new_session(engine) as session:
        with unit_of_work(session):
            session.add(Organisation(name="Gemeente Eendorp"))
            assert _names(engine) == []  # nothing is visible before the unit ends
        assert not in_unit_of_work(session)
    assert _names(engine) == ["Gemeente Eendorp"]


def test_an_error_rolls_the_whole_unit_back(engine: Engine) -> None:
    with new_session(engine) as session, pytest.raises(ValueError), unit_of_work(session):
        session.add(Organisation(name="Gemeente Eendorp"))
        raise ValueError("refused")
    assert _names(engine) == []


def test_nested_units_join_the_outer_one_and_commit_together_or_not_at_all(
    engine: Engine,
) -> None:
    with new_session(engine) as session:
        with pytest.raises(RuntimeError), unit_of_work(session):
            with unit_of_work(session):
                row = Organisation(name="Inner")
                session.add(row)
            assert row.id is not None  # the inner unit flushed: its rows have their ids
            assert _names(engine) == []  # ...but did not commit
            raise RuntimeError("the outer use case fails after the inner one succeeded")
        assert _names(engine) == []
        with unit_of_work(session):
            with unit_of_work(session):
                session.add(Organisation(name="Inner"))
            session.add(Organisation(name="Outer"))
    assert _names(engine) == ["Inner", "Outer"]


def test_the_write_lock_is_free_again_after_every_failing_unit(engine: Engine) -> None:
    for _ in range(5):
        with new_session(engine) as session, pytest.raises(KeyError), unit_of_work(session):
            session.add(Organisation(name="x"))
            raise KeyError("boom")
    assert sqlite_write_lock.held_for() == 0.0
    # Another thread can write at once: nothing was left holding the lock.
    done = threading.Event()

    def write() -> None:
        with new_session(engine) as session, unit_of_work(session, timeout=2):
            session.add(Organisation(name="after the failures"))
        done.set()

    thread = threading.Thread(target=write)
    thread.start()
    thread.join(timeout=10)
    assert done.is_set()
    assert _names(engine) == ["after the failures"]


def test_a_session_closed_in_another_thread_still_frees_the_lock(engine: Engine) -> None:
    session = new_session(engine)
    unit = unit_of_work(session)
    unit.__enter__()  # a write begun in this thread...
    closer = threading.Thread(target=session.close)  # ...and a framework's cleanup elsewhere
    closer.start()
    closer.join(timeout=10)
    assert sqlite_write_lock.held_for() == 0.0
    with new_session(engine) as other, unit_of_work(other, timeout=2):
        other.add(Organisation(name="next writer"))
    assert "next writer" in _names(engine)


def test_a_writer_waits_a_bounded_time_and_then_gets_a_clear_503() -> None:
    lock = SqliteWriteLock()
    lock.acquire(None)
    refused = []

    def second_writer() -> None:
        try:
            lock.acquire(None, timeout=0.2)
        except WriteUnavailable as error:
            refused.append(error)

    thread = threading.Thread(target=second_writer)
    thread.start()
    thread.join(timeout=10)
    lock.release()
    assert refused and refused[0].status_code == 503 and refused[0].retry_after
    lock.acquire(None, timeout=0.2)  # free again
    lock.release()


def test_the_file_lock_between_processes_is_bounded_too(tmp_path: Path) -> None:
    database = f"{tmp_path}/db.sqlite"
    holder, waiter = SqliteWriteLock(), SqliteWriteLock()
    holder.acquire(database)
    # A second lock object stands for another process: same file, a descriptor of its own.
    with pytest.raises(WriteUnavailable):
        waiter.acquire(database, timeout=0.1)
    holder.release()
    waiter.acquire(database, timeout=1)
    waiter.release()


def test_a_file_lock_granted_after_its_waiter_gave_up_is_given_back(tmp_path: Path) -> None:
    database = f"{tmp_path}/db.sqlite"
    holder, impatient, third = SqliteWriteLock(), SqliteWriteLock(), SqliteWriteLock()
    holder.acquire(database)
    with pytest.raises(WriteUnavailable):
        impatient.acquire(database, timeout=0.05)  # its blocking wait goes on in its thread
    holder.release()  # the kernel now grants the file lock to that abandoned wait ...
    impatient._waiter().submit(lambda: None).result(timeout=5)  # (its thread is done with it)
    third.acquire(database, timeout=0.5)  # ... which handed it straight back
    third.release()
    impatient.acquire(database, timeout=5)
    impatient.release()


def test_healthz_reports_a_worker_whose_write_lock_is_stuck(
    client: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fastapi.testclient import TestClient

    assert isinstance(client, TestClient)
    assert health.writes_ok() == (True, "ok")
    assert client.get("/healthz").json()["writes"] == "ok"
    monkeypatch.setattr(sqlite_write_lock, "held_for", lambda: 10_000.0)
    assert health.writes_ok() == (False, "stuck")
    # A load balancer reading /healthz takes the worker out: it answers, but cannot write.
    answer = client.get("/healthz")
    assert answer.status_code == 503
    assert answer.json() == {"status": "unavailable", "database": "ok", "writes": "stuck"}


def test_the_api_answers_503_with_retry_after_when_no_write_can_start(
    client: object, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fastapi.testclient import TestClient

    from tests.factories import make_api_key, make_organisation

    assert isinstance(client, TestClient)
    organisation_id = make_organisation(session)
    key = make_api_key(session, organisation_id=organisation_id)

    def busy(*_args: object, **_kwargs: object) -> None:
        raise WriteUnavailable("The database is busy; please try again in a moment.")

    monkeypatch.setattr("app.infra.unit_of_work._begin_write", busy)
    response = client.post(
        "/api/v1/collaborations",
        json={"name": "Busy"},
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 503
    assert response.headers["retry-after"] == "2"
    assert response.json()["code"] == "write_unavailable"
