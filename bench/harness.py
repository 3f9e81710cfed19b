"""What every benchmark script shares: its options, a session for making data, memory figures."""

import argparse
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from sqlmodel import Session

from app.config import Settings
from app.db import new_session
from bench.load import Call, LoadResult, run_load
from bench.results import RESULTS_PATH, Figure
from bench.server import DATABASES, BenchDatabase, BenchServer

MEMORY_LIMIT_MB = 150.0
WARM_UP = 6  # requests sent at once, on connections of their own
WARM_UP_BATCHES = 10
T = TypeVar("T")


@dataclass(frozen=True)
class Options:
    database: str
    quick: bool  # a few requests on tiny data: proves the scripts work, measures nothing
    results: Path | None
    seconds: float
    workers: int = 2


def parse_options(description: str, argv: list[str] | None = None, *, seconds: float) -> Options:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--database", choices=DATABASES, default="sqlite")
    parser.add_argument("--seconds", type=float, default=seconds, help="load per scenario (max 30)")
    parser.add_argument("--quick", action="store_true", help="tiny data, a few requests")
    parser.add_argument("--results", type=Path, default=RESULTS_PATH, help="file to append to")
    parser.add_argument("--no-record", action="store_true", help="print only")
    args = parser.parse_args(argv)
    return Options(
        database=args.database,
        quick=args.quick,
        results=None if args.no_record else args.results,
        seconds=min(1.0 if args.quick else args.seconds, 30.0),
    )


def prepare(database: BenchDatabase, build: Callable[[Session, Settings], T]) -> T:
    """Make a scenario's data in-process, straight into the database the server will use."""
    engine = database.engine()
    started = time.perf_counter()
    try:
        with new_session(engine) as session:
            world = build(session, database.settings())
    finally:
        engine.dispose()
    print(f"  data ready in {time.perf_counter() - started:.1f}s")
    return world


@contextmanager
def step(title: str) -> Iterator[None]:
    print(f"- {title} ...", flush=True)
    started = time.perf_counter()
    yield
    print(f"  ({time.perf_counter() - started:.1f}s)", flush=True)


def memory_figures(server: BenchServer, after: str, *, judged: bool = True) -> list[Figure]:
    """Peak RSS of each worker; the target applies after scenarios 1-3 only."""
    peaks = server.peak_rss_mb()
    worst = max(peaks, default=0.0)
    return [
        Figure(
            "6 memory",
            f"peak RSS per worker after {after} (VmHWM; {len(peaks)} workers)",
            " / ".join(f"{peak:.0f}" for peak in peaks) or "none found",
            "MB",
            f"< {MEMORY_LIMIT_MB:.0f} MB" if judged else "",
            (bool(peaks) and worst < MEMORY_LIMIT_MB) if judged else None,
        )
    ]


@dataclass
class CpuMeter:
    """How many cores each server worker and this load generator kept busy meanwhile."""

    server: BenchServer
    started: float = 0.0
    elapsed: float = 0.0
    workers_cpu: dict[int, float] = field(default_factory=dict)
    own_cpu: float = 0.0

    def __enter__(self) -> "CpuMeter":
        self.started = time.perf_counter()
        self.workers_cpu = self.server.cpu_seconds()
        self.own_cpu = time.process_time()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.elapsed = elapsed = time.perf_counter() - self.started
        before, after = self.workers_cpu, self.server.cpu_seconds()
        self.workers_cpu = {
            pid: (used - before.get(pid, 0.0)) / elapsed for pid, used in after.items()
        }
        self.own_cpu = (time.process_time() - self.own_cpu) / elapsed

    @property
    def server_cpu(self) -> float:
        return sum(self.workers_cpu.values())

    @property
    def server_seconds(self) -> float:
        """CPU seconds all workers used together while the meter ran."""
        return self.server_cpu * self.elapsed

    def note(self, name: str) -> str:
        each = " + ".join(f"{used:.2f}" for used in self.workers_cpu.values())
        return (
            f"{name}: server workers used {self.server_cpu:.2f} cores ({each}),"
            f" the load generator {self.own_cpu:.2f} (of {os.cpu_count()})"
        )


def _cpu_times() -> tuple[int, int]:
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return fields[3] + fields[4], sum(fields)  # idle + iowait, all


def idle_fraction(seconds: float = 1.0) -> float:
    """How idle the machine's CPUs were over the next `seconds`."""
    idle, total = _cpu_times()
    time.sleep(seconds)
    idle2, total2 = _cpu_times()
    return (idle2 - idle) / max(1, total2 - total)


def wait_until_quiet(*, at_least: float = 0.85, max_seconds: float = 180.0) -> str:
    """Wait (bounded) until other work leaves the CPUs idle; say how idle they were.

    The machine is shared: a benchmark started while a test suite runs measures the suite.
    """
    deadline = time.monotonic() + max_seconds
    idle = idle_fraction()
    while idle < at_least and time.monotonic() < deadline:
        idle = idle_fraction(2.0)
    verdict = "" if idle >= at_least else f" (waited {max_seconds:.0f}s, not quieter)"
    return f"CPUs {idle:.0%} idle just before the load{verdict}"


def warm_up(server: BenchServer, call: Call) -> float:
    """Make every worker serve `call` once; returns the first (cold) request's time in ms.

    Requests go out in batches on fresh connections, which land on workers at random; two
    batches in a row with nothing near the cold time mean no worker is cold any more.
    """
    first = run_load("cold", server.address, [call], concurrency=1, seconds=1, timeout=900)
    cold = first.percentile(100)
    quick_in_a_row = 0
    for _ in range(WARM_UP_BATCHES):
        batch = run_load(
            "warm-up",
            server.address,
            [call] * WARM_UP,
            concurrency=WARM_UP,
            seconds=1,
            timeout=900,
        )
        quick = bool(batch.latencies) and batch.percentile(100) < max(cold / 4, 50.0)
        quick_in_a_row = quick_in_a_row + 1 if quick else 0
        if quick_in_a_row == 2:
            break
    return cold


def error_notes(result: LoadResult) -> list[str]:
    return [f"{result.name} error sample: `{sample[:200]}`" for sample in result.error_samples]
