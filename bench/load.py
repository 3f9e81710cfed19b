"""A bounded load generator: N keep-alive HTTP/1.1 connections, a hard deadline, every latency.

Written on raw asyncio streams (with uvloop when present) rather than httpx or locust: the
generator shares the machine's two cores with the server, so every microsecond it spends
per request is taken from the thing being measured.
"""

import asyncio
import json
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from bench.browser import Browser

MAX_SECONDS = 30.0  # no scenario loads the server for longer than this
REQUEST_TIMEOUT = 10.0
ERROR_SAMPLES = 3
MAX_REDIRECTS = 5


# A journey's steps: encoded requests, or Calls a browser takes with its cookies and redirects.
Journey = Any


@dataclass(frozen=True, slots=True)
class Call:
    """One HTTP request, encoded once up front so the hot loop only writes bytes."""

    method: str
    path: str
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    # In a browser run: the redirect this step must answer with (its path), which is followed.
    redirect_to: str | None = None

    def encode(self, host: str) -> bytes:
        return self.head(host) + b"\r\n" + self.body

    def head(self, host: str) -> bytes:
        """The request line and headers, each line ended, without the blank line after them."""
        lines = [f"{self.method} {self.path} HTTP/1.1", f"Host: {host}"]
        lines += [f"{name}: {value}" for name, value in self.headers]
        if self.body or self.method in ("POST", "PUT", "PATCH"):
            lines.append(f"Content-Length: {len(self.body)}")
        return ("\r\n".join(lines) + "\r\n").encode("latin-1")


def json_call(
    method: str, path: str, payload: Any = None, headers: dict[str, str] | None = None
) -> Call:
    extra = dict(headers or {})
    body = b""
    if payload is not None:
        body = json.dumps(payload, separators=(",", ":")).encode()
        extra["Content-Type"] = "application/json"
    return Call(method, path, body, tuple(extra.items()))


