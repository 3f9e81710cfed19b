"""The demo dashboard's "Download report (PDF)" in Chromium: the chosen language, a real PDF."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import NARROWEST, LiveServer, OpenPage, axe_scan, has_horizontal_scroll
from tests.e2e.test_coach_demo import demo_server, open_dashboard, sign_in
from tests.support.pdf import read_pdf

pytestmark = pytest.mark.browser
__all__ = ["demo_server"]  # the fixture, used by name below


def test_the_coach_downloads_the_english_report_from_a_phone(
    demo_server: LiveServer, open_page: OpenPage
) -> None:
    page = open_page(viewport=NARROWEST, locale="nl-NL")
    sign_in(page, demo_server)
    open_dashboard(page)
    assert not has_horizontal_scroll(page)
    axe_scan(page, "coach-dashboard-report-download")
    page.get_by_label("Taal van het rapport").select_option("en")
    with page.expect_download(timeout=120_000) as download:
        # The report takes seconds to lay out: the download is awaited, not a navigation.
        page.get_by_role("button", name="Rapport downloaden (pdf)").click(no_wait_after=True)
    # The dashboard opens on the newest round with figures to show (the report of that round).
    assert re.fullmatch(r"trustmeter-report-round-\d+-en\.pdf", download.value.suggested_filename)
    pdf = read_pdf(Path(download.value.path()).read_bytes())
    assert pdf.title is not None and pdf.title.startswith("Trust in ")
    assert "Where the parties stand" in pdf.text
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
