"""The API docs in Chromium: the packaged Swagger UI renders the operations, no CSP error."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import LAPTOP, LiveServer, OpenPage, axe_scan, screenshot

pytestmark = pytest.mark.browser


def test_the_api_docs_render_the_operations_offline_under_the_csp(
    live_server: LiveServer, open_page: OpenPage
) -> None:
    page = open_page(viewport=LAPTOP, locale="en-GB")
    outside: list[str] = []
    page.on(
        "request",
        lambda request: (
            None
            if request.url.startswith(live_server.url) or request.url.startswith("data:")
            else outside.append(request.url)
        ),
    )
    page.goto(f"{live_server.url}/api/v1/docs")
    expect(page.locator(".opblock").first).to_be_visible()
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/rounds/{round_id}/scores" in [p.replace("\u200b", "") for p in paths]
    assert "/parties/{party_id}/participants:batch" in [p.replace("\u200b", "") for p in paths]
    expect(page.locator(".info .title")).to_contain_text("Trustmeter API")
    assert outside == []  # nothing from a CDN
    # open_page fails the test at teardown on any CSP violation or console error.
    screenshot(page, "api-docs")
    axe_scan(page, "api-docs")
