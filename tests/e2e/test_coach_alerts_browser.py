"""An older round's alerts in Chromium: from the dashboard's one line to their own page, paged,
marked as seen with a note back on the same page; axe clean at 1366 and 390 px."""

import re

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session

from app.config import Settings
from app.services import demo
from tests.e2e.conftest import LiveServer, OpenPage, axe_scan, has_horizontal_scroll, screenshot
from tests.e2e.test_coach_demo import open_dashboard, sign_in
from tests.e2e.test_coach_story_browser import PHONE, WIDE, overflowing, screenshot_path
from tests.web.coach.test_coach_alerts_page import _add_declines, _round_ids

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_server(live_server: LiveServer, session: Session, settings: Settings) -> LiveServer:
    demo.load_demo(session, settings=settings)
    # The first round gets enough alerts for two pages of 25.
    _add_declines(session, _round_ids(session)[0], 30)
    return live_server


def _fits(page: Page, name: str, *, wide: bool) -> None:
    assert not has_horizontal_scroll(page)
    assert (found := overflowing(page, tables_fit=wide)) == [], "; ".join(found)
    axe_scan(page, name)
    screenshot(page, name)


@pytest.mark.parametrize(("viewport", "name"), [(WIDE, "1366"), (PHONE, "390")])
def test_an_older_rounds_alerts_are_read_paged_and_marked_as_seen_on_their_page(
    demo_server: LiveServer, open_page: OpenPage, viewport: dict[str, int], name: str
) -> None:
    page = open_page(viewport=viewport, locale="nl-NL")
    sign_in(page, demo_server)
    open_dashboard(page)
    alerts = page.locator("#alerts")
    alerts.screenshot(path=str(screenshot_path(f"coach-dashboard-alerts-{name}")))
    page.locator(".alert-rounds").get_by_role(
        "link", name="Ronde 1: Nulmeting voorbereiding"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Signalen van ronde 1: Nulmeting voorbereiding"
    )
    expect(page.get_by_text("Pagina 1 van 2")).to_be_visible()
    _fits(page, f"coach-alerts-{name}", wide=viewport is WIDE)

    page.get_by_role("link", name="Volgende").click()
    expect(page.get_by_text("Pagina 2 van 2")).to_be_visible()
    first_open = page.locator(".alert-item--open").first
    first_open.get_by_label("Notitie").fill("Besproken met de wegbeheerder.")
    first_open.get_by_role("button", name=re.compile("^Markeren als gezien")).click()
    expect(page.get_by_text("Het signaal is gemarkeerd als gezien.")).to_be_visible()
    expect(page.get_by_text("Besproken met de wegbeheerder.")).to_be_visible()
    expect(page.get_by_text("Pagina 2 van 2")).to_be_visible()
    assert re.search(r"round=\d+&page=2", page.url)

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Alerts of round 1: Nulmeting voorbereiding"
    )
    expect(page.get_by_text("Page 2 of 2")).to_be_visible()
    _fits(page, f"coach-alerts-page-2-en-{name}", wide=viewport is WIDE)
