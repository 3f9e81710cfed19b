"""Scenario 5: 100,000 answers in one bulk import (`POST /rounds/{id}/responses/import`, CSV).

    python -m bench.imports [--database postgres]

The round has two parties; every invitation's 36 answers about the other party are one
response, so 100,000 answers are 2,778 responses (the last one partly answered).
"""

import sys
import time
from dataclasses import dataclass

import httpx
from sqlmodel import Session

from app.config import Settings
from bench.harness import Options, memory_figures, parse_options, prepare, step, wait_until_quiet
from bench.results import Figure, record
from bench.server import BenchDatabase, BenchServer, bench_database, running_server
from bench.world import build_submit_world

ANSWERS = 100_000
TARGET_SECONDS = 30.0
PATH = "/api/v1/rounds/{round_id}/responses/import"


@dataclass(frozen=True)
class ImportWorld:
    api_key: str
    round_id: int
    csv: bytes
    answers: int


def build_import_world(session: Session, settings: Settings, *, answers: int) -> ImportWorld:
    per_invitation = 36
    world = build_submit_world(session, settings, invitations=-(-answers // per_invitation))
    lines = ["invitation_id,target_party,item_id,value"]
    for index, (invitation_id, token) in enumerate(
        zip(world.invitation_ids, world.tokens, strict=True)
    ):
        for n, item in enumerate(world.item_ids):
            if len(lines) > answers:
                break
            value = 1 + (n + index) % 7
            lines.append(f"{invitation_id},{world.target_of[token]},{item},{value}")
    return ImportWorld(world.api_key, world.round_id, ("\n".join(lines) + "\n").encode(), answers)


def measure_import(
    server: BenchServer, world: ImportWorld, options: Options
) -> tuple[list[Figure], list[str]]:
    with step(f"import: {world.answers:,} answers, {len(world.csv) / 1e6:.1f} MB of CSV"):
        started = time.perf_counter()
        answer = httpx.post(
            server.url + PATH.format(round_id=world.round_id),
            content=world.csv,
            headers={"Authorization": f"Bearer {world.api_key}", "Content-Type": "text/csv"},
            timeout=300,
        )
        elapsed = time.perf_counter() - started
    ok = answer.status_code == 200
    print(f"  {answer.status_code} in {elapsed:.1f}s")
    figures = [
        Figure(
            "5 import",
            f"{world.answers:,} answers, one CSV request",
            elapsed,
            "s",
            f"< {TARGET_SECONDS:.0f} s",
            ok and elapsed < TARGET_SECONDS,
        )
    ]
    notes = [] if ok else [f"import answered {answer.status_code}: `{answer.text[:300]}`"]
    return figures, notes


def prepare_import(database: BenchDatabase, options: Options) -> ImportWorld:
    answers = 360 if options.quick else ANSWERS
    return prepare(database, lambda s, st: build_import_world(s, st, answers=answers))


def main(argv: list[str] | None = None) -> int:
    options = parse_options(__doc__ or "", argv, seconds=30.0)
    with bench_database(options.database) as database:
        world = prepare_import(database, options)
        with running_server(database, workers=options.workers) as server:
            quiet = wait_until_quiet(max_seconds=0 if options.quick else 180)
            figures, notes = measure_import(server, world, options)
            figures += memory_figures(server, "the import", judged=False)
    notes.insert(0, quiet)
    record("import", options.database, figures, notes, path=options.results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
