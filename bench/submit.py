"""Scenarios 1 and 2: final submissions under 32 concurrent clients, and the app's ceiling.

python -m bench.submit [--database postgres] [--seconds 10]
"""

import itertools
import sys

from bench.harness import (
    CpuMeter,
    Options,
    error_notes,
    memory_figures,
    parse_options,
    prepare,
    step,
    wait_until_quiet,
)
from bench.load import Call, json_call, run_load
from bench.results import Figure, record
from bench.server import BenchDatabase, BenchServer, bench_database, running_server
from bench.world import SubmitWorld, build_submit_world

CONCURRENCY = 32
TARGET_RATE = 500.0
TARGET_P99_MS = 100.0
TARGET_RATIO = 0.10
CEILING_PATH = "/livez"  # a constant answer from the same app: routing and middleware only


def invitations_needed(options: Options) -> int:
    # Every submission needs an invitation of its own: a submitted one answers 409.
    return 64 if options.quick else int(1500 * options.seconds)


def prepare_submit(database: BenchDatabase, options: Options) -> SubmitWorld:
    count = invitations_needed(options)
    return prepare(database, lambda s, st: build_submit_world(s, st, invitations=count))


def measure_submit(
    server: BenchServer, world: SubmitWorld, options: Options
) -> tuple[list[Figure], list[str]]:
    headers = {"Authorization": f"Bearer {world.api_key}"}
    calls = [
        json_call(
            "POST", f"/api/v1/invitations/{token}/responses", world.final_submission(i), headers
        )
        for i, token in enumerate(world.tokens)
    ]
    concurrency = 4 if options.quick else CONCURRENCY
    title = f"submit: {len(calls)} invitations, {concurrency} clients"
    with step(title), CpuMeter(server) as submit_cpu:
        submit = run_load(
            "submit", server.address, calls, concurrency=concurrency, seconds=options.seconds
        )
    print("  " + submit.summary())
    print("  " + submit_cpu.note("submit"))
    with step(f"ceiling: GET {CEILING_PATH}"), CpuMeter(server) as ceiling_cpu:
        ceiling = run_load(
            "ceiling",
            server.address,
            itertools.repeat(Call("GET", CEILING_PATH)),
            concurrency=concurrency,
            seconds=options.seconds,
        )
    print("  " + ceiling.summary())
    print("  " + ceiling_cpu.note("ceiling"))
    ratio = submit.throughput / ceiling.throughput if ceiling.throughput else 0.0
    figures = [
        Figure(
            "1 submit",
            "API final submissions/s (36 answers, 1 target)",
            submit.throughput,
            "/s",
            f">= {TARGET_RATE:.0f}/s",
            submit.throughput >= TARGET_RATE,
        ),
        Figure("1 submit", "API submit p50", submit.percentile(50), "ms"),
        Figure(
            "1 submit",
            "API submit p99",
            submit.percentile(99),
            "ms",
            f"< {TARGET_P99_MS:.0f} ms",
            submit.percentile(99) < TARGET_P99_MS,
        ),
        Figure(
            "1 submit",
            "errors (non-2xx or failed)",
            str(submit.errors),
            "",
            "0",
            submit.errors == 0 and submit.requests > 0,
        ),
        Figure("2 ceiling", f"GET {CEILING_PATH}/s", ceiling.throughput, "/s"),
        Figure(
            "2 ceiling",
            "submit / ceiling",
            f"{ratio:.3f}",
            "",
            f">= {TARGET_RATIO}",
            ratio >= TARGET_RATIO,
        ),
    ]
    notes = [
        submit.summary(),
        submit_cpu.note("submit"),
        ceiling.summary(),
        ceiling_cpu.note("ceiling"),
        *error_notes(submit),
        *error_notes(ceiling),
    ]
    if len(submit.latencies) + submit.errors >= len(calls):
        notes.append("submit ran out of invitations before the time was up (rate is still valid).")
    return figures, notes


def main(argv: list[str] | None = None) -> int:
    options = parse_options(__doc__ or "", argv, seconds=10.0)
    with bench_database(options.database) as database:
        world = prepare_submit(database, options)
        with running_server(database, workers=options.workers) as server:
            quiet = wait_until_quiet(max_seconds=0 if options.quick else 180)
            figures, notes = measure_submit(server, world, options)
            figures += memory_figures(server, "scenarios 1-2")
    notes.insert(0, quiet)
    record("submit", options.database, figures, notes, path=options.results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