@dataclass
class LoadResult:
    """What a load run saw: counts, statuses, latencies (seconds) and a few error bodies."""

    name: str
    concurrency: int
    elapsed: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    errors: int = 0
    journeys: int = 0  # calls or tuples of calls completed without an error
    error_samples: list[str] = field(default_factory=list)

    @property
    def requests(self) -> int:
        return len(self.latencies) + self.errors

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0

    def percentile(self, p: float) -> float:
        """Nearest-rank percentile of successful requests' latencies, in milliseconds."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        rank = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
        return ordered[rank] * 1000

    def summary(self) -> str:
        return (
            f"{self.name}: {len(self.latencies)} ok, {self.errors} errors in {self.elapsed:.2f}s"
            f" = {self.throughput:.0f}/s; p50 {self.percentile(50):.1f} ms,"
            f" p99 {self.percentile(99):.1f} ms (concurrency {self.concurrency})"
        )


class _Connection:
    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, raw: bytes) -> tuple[int, dict[str, str], bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        self.writer.write(raw)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status, headers = _parse_head(head)
        if headers.get("transfer-encoding") == "chunked":
            body = await _read_chunked(self.reader)
        else:
            body = await self.reader.readexactly(int(headers.get("content-length", "0")))
        if headers.get("connection") == "close":
            self.close()
        return status, headers, body

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def _parse_head(head: bytes) -> tuple[int, dict[str, str]]:
    """Status and headers, values lower-cased except the ones a browser reads back as given."""
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        name, value = name.strip().lower(), value.strip()
        if name == "set-cookie":  # one line per cookie
            headers[name] = f"{headers[name]}\n{value}" if name in headers else value
        elif name:
            headers[name] = value if name == "location" else value.lower()
    return status, headers


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    parts = []
    while True:
        size = int((await reader.readuntil(b"\r\n")).strip().split(b";")[0], 16)
        if size == 0:
            await reader.readuntil(b"\r\n")
            return b"".join(parts)
        parts.append(await reader.readexactly(size))
        await reader.readexactly(2)


async def _worker(
    connection: _Connection,
    journeys: Iterator[Journey],
    deadline: float,
    result: LoadResult,
    walk: Callable[[_Connection, Journey], Awaitable[bool]],
) -> None:
    """Walk journeys on one connection until the deadline, counting the completed ones."""
    try:
        for journey in journeys:
            if time.monotonic() >= deadline:
                return
            if await walk(connection, journey):
                result.journeys += 1
    finally:
        connection.close()


async def _browse(
    connection: _Connection,
    browser: Browser,
    call: Call,
    result: LoadResult,
    request_timeout: float,
) -> bool:
    """One step as a browser takes it: with its cookies, following its redirects."""
    host = f"{connection.host}:{connection.port}"
    step: Call | None = call
    for _ in range(MAX_REDIRECTS + 1):
        if step is None:
            return True
        raw = browser.encode(step.head(host), step.body)
        reply = await _one(connection, raw, result, request_timeout)
        if reply is None:
            return False
        problem = browser.answer(step.redirect_to, *reply)
        if problem is not None:
            _record_error(result, f"{step.method} {step.path}: {problem}")
            return False
        target = browser.follow(*reply)
        step = Call("GET", target) if target is not None else None
    _record_error(result, f"{call.method} {call.path}: more than {MAX_REDIRECTS} redirects")
    return False


async def _one(
    connection: _Connection, raw: bytes, result: LoadResult, request_timeout: float
) -> tuple[int, dict[str, str]] | None:
    """Status and headers of one request, or None (an error, recorded)."""
    started = time.perf_counter()
    try:
        status, headers, body = await asyncio.wait_for(connection.request(raw), request_timeout)
    except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError) as exc:
        connection.close()
        _record_error(result, f"{type(exc).__name__}: {exc}")
        return None
    result.statuses[status] += 1
    if 200 <= status < 400:
        result.latencies.append(time.perf_counter() - started)
        return status, headers
    _record_error(result, f"{status}: {body[:300].decode(errors='replace')}")
    return None


def _record_error(result: LoadResult, message: str) -> None:
    result.errors += 1
    if len(result.error_samples) < ERROR_SAMPLES:
        result.error_samples.append(message)


async def _run(
    name: str,
    base: tuple[str, int],
    calls: Iterable[Call | tuple[Call, ...]],
    concurrency: int,
    seconds: float,
    request_timeout: float,
    browser: bool,
) -> LoadResult:
    host, port = base
    journeys = ((item if isinstance(item, tuple) else (item,)) for item in calls)
    encoded = ([step.encode(f"{host}:{port}") for step in journey] for journey in journeys)
    result = LoadResult(name, concurrency)
    started = time.perf_counter()
    deadline = time.monotonic() + min(seconds, MAX_SECONDS)

    async def raw_journey(connection: _Connection, journey: Any) -> bool:
        for raw in journey:
            if await _one(connection, raw, result, request_timeout) is None:
                return False  # the rest of a journey depends on this step
        return True

    async def browser_journey(connection: _Connection, journey: Any) -> bool:
        browser = Browser()
        for call in journey:
            if not await _browse(connection, browser, call, result, request_timeout):
                return False
        return True

    walk, walked = (browser_journey, journeys) if browser else (raw_journey, encoded)
    workers = [
        _worker(_Connection(host, port), walked, deadline, result, walk) for _ in range(concurrency)
    ]
    await asyncio.gather(*workers)
    result.elapsed = time.perf_counter() - started
    return result


def run_load(
    name: str,
    base: tuple[str, int],
    calls: Iterable[Call | tuple[Call, ...]],
    *,
    concurrency: int,
    seconds: float,
    timeout: float = REQUEST_TIMEOUT,
    browser: bool = False,
) -> LoadResult:
    """Send `calls` over `concurrency` connections until they run out or `seconds` pass.

    A tuple of calls is a journey: one connection sends them in order, like one browser.
    With `browser`, each journey also keeps its cookies and follows every redirect (a step's
    `redirect_to` says where it must lead); a followed redirect is a request of its own.

    `seconds` bounds when the last request may start; `timeout` bounds each request.
    """
    try:
        import uvloop

        return uvloop.run(_run(name, base, calls, concurrency, seconds, timeout, browser))
    except ImportError:
        return asyncio.run(_run(name, base, calls, concurrency, seconds, timeout, browser))
