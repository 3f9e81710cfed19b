"""Scenario 4: trends at 1x, 4x and 16x the rounds x participants of scenario 3.

    python -m bench.growth [--database postgres]

Rounds and participants per party both double per step (12x30, 24x60, 48x120), so stored
responses grow 1x, 4x, 16x. Each size is timed cold (the first request computes everything)
and warm (later requests); time should grow no faster than the stored responses.
"""

import sys
from dataclasses import dataclass

from bench.harness import Options, parse_options, prepare, step, wait_until_quiet
from bench.results import Figure, record
from bench.server import BenchDatabase, BenchServer, bench_database, running_server
from bench.trends import time_trends
from bench.world import TrendsWorld, build_trends_world

FACTORS = (1, 2, 4)  # per dimension: rounds x participants grow 1x, 4x, 16x
FULL = (12, 30)
QUICK = (2, 3)


@dataclass(frozen=True)
class Timing:
    world: TrendsWorld
    cold_ms: float
    warm_ms: float


def measure_growth(
    server: BenchServer, worlds: list[TrendsWorld], options: Options
) -> tuple[list[Figure], list[str]]:
    timings = []
    for world in worlds:
        with step(f"growth: {world.responses} responses"):
            cold, warm = time_trends(server, world, seconds=options.seconds, requests=10)
        timings.append(Timing(world, cold, warm.percentile(50)))
        print(f"  cold {cold:.0f} ms, warm p50 {warm.percentile(50):.1f} ms")
    base = timings[0]
    figures = []
    for timing in timings:
        grown = timing.world.responses / base.world.responses
        cold_ratio, warm_ratio = timing.cold_ms / base.cold_ms, timing.warm_ms / base.warm_ms
        label = (
            f"{timing.world.rounds} rounds x {timing.world.participants_per_party} participants"
            f" = {timing.world.responses:,} responses ({grown:.0f}x)"
        )
        figures += [
            Figure("4 growth", f"{label}: cold", timing.cold_ms, "ms"),
            Figure("4 growth", f"{label}: warm p50", timing.warm_ms, "ms"),
            Figure(
                "4 growth",
                f"{label}: time ratio cold / warm",
                f"{cold_ratio:.2f} / {warm_ratio:.2f}",
                "",
                f"<= {grown:.0f}",
                cold_ratio <= grown * 1.05 and warm_ratio <= grown * 1.05,
            ),
        ]
    return figures, ["growth: a ratio within 5% of the responses' growth counts as linear."]


def prepare_growth(database: BenchDatabase, options: Options) -> list[TrendsWorld]:
    rounds, participants = QUICK if options.quick else FULL
    parties = 3 if options.quick else 10
    return [
        prepare(
            database,
            lambda s, st, f=factor: build_trends_world(
                s,
                st,
                parties=parties,
                rounds_count=rounds * f,
                participants_per_party=participants * f,
                name=f"Groei {f * f}x",
                close_rounds=False,
            ),
        )
        for factor in FACTORS
    ]


def main(argv: list[str] | None = None) -> int:
    options = parse_options(__doc__ or "", argv, seconds=20.0)
    with bench_database(options.database) as database:
        worlds = prepare_growth(database, options)
        with running_server(database, workers=options.workers) as server:
            quiet = wait_until_quiet(max_seconds=0 if options.quick else 180)
            figures, notes = measure_growth(server, worlds, options)
    notes.insert(0, quiet)
    record("growth", options.database, figures, notes, path=options.results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
