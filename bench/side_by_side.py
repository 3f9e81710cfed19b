"""Side by side in one run: the peer, the raw-insert ceiling, Trustmeter's API and browser path.

python -m bench.side_by_side [--seconds 10] [--scratch DIR] [--round-size 60000] [--no-record]

Each of the four is served by 2 worker processes on SQLite (WAL) and loaded by 32 clients:
- the peer: django-survey-and-report (PyPI, own virtualenv under --scratch), a 10-question
  survey: GET the form, POST it with its CSRF token, GET the confirmation;
- the ceiling: bench/ceiling_app.py, one stdlib sqlite3 INSERT per request under a lock;
- Trustmeter's API: one final submission of 36 answers per request, from a round of
  --round-size invitations;
- Trustmeter's browser path: every request a browser sends for one questionnaire, with its
  cookies, following every redirect; its pages come from the survey's page plan.
Prints ratios, server CPU per completed questionnaire, answers/s and a storage check.
"""

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlmodel import col

from app.db import new_session
from app.models import Invitation, InvitationStatus, Response
from bench import ceiling_app, peer
from bench.harness import CpuMeter, Options, memory_figures, prepare, step, wait_until_quiet
from bench.load import LoadResult, json_call, run_load
from bench.results import RESULTS_PATH, Figure, record
from bench.server import (
    BenchDatabase,
    BenchServer,
    answers,
    bench_database,
    free_port,
    running_command,
    running_server,
)
from bench.survey_form import browser_journey, form_tokens
from bench.world import SubmitWorld, build_submit_world

CONCURRENCY = 32
TRUSTMETER_QUESTIONS = 36  # the Smart Trust questionnaire about one party
TARGET_API_RATIO = 0.5
TARGET_BROWSER_CPU_MS = 30.0


@dataclass
class Contender:
    """What one load run of one contender showed."""

    name: str
    questions: int
    result: LoadResult
    cpu: CpuMeter
    stored: int  # questionnaires the database holds from this run

    @property
    def rate(self) -> float:
        return self.result.journeys / self.result.elapsed if self.result.elapsed else 0.0

    @property
    def cpu_ms(self) -> float:
        return 1000 * self.cpu.server_seconds / max(1, self.result.journeys)

    def figures(self) -> list[Figure]:
        scenario = f"side by side: {self.name}"
        checked = self.stored == self.result.journeys
        return [
            Figure(scenario, "complete questionnaires/s", self.rate, "/s"),
            Figure(scenario, "answers/s", self.rate * self.questions, "/s"),
            Figure(scenario, "server CPU per questionnaire", self.cpu_ms, "ms"),
            Figure(scenario, "requests per questionnaire", self._requests(), ""),
            Figure(scenario, "request p50 / p99", self._latencies(), "ms"),
            Figure(
                scenario,
                "stored / completed, errors",
                f"{self.stored} / {self.result.journeys}, {self.result.errors}",
                "",
                "equal, 0",
                checked and self.result.errors == 0,
            ),
        ]

    def _requests(self) -> str:
        return f"{self.result.requests / max(1, self.result.journeys):.1f}"

    def _latencies(self) -> str:
        return f"{self.result.percentile(50):.1f} / {self.result.percentile(99):.1f}"


def _load(
    name: str, server: BenchServer, calls: list, options: Options, *, browser: bool = False
) -> tuple:
    concurrency = 4 if options.quick else CONCURRENCY
    with step(f"{name}: {len(calls)} journeys, {concurrency} clients"), CpuMeter(server) as cpu:
        result = run_load(
            name,
            server.address,
            calls,
            concurrency=concurrency,
            seconds=options.seconds,
            browser=browser,
        )
    print(f"  {result.summary()}\n  {cpu.note(name)}")
    return result, cpu


def run_peer(scratch: Path, options: Options) -> Contender:
    python = peer.ensure_virtualenv(scratch)
    database = scratch / "peer.db"
    survey_id = peer.seed(python, database)
    with peer.running_peer(python, database) as server:
        calls = peer.journeys(server, survey_id, journeys_for(options, 400))
        before = peer.stored(database)[0]
        result, cpu = _load("peer", server, calls, options)
    return Contender("peer", peer.QUESTIONS, result, cpu, peer.stored(database)[0] - before)


def run_ceiling(scratch: Path, world: SubmitWorld, options: Options) -> Contender:
    database = scratch / "ceiling.db"
    database.unlink(missing_ok=True)
    port = free_port()
    command = [sys.executable, "-m", "bench.ceiling_app", "--database", str(database)]
    with running_command(
        [*command, "--port", str(port)],
        port=port,
        workers=2,
        workdir=scratch,
        env={"PATH": "/usr/bin:/bin"},
        ready=lambda server: (
            server.logs().count("Application startup complete") >= 2
            and answers(f"{server.url}/", 404)
        ),
    ) as server:
        calls = [
            json_call("POST", f"/submissions/{token}", world.final_submission(index))
            for index, token in enumerate(world.tokens)
        ]
        result, cpu = _load("ceiling", server, calls, options)
    stored = ceiling_app.count(str(database))
    return Contender("raw-insert ceiling", TRUSTMETER_QUESTIONS, result, cpu, stored)


