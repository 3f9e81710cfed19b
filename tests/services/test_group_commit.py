"""The group-commit writer: one outcome per job, batches of whatever waits, failures contained."""

import threading
from collections.abc import Sequence

import pytest

from app.errors import WriteUnavailable
from app.infra.group_commit import GroupCommitWriter, result_within

WAIT = 10.0  # seconds: a bound for a broken writer, never reached by a working one


def test_each_job_gets_its_own_result_or_error() -> None:
    def write(jobs: Sequence[int]) -> list[int | BaseException]:
        return [ValueError(f"odd {job}") if job % 2 else job * 10 for job in jobs]

    writer: GroupCommitWriter[int, int] = GroupCommitWriter(write, name="test-writer")
    futures = [writer.submit(job) for job in range(4)]

    assert futures[0].result(WAIT) == 0 and futures[2].result(WAIT) == 20
    with pytest.raises(ValueError, match="odd 1"):
        futures[1].result(WAIT)


def test_jobs_that_queue_while_a_batch_is_written_go_together_into_the_next() -> None:
    batches: list[list[str]] = []
    writing, release = threading.Event(), threading.Event()

    def write(jobs: Sequence[str]) -> list[str]:
        batches.append(list(jobs))
        writing.set()
        release.wait(WAIT)
        return [job.upper() for job in jobs]

    writer: GroupCommitWriter[str, str] = GroupCommitWriter(write, name="test-writer")
    first = writer.submit("a")
    assert writing.wait(WAIT)
    waiting = [writer.submit(job) for job in "bcd"]
    release.set()

    assert [future.result(WAIT) for future in (first, *waiting)] == ["A", "B", "C", "D"]
    assert batches == [["a"], ["b", "c", "d"]]


def test_a_batch_is_never_larger_than_its_limit() -> None:
    batches: list[int] = []
    writing, release = threading.Event(), threading.Event()

    def write(jobs: Sequence[int]) -> list[int]:
        batches.append(len(jobs))
        writing.set()
        release.wait(WAIT)
        return list(jobs)

    writer: GroupCommitWriter[int, int] = GroupCommitWriter(write, name="test-writer", max_batch=3)
    first = writer.submit(0)
    assert writing.wait(WAIT)
    futures = [writer.submit(job) for job in range(1, 8)]
    release.set()

    assert [future.result(WAIT) for future in (first, *futures)] == list(range(8))
    assert batches == [1, 3, 3, 1]


@pytest.mark.parametrize(
    "broken",
    [
        pytest.param(lambda jobs: 1 / 0, id="raises"),
        pytest.param(lambda jobs: list(jobs)[:-1], id="answers-too-few"),
    ],
)
def test_a_failing_batch_fails_its_jobs_and_the_writer_goes_on(broken: object) -> None:
    calls = 0

    def write(jobs: Sequence[int]) -> list[int]:
        nonlocal calls
        calls += 1
        return broken(jobs) if calls == 1 else list(jobs)  # type: ignore[operator, no-any-return]

    writer: GroupCommitWriter[int, int] = GroupCommitWriter(write, name="test-writer")
    failed = writer.submit(1)
    with pytest.raises((ZeroDivisionError, RuntimeError)):
        failed.result(WAIT)

    assert writer.submit(2).result(WAIT) == 2


def test_an_idle_writer_thread_ends_and_a_new_job_starts_another() -> None:
    writer: GroupCommitWriter[int, int] = GroupCommitWriter(
        list, name="test-idle-writer", idle_seconds=0.01
    )
    assert writer.submit(1).result(WAIT) == 1
    for thread in threading.enumerate():
        if thread.name == "test-idle-writer":
            thread.join(WAIT)
    assert not any(thread.name == "test-idle-writer" for thread in threading.enumerate())

    assert writer.submit(2).result(WAIT) == 2


def test_a_job_withdrawn_while_queued_is_never_written_and_the_writer_goes_on() -> None:
    batches: list[list[int]] = []
    writing, release = threading.Event(), threading.Event()

    def write(jobs: Sequence[int]) -> list[int]:
        batches.append(list(jobs))
        writing.set()
        release.wait(WAIT)
        return list(jobs)

    writer: GroupCommitWriter[int, int] = GroupCommitWriter(write, name="test-writer")
    first = writer.submit(1)
    assert writing.wait(WAIT)
    withdrawn, kept = writer.submit(2), writer.submit(3)

    with pytest.raises(WriteUnavailable):  # waited for in vain: withdrawn, a clear 503
        result_within(withdrawn, timeout=0.01)
    release.set()

    assert withdrawn.cancelled()
    assert (first.result(WAIT), kept.result(WAIT)) == (1, 3)
    assert batches == [[1], [3]]
    assert writer.submit(4).result(WAIT) == 4


def test_a_job_being_written_is_waited_for_not_withdrawn() -> None:
    writing, release = threading.Event(), threading.Event()

    def write(jobs: Sequence[int]) -> list[int]:
        writing.set()
        release.wait(WAIT)
        return [job * 10 for job in jobs]

    writer: GroupCommitWriter[int, int] = GroupCommitWriter(write, name="test-writer")
    running = writer.submit(1)
    assert writing.wait(WAIT)

    with pytest.raises(WriteUnavailable):  # still being written after two waits
        result_within(running, timeout=0.01)
    assert not running.cancelled()
    release.set()
    assert result_within(running, timeout=WAIT) == 10
