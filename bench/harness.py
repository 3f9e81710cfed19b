"""What every benchmark script shares: its options, a session for making data, memory figures."""

import argparse
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from sqlmodel import Session

from app.config import Settings
from app.db import new_session
from bench.load import LoadResult
from bench.results import RESULTS_PATH, Figure
from bench.server import DATABASES, BenchDatabase, BenchServer

MEMORY_LIMIT_MB = 150.0
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
    """How many cores the server's workers and this load generator kept busy meanwhile."""

    server: BenchServer
    started: float = 0.0
    server_cpu: float = 0.0
    own_cpu: float = 0.0

    def __enter__(self) -> "CpuMeter":
        self.started = time.perf_counter()
        self.server_cpu = self.server.cpu_seconds()
        self.own_cpu = time.process_time()
        return self

    def __exit__(self, *_exc: object) -> None:
        elapsed = time.perf_counter() - self.started
        self.server_cpu = (self.server.cpu_seconds() - self.server_cpu) / elapsed
        self.own_cpu = (time.process_time() - self.own_cpu) / elapsed

    def note(self, name: str) -> str:
        return (
            f"{name}: server workers used {self.server_cpu:.2f} cores,"
            f" the load generator {self.own_cpu:.2f} (of {os.cpu_count()})"
        )


def error_notes(result: LoadResult) -> list[str]:
    return [f"{result.name} error sample: `{sample[:200]}`" for sample in result.error_samples]
