"""The round report PDF of the demo's round 4, timed in-process: cold, then warm, by stage.

Also times what a coach would otherwise do, Chromium's print-to-PDF of the same HTML (through
Playwright and Debian's Chromium), and records the ratio of one run. Target: a round's first
report (the browser running, its charts drawn afresh) in under 3 s. Run:
`.venv/bin/python -m bench.report [--repeat 5] [--results bench/RESULTS.md]`.
"""

import argparse
import os
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from sqlmodel import Session, col, select

from app import migrations
from app.config import Settings
from app.db import make_engine
from app.infra.static_charts import ChartDrawer
from app.models import Collaboration, Round
from app.services import demo
from app.services.reporting import report_pdf
from app.services.reporting.round_report import build_round_report
from app.services.setup.questionnaires import ensure_builtin_questionnaires

TARGET_SECONDS = 3.0
CHROMIUM = "/usr/bin/chromium"
T = TypeVar("T")


def timed(action: Callable[[], T]) -> tuple[T, float]:
    started = time.perf_counter()
    result = action()
    return result, time.perf_counter() - started


def demo_round(directory: Path) -> tuple[Settings, int, int]:
    settings = Settings(database_url=f"sqlite:///{directory / 'bench-report.db'}")
    engine = make_engine(settings)
    migrations.upgrade(engine)
    with Session(engine) as session:
        ensure_builtin_questionnaires(session)
        demo.load_demo(session, settings=settings)
        round_ = session.exec(select(Round).order_by(col(Round.opens_at))).all()[3]
        collaboration = session.get(Collaboration, round_.collaboration_id)
        assert collaboration is not None and round_.id is not None
        return settings, collaboration.organisation_id, round_.id


def stages(session: Session, drawer: ChartDrawer, organisation_id: int, round_id: int) -> dict:
    """One warm report, stage by stage, as round_report_pdf runs them."""
    report, data = timed(
        lambda: build_round_report(session, organisation_id=organisation_id, round_id=round_id)
    )
    drawer.forget_drawn()  # the charts drawn afresh, as for a round's first report
    html, charts_and_html = timed(
        lambda: report_pdf.report_html(report, language="nl", drawer=drawer)
    )
    pdf, layout = timed(lambda: report_pdf.html_to_pdf(html))
    return {"data": data, "charts": charts_and_html, "layout": layout, "html": html, "pdf": pdf}


def chromium_print(html: str, repeat: int) -> list[float]:
    """Chromium's print-to-PDF of the same HTML (A4, backgrounds), browser already running."""
    from playwright.sync_api import sync_playwright

    times = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        page = browser.new_page()
        css = report_pdf.STYLESHEET.read_text(encoding="utf-8")
        for _attempt in range(repeat + 1):  # the first one warms the page up
            started = time.perf_counter()
            page.set_content(html.replace("</head>", f"<style>{css}</style></head>"))
            page.pdf(format="A4", print_background=True)
            times.append(time.perf_counter() - started)
        browser.close()
    return times[1:]


def run(repeat: int) -> list[str]:
    with tempfile.TemporaryDirectory() as folder:
        settings, organisation_id, round_id = demo_round(Path(folder))
        engine = make_engine(settings)
        drawer = ChartDrawer(browser_path=CHROMIUM)
        with Session(engine) as session:
            viewer = report_pdf.Viewer()

            def whole() -> bytes:
                return report_pdf.round_report_pdf(
                    session,
                    organisation_id=organisation_id,
                    round_id=round_id,
                    language="nl",
                    drawer=drawer,
                    viewer=viewer,
                ).content

            first, cold = timed(whole)
            warm = [timed(whole)[1] for _attempt in range(repeat)]  # charts already drawn
            fresh = []  # the browser running, but this round's charts not drawn yet
            for _attempt in range(repeat):
                drawer.forget_drawn()
                fresh.append(timed(whole)[1])
            parts = [stages(session, drawer, organisation_id, round_id) for _ in range(repeat)]
        drawer.close()
        chromium = chromium_print(parts[-1]["html"], repeat)
    weasy_layout = statistics.median(p["layout"] for p in parts)
    warm_median = statistics.median(warm)
    fresh_median = statistics.median(fresh)
    printed = statistics.median(chromium)
    return [
        f"| cold report (browser start included) | {cold:.2f} s | {len(first) // 1024} KB |",
        f"| a round's first report (browser running, charts drawn), median of {repeat} | "
        f"{fresh_median:.2f} s | "
        f"{'met' if fresh_median < TARGET_SECONDS else 'missed'} (< {TARGET_SECONDS:.0f} s) |",
        f"| the same report again (its charts kept), median of {repeat} | {warm_median:.2f} s | |",
        f"| warm: data (dashboard cut at round 4) | {_median(parts, 'data'):.2f} s | |",
        f"| first report: 9 charts as SVG (Kaleido) + HTML | {_median(parts, 'charts'):.2f} s | |",
        f"| warm: HTML to PDF (WeasyPrint) | {weasy_layout:.2f} s | |",
        f"| instead: Chromium print-to-PDF of the same HTML | {printed:.2f} s | "
        f"WeasyPrint / Chromium = {weasy_layout / printed:.1f} |",
    ]


def _median(parts: list[dict], key: str) -> float:
    return statistics.median(part[key] for part in parts)


def heading() -> str:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    load = os.getloadavg()[0]
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"## {now} · report · sqlite\n\ncommit {commit}, {os.cpu_count()} cores, "
        f"load average {load:.1f} at the start (the machine is shared)\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--results", type=Path)
    options = parser.parse_args(argv)
    top = heading()
    rows = run(options.repeat)
    table = "\n".join([top, "| measure | value | |", "|---|---|---|", *rows, ""])
    print(table)
    if options.results:
        with options.results.open("a", encoding="utf-8") as results:
            results.write("\n" + table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
