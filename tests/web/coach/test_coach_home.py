"""The coach's home page: per collaboration its round, response, zones, direction and alerts."""

import re

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.config import Settings
from app.models import Role
from app.services import demo
from tests.factories import make_open_collaboration
from tests.web.coach.conftest import browser_for, other_browser


def test_the_home_page_shows_each_collaborations_status_newest_activity_first(
    client: TestClient, session: Session, settings: Settings
) -> None:
    demo.load_demo(session, settings=settings)
    user = session.exec(select(demo.User).where(demo.User.email == demo.COACH_EMAIL)).one()
    # A second collaboration, opened just now: its activity is newer than the demo's.
    make_open_collaboration(
        session, settings=settings, organisation_id=user.organisation_id, name="Nieuwe brug"
    )
    coach = browser_for(client, user, demo.COACH_PASSWORD)
    html = coach.get("/coach").text
    titles = re.findall(r'<h2 class="status-card__title"[^>]*><a [^>]*>([^<]+)</a>', html)
    assert titles == ["Nieuwe brug", demo.COLLABORATION]
    demo_card = html[html.index(demo.COLLABORATION) :]
    # The current round is the open fifth one; the zones are from the last one with figures.
    assert re.search(
        r"Ronde 5: Evaluatie eerste jaar <span class=\"badge[^\"]*\">Open</span>", demo_card
    )
    assert "33% heeft geantwoord (8 van 24)" in demo_card
    assert "Zones in ‘Halverwege uitvoering’" in demo_card  # noqa: RUF001
    assert re.search(
        r"Wegenbouw Rijnland</span>\s*<span class=\"zone-badge zone-badge--no-trust\">", demo_card
    )
    assert "was ‘Blind vertrouwen’" in demo_card  # noqa: RUF001
    assert "direction--" in demo_card
    assert re.search(r"\d+ open signalen?", demo_card)


def test_the_home_page_shows_only_the_own_organisations_collaborations(
    app, client: TestClient, session: Session, settings: Settings
) -> None:  # type: ignore[no-untyped-def]
    demo.load_demo(session, settings=settings)
    other = make_open_collaboration(session, settings=settings, name="Elders")
    with TestClient(app) as elsewhere:
        stranger = other_browser(
            elsewhere, session, other.organisation_id, Role.COACH, "x@example.org"
        )
        html = stranger.get("/coach").text
    assert "Elders" in html and demo.COLLABORATION not in html
