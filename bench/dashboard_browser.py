"""The coach's dashboard in headless Chromium: time until every chart is drawn, full vs partial.

    python -m bench.dashboard_browser [--loads N] [--database postgres] [--quick]

Two servers on the same data (scenario 3's 12 rounds of 10 parties), one serving the `plotly`
package's full plotly.js, one the vendored cartesian partial bundle (Settings.plotly_bundle).
One Chromium (/usr/bin/chromium, --no-sandbox --disable-gpu), one signed-in context per server;
every worker first serves the page (its data memo is warm), Chromium loads it once to fill
its cache, then warm loads alternate between the two servers, so both see the same load on the
machine. Three times per load, from navigation start (performance.now() in the page when <html>
gets the class), each with the number of charts drawn by then: `charts-in-view-drawn` (what the
coach sees, painted), `charts-near-drawn` (also those within a screen of it: the page draws
the others when they come near) and `charts-drawn` (every chart: the bench then emulates a
print, which draws the rest at once, as a print from the page would).
"""

import argparse
import json
import os
import statistics
import sys
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from app.web.plotly_assets import BUNDLES as SCRIPTS
from bench.dashboard import dashboard_path, sign_in
from bench.harness import Options, step, wait_until_quiet, warm_up
from bench.load import Call
from bench.results import RESULTS_PATH, Figure, record
from bench.server import DATABASES, BenchServer, bench_database, running_server
from bench.trends import prepare_trends
from bench.world import TrendsWorld

