"""Scenario 1, HTML form path: a partner fills in /s/{token} page by page and submits.

One submission is a journey on one connection, like one browser: the POST of every page
(each scale's questions about the one target party) and the POST of /submit. The redirects
those POSTs answer with are not followed; each POST saves through the same service as the API.
"""

import asyncio
import re
from urllib.parse import urlencode

import httpx

from app.scoring.questionnaire import QuestionnaireDefinition
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


def _journey(
    token: str, form_token: str, definition: QuestionnaireDefinition, index: int
) -> tuple[Call, ...]:
    headers = (("Content-Type", FORM),)
    steps = []
    for number, scale in enumerate(definition.scales, start=1):
        fields = [("csrf_token", form_token), ("action", "next")]
        fields += [
            (f"q-{item.id}", str(1 + (n + index) % 7))
            for n, item in enumerate(definition.items_of(scale.key))
        ]
        body = urlencode(fields).encode()
        steps.append(Call("POST", f"/s/{token}/page/{number}", body, headers))
    submit = urlencode([("csrf_token", form_token)]).encode()
    steps.append(Call("POST", f"/s/{token}/submit", submit, headers))
    return tuple(steps)


def browser_journey(
    token: str, form_token: str, definition: QuestionnaireDefinition, index: int
) -> tuple[Call, ...]:
    """Every request a browser sends: the link (welcome), each page shown and saved, the
    review, the submit and the thank-you page (22 requests for one target party)."""
    root = f"/s/{token}"
    posts = _journey(token, form_token, definition, index)
    steps = [Call("GET", root)]
    for number, save in enumerate(posts[:-1], start=1):
        steps += [Call("GET", f"{root}/page/{number}"), save]
    steps += [Call("GET", f"{root}/review"), posts[-1], Call("GET", f"{root}/thanks")]
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
        _journey(token, form_tokens[token], world.definition, index)
        for index, token in enumerate(world.tokens)
        if token in form_tokens
    ]
    concurrency = 4 if options.quick else CONCURRENCY
    with (
        step(f"HTML form: {len(journeys)} partners, {concurrency} browsers"),
        CpuMeter(server) as cpu,
    ):
        result = run_load(
            "form", server.address, journeys, concurrency=concurrency, seconds=options.seconds
        )
    print("  " + result.summary())
    return _figures(result, len(journeys[0])), [result.summary(), cpu.note("HTML form")]


def _figures(result: LoadResult, steps: int) -> list[Figure]:
    rate = result.journeys / result.elapsed if result.elapsed else 0.0
    return [
        Figure(
            "1 submit",
            f"HTML form submissions/s ({steps} POSTs each: {steps - 1} pages + submit)",
            rate,
            "/s",
        ),
        Figure("1 submit", "HTML form POST p50", result.percentile(50), "ms"),
        Figure("1 submit", "HTML form POST p99", result.percentile(99), "ms"),
        Figure("1 submit", "HTML form errors", str(result.errors), "", "0", result.errors == 0),
    ]
