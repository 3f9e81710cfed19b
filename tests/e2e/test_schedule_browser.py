"""The schedule's pages in real headless Chromium: a failed invitation sent again, a cadence set,
the calendar, and the confirmation pages, each axe-clean and usable on a phone."""

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import Engine
from sqlmodel import Session

from app.models import Role
from app.services.messaging.outbox_worker import WorkerOptions, deliver_due_jobs
from app.services.setup import rounds
from tests.conftest import make_settings
from tests.e2e.conftest import (
    LAPTOP,
    PHONE,
    LiveServer,
    OpenPage,
    axe_scan,
    has_horizontal_scroll,
    screenshot,
)
from tests.e2e.test_coach_flow import sign_in
from tests.factories import (
    DEFAULT_PASSWORD,
    make_open_collaboration,
    make_organisation,
    make_round,
    make_user,
)
from tests.support.smtp import free_port

pytestmark = pytest.mark.browser


def _check(page: Page, name: str) -> None:
    axe_scan(page, name)
    assert not has_horizontal_scroll(page), name
    screenshot(page, name)


def test_a_coach_sees_a_failed_invitation_sends_it_again_and_sets_a_cadence(
    live_server: LiveServer,
    open_page: OpenPage,
    session: Session,
    engine: Engine,
    database_url: str,
) -> None:
    organisation_id = make_organisation(session)
    admin = make_user(
        session, organisation_id=organisation_id, role=Role.ADMIN, email="admin@example.org"
    )
    world = make_open_collaboration(
        session,
        settings=live_server.settings,
        organisation_id=organisation_id,
        participants_per_party=1,
    )
    broken = make_settings(database_url, smtp_url=f"smtp://127.0.0.1:{free_port()}")
    deliver_due_jobs(engine, settings=broken, options=WorkerOptions(max_attempts=1))

    page = open_page(viewport=PHONE, locale="nl-NL")
    sign_in(page, live_server, admin.email, DEFAULT_PASSWORD)
    page.goto(f"{live_server.url}/coach/collaborations/{world.collaboration.id}")
    _check(page, "coach-collaboration-calendar-phone")
    page.get_by_role("link", name="Nulmeting").first.click()
    expect(page.get_by_role("alert")).to_contain_text(
        "2 uitnodigingen konden niet worden afgeleverd"
    )
    _check(page, "coach-round-failed-phone")
    page.get_by_role("button", name="2 mislukte uitnodigingen opnieuw versturen").click()
    expect(page.get_by_role("status")).to_contain_text("2 uitnodigingen staan klaar om opnieuw")

    page.get_by_role("link", name="Corrigeren Gemeente Utrecht 1").click()
    _check(page, "coach-participant-edit-phone")
    page.get_by_label("E-mailadres").fill("niet-goed")
    page.get_by_role("button", name="Wijzigingen opslaan").click()
    expect(page.locator("#email-error")).to_be_visible()
    page.get_by_role("link", name="Annuleren").click()

    page.goto(
        f"{live_server.url}/coach/collaborations/{world.collaboration.id}/rounds/{world.round.id}"
    )
    page.get_by_role("link", name="Nieuwe link Gemeente Utrecht 1").click()
    _check(page, "coach-new-link-phone")
    page.get_by_role("button", name="Link vervangen").click()
    expect(page.get_by_role("status")).to_contain_text("de oude werkt niet meer")
    _check(page, "coach-new-link-shown-phone")

    page.goto(
        f"{live_server.url}/coach/collaborations/{world.collaboration.id}/rounds/{world.round.id}/close"
    )
    _check(page, "coach-close-confirm-phone")
    page.get_by_role("button", name="Ronde nu sluiten").click()
    expect(page.get_by_role("status")).to_contain_text("De ronde is gesloten.")

    page.goto(
        f"{live_server.url}/coach/collaborations/{world.collaboration.id}/rounds/{world.round.id}/reopen"
    )
    _check(page, "coach-reopen-phone")

    laptop = open_page(viewport=LAPTOP, locale="nl-NL")
    sign_in(laptop, live_server, admin.email, DEFAULT_PASSWORD)
    laptop.goto(f"{live_server.url}/coach/collaborations/{world.collaboration.id}")
    laptop.get_by_role("link", name="Meetritme instellen").click()
    _check(laptop, "coach-cadence-form")
    laptop.get_by_label("Elke").fill("3")
    laptop.get_by_label("Eenheid").select_option("months")
    laptop.get_by_label("Open gedurende (dagen)").fill("14")
    laptop.get_by_label("Eerste ronde opent").fill("2099-04-01T09:00")
    laptop.get_by_label("Naam van de rondes").fill("Kwartaalmeting {n}")
    laptop.get_by_role("button", name="Meetritme opslaan").click()
    expect(laptop.get_by_role("status")).to_contain_text("Het meetritme is opgeslagen.")
    expect(laptop.get_by_text("Kwartaalmeting 2")).to_be_visible()
    _check(laptop, "coach-collaboration-calendar")

    laptop.get_by_role("link", name="E-mails over signalen").click()
    _check(laptop, "coach-alert-emails")
    laptop.get_by_label("Wekelijks overzicht").check()
    laptop.get_by_role("button", name="Opslaan").click()
    expect(laptop.get_by_role("status")).to_contain_text("Uw keuze voor e-mails over signalen")

    later = make_round(
        session, organisation_id=organisation_id, collaboration_id=world.collaboration.id or 0
    )
    rounds.open_round(
        session,
        organisation_id=organisation_id,
        round_id=later.id or 0,
        settings=live_server.settings,
    )
    laptop.goto(
        f"{live_server.url}/coach/collaborations/{world.collaboration.id}/rounds/{world.round.id}"
    )
    expect(laptop.get_by_role("link", name="Ronde heropenen")).to_have_count(0)
