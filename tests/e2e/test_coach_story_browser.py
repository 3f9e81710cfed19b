"""The demo's story in Chromium at 1366 and 390 px: nothing overflows its box, axe is clean."""

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session

from app.config import Settings
from app.services import demo
from tests.e2e.conftest import (
    LiveServer,
    OpenPage,
    axe_scan,
    draw_every_chart,
    has_horizontal_scroll,
    screenshot,
)
from tests.e2e.test_coach_demo import sign_in

pytestmark = pytest.mark.browser

WIDE = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}

# Every visible element of the page's main column that sticks out of the page or whose
# content is wider than its own box. Tables may scroll inside their .table-wrap (on a phone
# that is how they stay reachable); `tables_fit` demands that they need not.
OVERFLOWING = """
(tablesFit) => {
  const found = [];
  const width = document.documentElement.clientWidth;
  const name = (el) => {
    const classes = typeof el.className === "string" ? el.className.trim().split(/\\s+/) : [];
    const label = el.getAttribute("aria-labelledby");
    return el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
      (classes.length ? "." + classes.join(".") : "") + (label ? "[" + label + "]" : "");
  };
  for (const el of document.querySelectorAll("main *")) {
    if (el.closest(".visually-hidden") || el.closest("svg")) continue;
    const inWrap = el.closest(".table-wrap");
    if (inWrap && inWrap !== el) continue;
    const style = getComputedStyle(el);
    if (style.display === "none" || style.visibility === "hidden") continue;
    const rect = el.getBoundingClientRect();
    if (rect.width === 0 && rect.height === 0) continue;
    if (rect.right > width + 1 || rect.left < -1) found.push(name(el) + " leaves the page");
    const scrolls = el.classList.contains("table-wrap");
    const spills = el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1;
    if ((!scrolls || tablesFit) && style.overflowX !== "hidden" && spills) {
      found.push(name(el) + " is wider inside than its box");
    }
  }
  for (const svg of document.querySelectorAll(".chart .main-svg")) {
    const chart = svg.closest(".chart");
    if (svg.getBoundingClientRect().right > chart.getBoundingClientRect().right + 1) {
      found.push("chart " + chart.id + " is clipped");
    }
  }
  for (const badge of document.querySelectorAll("main .zone-badge")) {
    const cell = badge.parentElement.getBoundingClientRect();
    const own = badge.getBoundingClientRect();
    if (own.right > cell.right + 1 || own.left < cell.left - 1) {
      found.push("a zone badge is clipped");
    }
  }
  return found;
}
"""


@pytest.fixture
def demo_server(live_server: LiveServer, session: Session, settings: Settings) -> LiveServer:
    demo.load_demo(session, settings=settings)
    return live_server


def overflowing(page: Page, *, tables_fit: bool) -> list[Any]:
    return list(page.evaluate(OVERFLOWING, tables_fit))


def _open_dashboard(page: Page) -> None:
    page.get_by_role("link", name=re.compile(f"^Dashboard {demo.COLLABORATION}")).click()
    draw_every_chart(page)


@pytest.mark.parametrize(("viewport", "name"), [(WIDE, "1366"), (PHONE, "390")])
def test_home_dashboard_and_report_fit_their_boxes(
    demo_server: LiveServer, open_page: OpenPage, viewport: dict[str, int], name: str
) -> None:
    page = open_page(viewport=viewport, locale="nl-NL")
    sign_in(page, demo_server)
    wide = viewport is WIDE
    assert (found := overflowing(page, tables_fit=wide)) == [], "; ".join(found)
    axe_scan(page, f"coach-home-{name}")
    screenshot(page, f"story-home-{name}")

    _open_dashboard(page)
    story = page.get_by_role("heading", name="Wat er veranderde in ‘Halverwege uitvoering’")  # noqa: RUF001
    expect(story).to_be_visible()
    if wide:  # the first screen tells what happened and what to talk about next
        assert story.bounding_box()["y"] < viewport["height"]  # type: ignore[index]
        next_talk = page.get_by_role("heading", name="Waar het volgende gesprek over kan gaan")
        assert next_talk.bounding_box()["y"] < viewport["height"]  # type: ignore[index]
    assert not has_horizontal_scroll(page)
    assert (found := overflowing(page, tables_fit=wide)) == [], "; ".join(found)
    axe_scan(page, f"coach-dashboard-story-{name}")
    screenshot(page, f"story-dashboard-{name}")
    page.locator("#chart-matrix").screenshot(path=str(screenshot_path(f"story-matrix-{name}")))
    page.locator("#chart-trend-propensity").screenshot(
        path=str(screenshot_path(f"story-trend-{name}"))
    )

    page.get_by_role("link", name="Rapport om af te drukken").click()
    draw_every_chart(page)
    assert not has_horizontal_scroll(page)
    assert (found := overflowing(page, tables_fit=wide)) == [], "; ".join(found)
    axe_scan(page, f"coach-report-story-{name}")
    screenshot(page, f"story-report-{name}")


def screenshot_path(name: str) -> Any:
    from tests.e2e.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{name}.png"


def test_the_time_axis_names_the_rounds_in_dutch(
    demo_server: LiveServer, open_page: OpenPage
) -> None:
    page = open_page(viewport=WIDE, locale="nl-NL")
    sign_in(page, demo_server)
    _open_dashboard(page)
    ticks = page.locator("#chart-trend-propensity .xtick text").all_text_contents()
    assert any("Nulmeting" in tick for tick in ticks)
    assert any("okt" in tick for tick in ticks)  # Dutch month names, not "Oct"
    separators = page.evaluate("document.getElementById('chart-matrix').layout.separators")
    assert separators == ",."


def test_acknowledging_an_alert_with_a_note_in_the_browser_keeps_the_round(
    demo_server: LiveServer, open_page: OpenPage
) -> None:
    page = open_page(viewport=PHONE, locale="nl-NL")
    sign_in(page, demo_server)
    _open_dashboard(page)
    page.get_by_label("Ronde om te tonen").select_option(index=1)  # 2. Marktconsultatie
    page.get_by_role("button", name="Tonen").click()
    draw_every_chart(page)
    chosen = page.get_by_label("Ronde om te tonen").input_value()
    first_open = page.locator(".alert-item--open").first
    first_open.get_by_label("Notitie").fill("Besproken met de stuurgroep.")
    first_open.get_by_role("button", name=re.compile("^Markeren als gezien")).click()
    expect(page.get_by_text("Besproken met de stuurgroep.")).to_be_visible()
    assert page.get_by_label("Ronde om te tonen").input_value() == chosen
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="What changed in “Marktconsultatie”")).to_be_visible()
    axe_scan(page, "coach-dashboard-acknowledged-en-390")
