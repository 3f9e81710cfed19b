"""Every scenario, one table: `python -m bench.run_all [--database sqlite|postgres|both]`.

Scenarios 1-3 share one server (so the memory figure is the workers' peak after all three);
growth and import each get a fresh database and server of their own.
"""

import argparse
import os
import sys
from pathlib import Path

from bench import growth, imports, submit, survey_form, trends
from bench.harness import Options, memory_figures, prepare, wait_until_quiet
from bench.results import RESULTS_PATH, Figure, record
from bench.server import DATABASES, bench_database, running_server
from bench.world import build_submit_world


def _scenarios_1_to_3(options: Options) -> tuple[list[Figure], list[str]]:
    with bench_database(options.database) as database:
        submit_world = submit.prepare_submit(database, options)
        form_count = 8 if options.quick else int(80 * options.seconds)
        form_world = prepare(
            database, lambda s, st: build_submit_world(s, st, invitations=form_count)
        )
        trends_world = trends.prepare_trends(database, options)
        with running_server(database, workers=options.workers) as server:
            quiet = wait_until_quiet(max_seconds=0 if options.quick else 180)
            figures, notes = submit.measure_submit(server, submit_world, options)
            notes.insert(0, f"scenarios 1-3: {quiet}")
            form_figures, form_notes = survey_form.measure_form(server, form_world, options)
            trend_figures, trend_notes = trends.measure_trends(server, trends_world, options)
            figures += form_figures + trend_figures + memory_figures(server, "scenarios 1-3")
    return figures, notes + form_notes + trend_notes


def _separate(options: Options) -> tuple[list[Figure], list[str]]:
    figures: list[Figure] = []
    notes: list[str] = []
    with bench_database(options.database) as database:
        worlds = growth.prepare_growth(database, options)
        with running_server(database, workers=options.workers) as server:
            notes.append(f"growth: {wait_until_quiet(max_seconds=0 if options.quick else 120)}")
            found, said = growth.measure_growth(server, worlds, options)
    figures, notes = figures + found, notes + said
    with bench_database(options.database) as database:
        world = imports.prepare_import(database, options)
        with running_server(database, workers=options.workers) as server:
            found, said = imports.measure_import(server, world, options)
    return figures + found, notes + said


def run(options: Options) -> str:
    print(f"# {options.database}: scenarios 1-3")
    figures, notes = _scenarios_1_to_3(options)
    print(f"# {options.database}: growth and import")
    more, more_notes = _separate(options)
    load = os.getloadavg()
    notes.append(
        f"load average at the end: {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}"
        " (1 / 5 / 15 min; other work on this shared machine skews the figures)"
    )
    return record(
        "all scenarios", options.database, figures + more, notes + more_notes, path=options.results
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", choices=(*DATABASES, "both"), default="sqlite")
    parser.add_argument("--seconds", type=float, default=10.0, help="load per scenario (max 30)")
    parser.add_argument("--quick", action="store_true", help="tiny data, a few requests")
    parser.add_argument("--results", type=Path, default=RESULTS_PATH, help="file to append to")
    parser.add_argument("--no-record", action="store_true", help="print only")
    args = parser.parse_args(argv)
    for database in DATABASES if args.database == "both" else (args.database,):
        run(
            Options(
                database=database,
                quick=args.quick,
                results=None if args.no_record else args.results,
                seconds=min(1.0 if args.quick else args.seconds, 30.0),
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
