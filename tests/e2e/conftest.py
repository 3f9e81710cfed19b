"""Browser fixtures: a live server on 127.0.0.1, headless Chromium, axe scans and screenshots.

Reuse them for any page:
- `live_server` (function scope, fresh database); `serve(database_url, **settings)` for others;
- `browser` (one Chromium per session);
- `open_page(viewport=..., locale=..., javascript=...)`: a watched page in a new context; the
  test fails at teardown on any console error, page error or CSP violation;
- `axe_scan(page, name)`, `screenshot(page, name)`, `has_horizontal_scroll(page)`;
- `draw_every_chart(page)`: charts out of view are drawn only when scrolled near.
"""

import os
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Request,
    expect,
    sync_playwright,
)

from app.config import Settings
from app.main import create_app
from tests.conftest import make_settings

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
CHROMIUM = os.environ.get("TRUSTMETER_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 360, "height": 740}
NARROWEST = {"width": 320, "height": 640}
LAPTOP = {"width": 1280, "height": 800}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SERVER_START_SECONDS = 20


@dataclass
class LiveServer:
    """The app served by uvicorn in a thread; `url` has no trailing slash."""

    url: str
    settings: Settings
    app: FastAPI


@contextmanager
def serve(database_url: str, **overrides: Any) -> Iterator[LiveServer]:
    """Run Trustmeter on a random free port of 127.0.0.1 until the block ends.

    `overrides` go to the Settings (e.g. `login_rate_limit=2`); base_url is the server's own.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    settings = make_settings(database_url, base_url=f"http://127.0.0.1:{port}", **overrides)
    app = create_app(settings)
    server = uvicorn.Server(
        uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on")
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + SERVER_START_SECONDS
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the live server did not start")
        time.sleep(0.01)  # waiting for readiness, not timing anything
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", settings, app)
    finally:
        server.should_exit = True
        thread.join(timeout=SERVER_START_SECONDS)
        sock.close()


@pytest.fixture
def live_server(database_url: str) -> Iterator[LiveServer]:
    """Trustmeter on 127.0.0.1, on this test's fresh database (the `session` fixture's too)."""
    with serve(database_url) as server:
        yield server


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's headless Chromium. A missing browser fails the run; it is never skipped."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class PageProblems:
    """What went wrong in a page that no user should ever see."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)

    def all(self) -> list[str]:
        return [
            *(f"console: {m}" for m in self.console_errors),
            *(f"page error: {m}" for m in self.page_errors),
            *(f"CSP violation: {m}" for m in self.csp_violations),
        ]


# Runs before any page script; CSP violations are reported to the test through a binding.
_CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  window.__trustmeterCspViolation(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} at ${where}`
  );
});
"""


def watch_context(context: BrowserContext, problems: PageProblems) -> None:
    def report(violation: str) -> None:
        problems.csp_violations.append(violation)

    context.expose_function("__trustmeterCspViolation", report)
    context.add_init_script(_CSP_LISTENER)

    def on_page(page: Page) -> None:
        documents: set[str] = set()

        def on_request(request: Request) -> None:
            if request.is_navigation_request():
                documents.add(request.url)

        def on_console(message: ConsoleMessage) -> None:
            # An error page's own status (404, 410, 422...) is the point of the page, not a
            # fault; a failing stylesheet or script still counts.
            own_status = message.location.get("url") in documents and message.text.startswith(
                "Failed to load resource"
            )
            if message.type == "error" and not own_status:
                problems.console_errors.append(message.text)

        page.on("request", on_request)
        page.on("console", on_console)
        page.on("pageerror", lambda error: problems.page_errors.append(str(error)))

    context.on("page", on_page)


OpenPage = Callable[..., Page]


@pytest.fixture
def open_page(browser: Browser) -> Iterator[OpenPage]:
    """`open_page(viewport=PHONE, locale="nl-NL", javascript=True)`: a page in a new context.

    Each call is a fresh context (no cookies, like another device). At teardown the test
    fails if any page logged a console error, threw, or violated the Content-Security-Policy.
    """
    contexts: list[BrowserContext] = []
    problems = PageProblems()

    def open_(
        *, viewport: dict[str, int] = PHONE, locale: str = "nl-NL", javascript: bool = True
    ) -> Page:
        context = browser.new_context(
            viewport=viewport,
            locale=locale,
            java_script_enabled=javascript,
            reduced_motion="reduce",
        )
        context.set_default_timeout(10_000)
        watch_context(context, problems)
        contexts.append(context)
        return context.new_page()

    yield open_
    for context in contexts:
        context.close()
    assert problems.all() == []


def axe_scan(page: Page, name: str) -> None:
    """Fail on any WCAG 2.0/2.1 A or AA violation axe-core finds on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]},
    )
    report = results.generate_report()
    if results.violations_count:
        folder = ARTIFACTS / "axe"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{name}.txt").write_text(report)
    assert results.violations_count == 0, f"{name}: {report}"


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page PNG under test-artifacts/screenshots/ (kept as a CI artefact)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def has_horizontal_scroll(page: Page) -> bool:
    """True when the page is wider than the viewport (WCAG 1.4.10 reflow fails)."""
    result: Any = page.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )
    return bool(result)


def draw_every_chart(page: Page) -> None:
    """Scroll to each chart in turn (dashboard.js draws a chart when it comes near the
    viewport) until the page marks every chart drawn, then back to the top."""
    html = page.locator("html")
    expect(html).to_have_class(re.compile(r"\bcharts-in-view-drawn\b"), timeout=60_000)
    for chart_id in page.locator("script[data-chart]").evaluate_all(
        "nodes => nodes.map(node => node.dataset.chart)"
    ):
        chart = page.locator(f"#{chart_id}")
        chart.scroll_into_view_if_needed()
        expect(chart).to_have_class(re.compile(r"\bchart--drawn\b"), timeout=30_000)
    expect(html).to_have_class(re.compile(r"\bcharts-drawn\b"), timeout=60_000)
    page.evaluate("window.scrollTo(0, 0)")
