"""Scenario 3: trends of a collaboration with 12 rounds of 10 parties x 30 participants.

    python -m bench.trends [--database postgres]

`GET /api/v1/collaborations/{id}/trends` is timed warm, one request at a time (latency, not
throughput); the coach's dashboard page is timed the same way when the web app has one.
"""

import sys

from bench import dashboard
from bench.harness import (
    Options,
    memory_figures,
    parse_options,
    prepare,
    step,
    wait_until_quiet,
    warm_up,
)
from bench.load import LoadResult, json_call, run_load
from bench.results import Figure, record
from bench.server import BenchDatabase, BenchServer, bench_database, running_server
from bench.world import TrendsWorld, build_trends_world

TARGET_P50_MS = 150.0
MAX_REQUESTS = 40


def prepare_trends(database: BenchDatabase, options: Options) -> TrendsWorld:
    if options.quick:
        sizes = {"parties": 3, "rounds_count": 2, "participants_per_party": 3}
    else:
        sizes = {"parties": 10, "rounds_count": 12, "participants_per_party": 30}
    world = prepare(database, lambda s, st: build_trends_world(s, st, **sizes))
    dashboard.prepare_coach(database, world.organisation_id)
    return world


def time_trends(
    server: BenchServer, world: TrendsWorld, *, seconds: float, requests: int = MAX_REQUESTS
) -> tuple[float, LoadResult]:
    """The cold request's time (ms), then sequential warm requests (`requests` or `seconds`)."""
    call = json_call(
        "GET",
        f"/api/v1/collaborations/{world.collaboration_id}/trends",
        headers={"Authorization": f"Bearer {world.api_key}"},
    )
    cold = warm_up(server, call)
    warm = run_load(
        f"trends ({world.responses} responses)",
        server.address,
        [call] * requests,
        concurrency=1,
        seconds=seconds,
    )
    return cold, warm


def measure_trends(
    server: BenchServer, world: TrendsWorld, options: Options
) -> tuple[list[Figure], list[str]]:
    with step(f"trends: {world.responses} stored responses"):
        cold, result = time_trends(server, world, seconds=options.seconds)
    print("  " + result.summary())
    label = f"{world.rounds} rounds, {world.responses:,} responses"
    figures = [
        Figure(
            "3 trends",
            f"GET trends p50, warm ({label})",
            result.percentile(50),
            "ms",
            f"< {TARGET_P50_MS:.0f} ms",
            result.errors == 0 and result.percentile(50) < TARGET_P50_MS,
        ),
        Figure("3 trends", "GET trends p90", result.percentile(90), "ms"),
        Figure("3 trends", "GET trends cold (first request of a worker)", cold, "ms"),
    ]
    notes = [result.summary(), *(f"trends error: `{e[:200]}`" for e in result.error_samples)]
    peaks = " / ".join(f"{peak:.0f}" for peak in server.peak_rss_mb())
    notes.append(f"peak RSS per worker after the trends, before the dashboard: {peaks} MB")
    dashboard_figures, dashboard_notes = dashboard.measure_dashboard(server, world, options)
    return figures + dashboard_figures, notes + dashboard_notes


def main(argv: list[str] | None = None) -> int:
    options = parse_options(__doc__ or "", argv, seconds=20.0)
    with bench_database(options.database) as database:
        world = prepare_trends(database, options)
        with running_server(database, workers=options.workers) as server:
            quiet = wait_until_quiet(max_seconds=0 if options.quick else 180)
            figures, notes = measure_trends(server, world, options)
            figures += memory_figures(server, "scenario 3")
    notes.insert(0, quiet)
    record("trends", options.database, figures, notes, path=options.results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