def run_trustmeter(
    database: BenchDatabase, api: SubmitWorld, form: SubmitWorld, options: Options
) -> tuple[Contender, Contender, list[Figure]]:
    with running_server(database) as server:
        headers = {"Authorization": f"Bearer {api.api_key}"}
        calls = [
            json_call(
                "POST", f"/api/v1/invitations/{token}/responses", api.final_submission(i), headers
            )
            for i, token in enumerate(api.tokens)
        ]
        api_result, api_cpu = _load("API", server, calls, options)
        tokens = form_tokens(server, form.tokens)
        journeys = [
            browser_journey(form, token, tokens[token], index)
            for index, token in enumerate(form.tokens)
            if token in tokens
        ]
        browser_result, browser_cpu = _load("browser", server, journeys, options, browser=True)
        memory = memory_figures(server, "the side-by-side API and browser runs")
    api_stored, form_stored = (
        _submitted(database, api.round_id),
        _submitted(database, form.round_id),
    )
    return (
        Contender("Trustmeter API", TRUSTMETER_QUESTIONS, api_result, api_cpu, api_stored),
        Contender(
            "Trustmeter browser", TRUSTMETER_QUESTIONS, browser_result, browser_cpu, form_stored
        ),
        memory,
    )


def _submitted(database: BenchDatabase, round_id: int) -> int:
    """Invitations of the round that were submitted, each with its stored final response."""
    engine = database.engine()
    try:
        with new_session(engine) as session:
            query = (
                select(func.count())
                .select_from(Response)
                .join(Invitation, col(Invitation.id) == col(Response.invitation_id))
                .where(
                    col(Invitation.round_id) == round_id,
                    col(Invitation.status) == InvitationStatus.SUBMITTED,
                    col(Response.submitted_at).is_not(None),
                )
            )
            return int(session.execute(query).scalar_one())
    finally:
        engine.dispose()


def journeys_for(options: Options, per_second: int) -> int:
    return 16 if options.quick else int(per_second * options.seconds)


def ratios(
    peer_: Contender, ceiling: Contender, api: Contender, browser: Contender
) -> list[Figure]:
    api_ratio = api.rate / ceiling.rate if ceiling.rate else 0.0
    browser_ratio = browser.rate / peer_.rate if peer_.rate else 0.0
    answers_ratio = browser_ratio * TRUSTMETER_QUESTIONS / peer.QUESTIONS
    return [
        Figure(
            "side by side",
            "browser / peer, questionnaires/s",
            f"{browser_ratio:.2f}",
            "",
            ">= 1",
            browser_ratio >= 1,
        ),
        Figure("side by side", "browser / peer, answers/s", f"{answers_ratio:.2f}", ""),
        Figure(
            "side by side",
            "API / raw-insert ceiling",
            f"{api_ratio:.2f}",
            "",
            f">= {TARGET_API_RATIO}",
            api_ratio >= TARGET_API_RATIO,
        ),
        Figure(
            "side by side",
            "API p99",
            api.result.percentile(99),
            "ms",
            "< 50 ms",
            api.result.percentile(99) < 50,
        ),
        Figure(
            "side by side",
            "browser server CPU per questionnaire",
            browser.cpu_ms,
            "ms",
            f"<= {TARGET_BROWSER_CPU_MS:.0f} ms",
            browser.cpu_ms <= TARGET_BROWSER_CPU_MS,
        ),
    ]


def run(options: Options, *, scratch: Path, round_size: int) -> str:
    scratch.mkdir(parents=True, exist_ok=True)
    with bench_database("sqlite") as database:
        api_count = (
            journeys_for(options, 2000)
            if options.quick
            else max(round_size, journeys_for(options, 2000))
        )
        api = prepare(database, lambda s, st: build_submit_world(s, st, invitations=api_count))
        form = prepare(
            database, lambda s, st: build_submit_world(s, st, invitations=journeys_for(options, 80))
        )
        quiet = wait_until_quiet(max_seconds=0 if options.quick else 180)
        peer_ = run_peer(scratch, options)
        ceiling = run_ceiling(scratch, api, options)
        api_run, browser, memory = run_trustmeter(database, api, form, options)
    contenders = (peer_, ceiling, api_run, browser)
    figures = ratios(*contenders)
    for contender in contenders:
        figures += contender.figures()
    notes = [quiet, f"the API's round holds {len(api.tokens):,} invitations"]
    notes += [f"{c.result.summary()}; {c.cpu.note(c.name)}" for c in contenders]
    notes += [
        f"{c.name} error sample: `{s[:200]}`" for c in contenders for s in c.result.error_samples
    ]
    return record("side by side", "sqlite", figures + memory, notes, path=options.results)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10.0, help="load per contender (max 30)")
    parser.add_argument("--scratch", type=Path, default=Path("/tmp/trustmeter-bench-peer"))
    parser.add_argument(
        "--round-size", type=int, default=60_000, help="invitations in the API's round"
    )
    parser.add_argument("--quick", action="store_true", help="tiny data, a few requests")
    parser.add_argument("--results", type=Path, default=RESULTS_PATH, help="file to append to")
    parser.add_argument("--no-record", action="store_true", help="print only")
    args = parser.parse_args(argv)
    options = Options(
        database="sqlite",
        quick=args.quick,
        results=None if args.no_record else args.results,
        seconds=min(1.0 if args.quick else args.seconds, 30.0),
    )
    run(options, scratch=args.scratch, round_size=args.round_size)
    return 0


if __name__ == "__main__":
    sys.exit(main())