CHROMIUM = os.environ.get("TRUSTMETER_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
BUNDLES = ("full", "cartesian")
TARGET_MS = 1000.0
DRAW_TIMEOUT_MS = 180_000  # a bound for a loaded machine, not a measurement
MARKS = ("charts-in-view-drawn", "charts-near-drawn", "charts-drawn")
# Runs before any page script (init scripts are not subject to the page's CSP).
_WATCH_DRAWN = """
window.__drawnAt = {};
window.__drawnCount = {};
new MutationObserver(() => {
  const root = document.documentElement;
  for (const mark of MARKS) {
    if (root && root.classList.contains(mark) && !(mark in window.__drawnAt)) {
      window.__drawnAt[mark] = performance.now();
      window.__drawnCount[mark] = document.querySelectorAll(".chart--drawn").length;
    }
  }
}).observe(document, { attributes: true, subtree: true, attributeFilter: ["class"] });
""".replace("MARKS", json.dumps(MARKS))


@dataclass
class Contender:
    bundle: str
    server: BenchServer
    page: Page
    url: str
    cold_ms: float = 0.0
    first_byte_ms: list[float] = field(default_factory=list)
    first_paint_ms: list[float] = field(default_factory=list)
    in_view_ms: list[float] = field(default_factory=list)
    near_ms: list[float] = field(default_factory=list)
    in_view_charts: list[int] = field(default_factory=list)
    near_charts: list[int] = field(default_factory=list)
    warm_ms: list[float] = field(default_factory=list)
    charts: int = 0
    errors: list[str] = field(default_factory=list)


def parse(argv: list[str] | None) -> tuple[Options, int]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", choices=DATABASES, default="sqlite")
    parser.add_argument("--loads", type=int, default=7, help="warm loads per bundle")
    parser.add_argument("--quick", action="store_true", help="tiny data, one warm load")
    parser.add_argument("--results", type=Path, default=RESULTS_PATH, help="file to append to")
    parser.add_argument("--no-record", action="store_true", help="print only")
    args = parser.parse_args(argv)
    options = Options(
        database=args.database,
        quick=args.quick,
        results=None if args.no_record else args.results,
        seconds=1.0,
    )
    return options, 1 if args.quick else max(1, args.loads)


def signed_in_and_warm(server: BenchServer, path: str) -> str:
    """The coach's cookie header, once every worker has served the page (its memo is warm)."""
    cookie = sign_in(server)
    if cookie is None:
        raise RuntimeError(f"signing in to {server.url} through /login did not work")
    warm_up(server, Call("GET", path, headers=(("Cookie", cookie),)))
    return cookie


def open_contender(
    browser: Browser, bundle: str, server: BenchServer, path: str, cookie: str
) -> Contender:
    context: BrowserContext = browser.new_context(viewport={"width": 1280, "height": 800})
    pairs = (item.split("=", 1) for item in cookie.split("; "))
    context.add_cookies([{"name": n, "value": v, "url": server.url} for n, v in pairs])
    context.add_init_script(_WATCH_DRAWN)
    page = context.new_page()
    found = Contender(bundle, server, page, server.url + path)
    page.on("console", lambda m: found.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: found.errors.append(str(error)))
    return found


@dataclass
class Load:
    """One navigation: ms from its start until each mark, and the charts drawn by then."""

    first_byte: float
    first_paint: float  # first contentful paint: the page itself, charts or not
    at: dict[str, float]
    drawn: dict[str, int]


def load(contender: Contender) -> Load:
    page = contender.page
    page.emulate_media(media="screen")
    page.goto(contender.url, wait_until="commit")
    page.locator("html.charts-near-drawn").wait_for(state="attached", timeout=DRAW_TIMEOUT_MS)
    page.emulate_media(media="print")  # draws the rest at once, as printing the page does
    page.locator("html.charts-drawn").wait_for(state="attached", timeout=DRAW_TIMEOUT_MS)
    contender.charts = page.locator("script[data-chart]").count()
    marks = page.evaluate("() => window.__drawnAt")
    drawn = page.evaluate("() => window.__drawnCount")
    first_byte = page.evaluate("() => performance.getEntriesByType('navigation')[0].responseStart")
    paint = page.evaluate(
        "() => performance.getEntriesByName('first-contentful-paint').map(e => e.startTime)[0]"
    )
    at = {m: float(marks[m]) for m in MARKS}
    return Load(float(first_byte), float(paint or "nan"), at, dict(drawn))


def measure(contenders: list[Contender], loads: int) -> None:
    for contender in contenders:
        with step(f"{contender.bundle} bundle: first load (Chromium's cache cold)"):
            contender.cold_ms = load(contender).at[MARKS[2]]
    with step(f"{loads} warm loads each, alternating"):
        for _ in range(loads):
            for contender in contenders:
                found = load(contender)
                contender.first_byte_ms.append(found.first_byte)
                contender.first_paint_ms.append(found.first_paint)
                contender.in_view_ms.append(found.at[MARKS[0]])
                contender.near_ms.append(found.at[MARKS[1]])
                contender.warm_ms.append(found.at[MARKS[2]])
                contender.in_view_charts.append(found.drawn[MARKS[0]])
                contender.near_charts.append(found.drawn[MARKS[1]])


def figures_of(contenders: list[Contender], loads: int) -> list[Figure]:
    found = []
    for c in contenders:
        label = f"{c.bundle} plotly.js ({script_kb(c.bundle)} KB)"
        in_view, near = statistics.median(c.in_view_ms), statistics.median(c.near_ms)
        met = None if c.bundle == "full" else near < TARGET_MS
        target = "" if c.bundle == "full" else f"< {TARGET_MS:.0f} ms"
        shown = statistics.median(c.in_view_charts)
        reach = statistics.median(c.near_charts)
        found += [
            Figure("dashboard", f"{label}: first load, all drawn", c.cold_ms, "ms"),
            Figure(
                "dashboard",
                f"{label}: warm, the page's first byte (server)",
                statistics.median(c.first_byte_ms),
                "ms",
            ),
            Figure(
                "dashboard",
                f"{label}: warm, the page's first contentful paint",
                statistics.median(c.first_paint_ms),
                "ms",
            ),
            Figure(
                "dashboard", f"{label}: warm, charts in view drawn ({shown:.0f})", in_view, "ms"
            ),
            Figure(
                "dashboard",
                f"{label}: warm, charts within a screen drawn ({reach:.0f})",
                near,
                "ms",
                target,
                met,
            ),
            Figure(
                "dashboard",
                f"{label}: warm, all {c.charts} charts drawn (a print right after)",
                statistics.median(c.warm_ms),
                "ms",
            ),
        ]
    full, cartesian = contenders
    for name, of in (("charts within a screen", "near_ms"), ("all charts", "warm_ms")):
        ratio = statistics.median(getattr(cartesian, of)) / statistics.median(getattr(full, of))
        found.append(Figure("dashboard", f"warm, {name}: cartesian / full", f"{ratio:.2f}"))
    errors = sum(len(c.errors) for c in contenders)
    found.append(Figure("dashboard", "console errors", str(errors), "", "0", errors == 0))
    return found


def script_kb(bundle: str) -> int:
    return SCRIPTS[bundle].stat().st_size // 1024


def run(options: Options, loads: int) -> tuple[list[Figure], list[str]]:
    with bench_database(options.database) as database:
        world: TrendsWorld = prepare_trends(database, options)
        path = dashboard_path(world)
        with (
            running_server(database, settings={"plotly_bundle": "full"}) as full,
            running_server(database, settings={"plotly_bundle": "cartesian"}) as cartesian,
        ):
            servers = dict(zip(BUNDLES, (full, cartesian), strict=True))
            # Before Playwright: its sync API holds an event loop the load generator can't share.
            cookies = {name: signed_in_and_warm(server, path) for name, server in servers.items()}
            quiet = wait_until_quiet(max_seconds=0 if options.quick else 120)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
                )
                contenders = [
                    open_contender(browser, bundle, server, path, cookies[bundle])
                    for bundle, server in servers.items()
                ]
                measure(contenders, loads)
                browser.close()
    notes = [quiet, f"load average at the end: {' / '.join(f'{x:.1f}' for x in os.getloadavg())}"]
    notes.append(f"warm figures are medians of {loads} loads per bundle")
    for c in contenders:
        times = ", ".join(
            f"{a:.0f}/{b:.0f}/{d:.0f}"
            for a, b, d in zip(c.in_view_ms, c.near_ms, c.warm_ms, strict=True)
        )
        notes.append(
            f"{c.bundle}: in view/near/all drawn {times} ms; errors: {c.errors[:3] or 'none'}"
        )
    return figures_of(contenders, loads), notes


def main(argv: list[str] | None = None) -> int:
    options, loads = parse(argv)
    figures, notes = run(options, loads)
    record("dashboard in Chromium", options.database, figures, notes, path=options.results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
