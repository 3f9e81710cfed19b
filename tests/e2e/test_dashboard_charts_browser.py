"""The dashboard's charts in Chromium: drawn as they come near, all of them for a print, and
the matrix's labels clear of each other and re-fitted when the window crosses 560 px."""

import re
from itertools import combinations
from typing import Any

import pytest
from playwright.sync_api import Page, ViewportSize, expect
from sqlmodel import Session

from app.config import Settings
from app.services import demo
from tests.e2e.conftest import LAPTOP, LiveServer, OpenPage, draw_every_chart
from tests.e2e.test_coach_demo import sign_in

pytestmark = pytest.mark.browser

PHONE: ViewportSize = {"width": 390, "height": 844}
WIDE: ViewportSize = {"width": LAPTOP["width"], "height": LAPTOP["height"]}
IN_VIEW = re.compile(r"\bcharts-in-view-drawn\b")

# The box Plotly drew for every round number of the matrix (annotations whose text is a
# number), in page pixels.
_NUMBER_BOXES = """() => {
  const chart = document.getElementById("chart-matrix");
  return chart.layout.annotations.flatMap((a, i) => {
    if (!/^\\d+$/.test(a.text)) return [];
    const box = chart.querySelector(`.annotation[data-index="${i}"] .annotation-text-g`)
      .getBoundingClientRect();
    return [[a.text, box.left, box.top, box.right, box.bottom]];
  });
}"""
# Charts more than two screens below what is in view: beyond the reach of the first draw.
_FAR_BELOW = """() => Array.from(document.querySelectorAll(".chart"))
  .filter((chart) => chart.getBoundingClientRect().top > 2 * window.innerHeight)
  .map((chart) => chart.id)"""
_FITTED = """() => {
  const matrix = document.getElementById("chart-matrix").layout;
  const trend = document.getElementById("chart-trend-propensity").layout;
  const numbers = matrix.annotations.filter((a) => /^\\d+$/.test(a.text));
  const plot = document.getElementById("chart-matrix")._fullLayout._size;
  return {
    plot: [Math.round(plot.w), Math.round(plot.h)],
    zoneFont: matrix.annotations[0].font.size,
    numbers: numbers.map((a) => [a.showarrow, a.ax, a.ay, a.xshift, a.yshift, a.font.size]),
    ticks: trend.xaxis.ticktext,
  };
}"""


@pytest.fixture
def demo_server(live_server: LiveServer, session: Session, settings: Settings) -> LiveServer:
    demo.load_demo(session, settings=settings)
    return live_server


def open_dashboard(page: Page, server: LiveServer) -> None:
    sign_in(page, server)
    page.get_by_role("link", name=re.compile(f"^Dashboard {demo.COLLABORATION}")).click()
    expect(page.locator("html")).to_have_class(IN_VIEW, timeout=60_000)


def drawn(page: Page) -> dict[str, bool]:
    found: Any = page.evaluate(
        """() => Object.fromEntries(Array.from(document.querySelectorAll("script[data-chart]"),
          (node) => [node.dataset.chart, Boolean(
            document.querySelector(`#${node.dataset.chart} .main-svg`))]))"""
    )
    return dict(found)


def zone_font_becomes(page: Page, size: int) -> None:
    """Wait for the resize to settle into a relayout (wait_for_function would need eval,
    which the page's CSP forbids)."""
    for _attempt in range(100):
        if page.evaluate(_FITTED)["zoneFont"] == size:
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"the matrix's zone names never got font size {size}")


def assert_numbers_apart(page: Page) -> None:
    boxes = page.evaluate(_NUMBER_BOXES)
    assert len(boxes) == 16  # four rounds of four parties
    for a, b in combinations(boxes, 2):
        # Half a pixel of anti-aliasing where two boxes touch is not a collision.
        apart = a[3] <= b[1] + 0.5 or b[3] <= a[1] + 0.5 or a[4] <= b[2] + 0.5 or b[4] <= a[2] + 0.5
        assert apart, (a, b)


def test_charts_far_below_wait_until_the_coach_scrolls_near_or_prints(
    demo_server: LiveServer, open_page: OpenPage
) -> None:
    page = open_page(viewport=LAPTOP, locale="nl-NL")
    open_dashboard(page, demo_server)
    expect(page.locator("html")).to_have_class(re.compile(r"\bcharts-near-drawn\b"))
    far = page.evaluate(_FAR_BELOW)
    assert far, "the demo's dashboard is several screens long"
    assert not any(drawn(page)[chart] for chart in far), "charts far below wait"
    expect(page.locator("html")).not_to_have_class(re.compile(r"\bcharts-drawn\b"))
    page.locator("#chart-matrix").scroll_into_view_if_needed()  # the coach scrolls to it
    expect(page.locator("#chart-matrix .main-svg").first).to_be_attached()
    # "The chart needs JavaScript" goes with each chart drawn, not with the last of the page.
    expect(page.locator("#chart-matrix + figcaption .chart-figure__nojs")).to_be_hidden()
    assert not drawn(page)["chart-participation"]  # the page's last chart still waits
    page.evaluate("window.scrollTo(0, 0)")
    page.emulate_media(media="print")  # a print needs every chart, wherever it is
    expect(page.locator("html")).to_have_class(re.compile(r"\bcharts-drawn\b"))
    assert all(drawn(page).values())


def test_the_matrix_numbers_stay_apart_and_refit_when_the_window_crosses_560_px(
    demo_server: LiveServer, open_page: OpenPage
) -> None:
    page = open_page(viewport=LAPTOP, locale="nl-NL")
    open_dashboard(page, demo_server)
    draw_every_chart(page)
    wide = page.evaluate(_FITTED)
    assert wide["zoneFont"] == 15
    assert_numbers_apart(page)

    page.set_viewport_size(PHONE)
    zone_font_becomes(page, 11)
    narrow = page.evaluate(_FITTED)
    assert narrow["plot"][1] > 0.75 * wide["plot"][1]  # the plot keeps its height
    assert narrow["numbers"] != wide["numbers"]  # placed again for the smaller plot
    assert {n[-1] for n in narrow["numbers"]} == {11}
    assert narrow["ticks"] != wide["ticks"]  # the trend's short round names
    page.locator("#chart-matrix").scroll_into_view_if_needed()
    assert_numbers_apart(page)

    page.set_viewport_size(WIDE)
    zone_font_becomes(page, 15)
    assert page.evaluate(_FITTED) == wide
    assert_numbers_apart(page)


def test_a_phone_draws_the_matrix_narrow_from_the_start(
    demo_server: LiveServer, open_page: OpenPage
) -> None:
    page = open_page(viewport=dict(PHONE), locale="nl-NL")
    open_dashboard(page, demo_server)
    draw_every_chart(page)
    assert page.evaluate(_FITTED)["zoneFont"] == 11
    page.locator("#chart-matrix").scroll_into_view_if_needed()
    assert_numbers_apart(page)
