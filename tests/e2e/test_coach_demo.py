"""The README's demo in Chromium: the coach signs in and sees the four-round story."""

import re

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session

from app.config import Settings
from app.services import demo
from app.web.plotly_assets import plotly_assets
from tests.e2e.conftest import (
    LAPTOP,
    NARROWEST,
    SCREENSHOTS,
    LiveServer,
    OpenPage,
    axe_scan,
    draw_every_chart,
    has_horizontal_scroll,
    screenshot,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_server(live_server: LiveServer, session: Session, settings: Settings) -> LiveServer:
    demo.load_demo(session, settings=settings)
    return live_server


def sign_in(page: Page, server: LiveServer) -> None:
    page.goto(f"{server.url}/login")
    axe_scan(page, "coach-login")
    page.get_by_label("E-mailadres").fill(demo.COACH_EMAIL)
    page.get_by_label("Wachtwoord").fill(demo.COACH_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Samenwerkingen")


def open_dashboard(page: Page) -> None:
    page.get_by_role("link", name=re.compile(f"^Dashboard {demo.COLLABORATION}")).click()
    draw_every_chart(page)


def test_the_demo_coach_sees_the_four_round_story(
    demo_server: LiveServer, open_page: OpenPage
) -> None:
    page = open_page(viewport=LAPTOP, locale="nl-NL")
    sign_in(page, demo_server)
    axe_scan(page, "coach-collaborations")
    open_dashboard(page)
    traces = page.evaluate(
        "document.getElementById('chart-matrix').data.map(t => [t.name, t.text, t.x, t.y])"
    )
    assert [name for name, *_ in traces] == [name for name, *_ in demo.PARTIES]
    assert all(numbers == ["1", "2", "3", "4"] for _n, numbers, _x, _y in traces)
    province = next(t for t in traces if t[0] == "Provincie Utrecht")
    assert province[2][0] < 50 < province[2][-1]  # from distrust to smart trust
    rijnland = next(t for t in traces if t[0] == "Wegenbouw Rijnland")
    assert rijnland[2][0] > 50 > rijnland[2][-1] and rijnland[3][-1] < 50  # into no trust
    arrows = page.evaluate(
        "document.getElementById('chart-matrix').layout.annotations"
        ".filter(a => a.arrowhead === 2).length"
    )
    assert arrows == 12  # three steps for each of the four parties (leader lines have no head)
    axe_scan(page, "coach-dashboard-demo")
    screenshot(page, "coach-dashboard-demo-laptop")
    page.locator("#chart-matrix").screenshot(path=str(SCREENSHOTS / "coach-matrix-demo.png"))


def test_the_round_report_prints_and_passes_axe(
    demo_server: LiveServer, open_page: OpenPage
) -> None:
    page = open_page(viewport=LAPTOP, locale="nl-NL")
    sign_in(page, demo_server)
    open_dashboard(page)
    page.get_by_role("link", name="Rapport om af te drukken").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Vertrouwen in")
    draw_every_chart(page)
    axe_scan(page, "coach-report-demo")
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Afdrukken of bewaren als pdf")).to_be_hidden()
    screenshot(page, "coach-report-demo-print")


def test_the_dashboard_reads_in_english_and_on_a_small_screen(
    demo_server: LiveServer, open_page: OpenPage
) -> None:
    page = open_page(viewport=NARROWEST, locale="nl-NL")
    sign_in(page, demo_server)
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Collaborations")
    page.get_by_role("link", name=re.compile(f"^Dashboard {demo.COLLABORATION}")).click()
    draw_every_chart(page)
    expect(page.get_by_role("heading", name="Where the parties stand")).to_be_visible()
    assert not has_horizontal_scroll(page)  # wide tables scroll inside their own box
    axe_scan(page, "coach-dashboard-demo-en-320")
    screenshot(page, "coach-dashboard-demo-en-320px")


# Per chart: the trace types in its figure, those Plotly drew, and whether an SVG exists.
_DRAWN_CHARTS = """() => Array.from(document.querySelectorAll("script[data-chart]")).map((node) => {
  const target = document.getElementById(node.dataset.chart);
  return {
    id: node.dataset.chart,
    wanted: JSON.parse(node.textContent).data.map((trace) => trace.type || "scatter"),
    drawn: ((target && target._fullData) || []).map((trace) => trace.type),
    svg: Boolean(target && target.querySelector(".main-svg")),
  };
})"""


def test_the_partial_plotly_bundle_draws_every_chart_under_the_csp(
    demo_server: LiveServer, open_page: OpenPage
) -> None:
    page = open_page(viewport=LAPTOP, locale="nl-NL")
    scripts: list[str] = []
    page.on("request", lambda r: scripts.append(r.url) if "/vendor/plotly-" in r.url else None)
    sign_in(page, demo_server)
    open_dashboard(page)
    version = plotly_assets().version  # the cartesian bundle's; the full one has another
    assert sorted(scripts) == [
        f"{demo_server.url}/vendor/plotly-{version}.css",
        f"{demo_server.url}/vendor/plotly-{version}.min.js",
    ]
    expect(page.locator("html")).to_have_class(re.compile(r"\bcharts-in-view-drawn\b"))
    charts = page.evaluate(_DRAWN_CHARTS)
    assert len(charts) >= 10
    assert [c for c in charts if c["drawn"] != c["wanted"] or not c["svg"]] == []
    # Console errors and CSP violations fail the test when open_page tears down.
