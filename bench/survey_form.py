"""Scenario 1, HTML form path: a partner fills in /s/{token} page by page and submits.

One submission is a journey on one connection, like one browser: the welcome, every page shown
and saved, the review, the submit and the thank-you page, with the resume-code cookie.
"""

import asyncio
import re
from urllib.parse import urlencode

import httpx

from bench.harness import CpuMeter, Options, step
from bench.load import Call, LoadResult, run_load
from bench.results import Figure
from bench.server import BenchServer
from bench.world import SubmitWorld

_FORM_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
FORM = "application/x-www-form-urlencoded"
CONCURRENCY = 32


async def _form_tokens(server: BenchServer, tokens: list[str]) -> dict[str, str]:
    """What a browser reads from the first page: the invitation's form token."""
    limit = asyncio.Semaphore(8)
    found: dict[str, str] = {}

    async def fetch(client: httpx.AsyncClient, token: str) -> None:
        async with limit:
            page = await client.get(f"/s/{token}/page/1")
        match = _FORM_TOKEN.search(page.text)
        if page.status_code == 200 and match:
            found[token] = match.group(1)

    async with httpx.AsyncClient(base_url=server.url, timeout=60) as client:
        await asyncio.gather(*(fetch(client, token) for token in tokens))
    return found


def browser_journey(
    world: SubmitWorld, token: str, form_token: str, index: int
) -> tuple[Call, ...]:
    """What a browser sends for one questionnaire, its pages taken from the survey's page plan.

    The link (welcome), the first page, each page's save (redirected to the next page, the
    last one to the review), the submit (redirected to the thank-you page). Run it with
    `run_load(..., browser=True)`: the resume code the first save sets as a cookie goes with
    every later request, and each redirect is followed.
    """
    root = f"/s/{token}"
    plan = world.page_plan(token)
    headers = (("Content-Type", FORM),)
    steps = [Call("GET", root), Call("GET", f"{root}/page/1")]
    for ref in plan:
        fields = [("csrf_token", form_token), ("action", "next")]
        fields += [(f"q-{item.id}", str(1 + (n + index) % 7)) for n, item in enumerate(ref.items)]
        then = f"{root}/page/{ref.number + 1}" if ref.number < len(plan) else f"{root}/review"
        body = urlencode(fields).encode()
        steps.append(Call("POST", f"{root}/page/{ref.number}", body, headers, redirect_to=then))
    submit = urlencode([("csrf_token", form_token)]).encode()
    steps.append(Call("POST", f"{root}/submit", submit, headers, redirect_to=f"{root}/thanks"))
    return tuple(steps)


def form_tokens(server: BenchServer, tokens: list[str]) -> dict[str, str]:
    return asyncio.run(_form_tokens(server, tokens))


def measure_form(
    server: BenchServer, world: SubmitWorld, options: Options
) -> tuple[list[Figure], list[str]]:
    form_tokens = asyncio.run(_form_tokens(server, world.tokens))
    if not form_tokens:
        return [], ["HTML form path: not measured, /s/{token}/page/1 shows no form token."]
    journeys = [
        browser_journey(world, token, form_tokens[token], index)
        for index, token in enumerate(world.tokens)
        if token in form_tokens
    ]
    concurrency = 4 if options.quick else CONCURRENCY
    with (
        step(f"HTML form: {len(journeys)} partners, {concurrency} browsers"),
        CpuMeter(server) as cpu,
    ):
        result = run_load(
            "form",
            server.address,
            journeys,
            concurrency=concurrency,
            seconds=options.seconds,
            browser=True,
        )
    print("  " + result.summary())
    requests = result.requests // max(1, result.journeys)
    return _figures(result, requests), [result.summary(), cpu.note("HTML form")]


def _figures(result: LoadResult, steps: int) -> list[Figure]:
    rate = result.journeys / result.elapsed if result.elapsed else 0.0
    return [
        Figure(
            "1 submit",
            f"HTML form submissions/s (about {steps} requests each, as a browser sends them)",
            rate,
            "/s",
        ),
        Figure("1 submit", "HTML form request p50", result.percentile(50), "ms"),
        Figure("1 submit", "HTML form request p99", result.percentile(99), "ms"),
        Figure("1 submit", "HTML form errors", str(result.errors), "", "0", result.errors == 0),
    ]
