"""A coach in real headless Chromium: from an empty account to both parties on the matrix.

The invitations travel through a real SMTP server (aiosmtpd) and the partners answer through
the links in their e-mail. Every page must load without console errors or CSP violations
(the `open_page` fixture checks) and pass axe's WCAG 2.1 A/AA rules.
"""

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import Engine
from sqlmodel import Session

from app.models import Role
from app.services.messaging.worker_process import run_worker
from tests.e2e.conftest import (
    LAPTOP,
    PHONE,
    LiveServer,
    OpenPage,
    axe_scan,
    draw_every_chart,
    screenshot,
    serve,
)
from tests.factories import DEFAULT_PASSWORD, make_organisation, make_user
from tests.support.smtp import SmtpServer, smtp_server, text_part

pytestmark = pytest.mark.browser

LINK = re.compile(r"http://127\.0\.0\.1:\d+/s/[A-Za-z0-9_\-]+")
PEOPLE = {
    "Gemeente Utrecht": ["Anouk", "Bram", "Chantal"],
    "Aannemer Van den Berg BV": ["Daan", "Eva", "Fatima"],
}
# Each party's answers: the municipality trusts and checks (6), the contractor doubts (3).
ANSWER = {"Gemeente Utrecht": "6", "Aannemer Van den Berg BV": "3"}


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with smtp_server() as server:
        yield server


@pytest.fixture
def mail_server(database_url: str, smtp: SmtpServer) -> Iterator[LiveServer]:
    with serve(database_url, smtp_url=smtp.url) as server:
        yield server


def sign_in(page: Page, server: LiveServer, email: str, password: str) -> None:
    page.goto(f"{server.url}/login")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Samenwerkingen")


def set_up_collaboration(page: Page, server: LiveServer) -> None:
    page.get_by_role("link", name="Maak uw eerste samenwerking aan").click()
    page.get_by_label("Naam", exact=True).fill("Circulaire bruggen Utrecht")
    page.get_by_label("Beschrijving").fill("Gemeente en aannemer vervangen samen drie bruggen.")
    page.get_by_role("button", name="Samenwerking aanmaken").click()
    expect(page.get_by_role("status")).to_contain_text("De samenwerking is aangemaakt")
    for party in PEOPLE:
        page.get_by_label("Naam van de partij").fill(party)
        page.get_by_role("button", name="Partij toevoegen").click()
        expect(page.get_by_role("status")).to_contain_text("De partij is toegevoegd.")
    first = PEOPLE["Gemeente Utrecht"][0]
    page.get_by_label("Partij", exact=True).select_option(label="Gemeente Utrecht")
    page.locator("#participant_name").fill(first)
    page.locator("#participant_email").fill(f"{first.lower()}@example.org")
    page.get_by_role("button", name="Deelnemer toevoegen").click()
    expect(page.get_by_role("status")).to_contain_text("De deelnemer is toegevoegd.")
    page.get_by_role("link", name="Een lijst toevoegen (CSV)").click()
    lines = [
        f"{name};{name.lower()}@example.org;{party}"
        for party, names in PEOPLE.items()
        for name in names
        if name != first
    ]
    page.get_by_label("Plak de lijst").fill("naam;e-mail;partij\n" + "\n".join(lines))
    page.get_by_role("button", name="Deelnemers toevoegen").click()
    expect(page.get_by_role("status")).to_contain_text("De deelnemers zijn toegevoegd.")


def open_round(page: Page) -> None:
    page.get_by_role("link", name="Nieuwe ronde").click()
    page.get_by_label("Naam van de ronde").fill("Nulmeting")
    page.get_by_role("button", name="Ronde aanmaken").click()
    expect(page.get_by_role("status")).to_contain_text("aangemaakt als concept")
    page.get_by_role("button", name="Openen en uitnodigingen versturen").click()
    # The round's page says how many were queued; the worker has yet to send them.
    expect(page.get_by_role("status")).to_contain_text("6 uitnodigingen staan klaar")
    axe_scan(page, "coach-round")
    page.get_by_role("link", name="Circulaire bruggen Utrecht").click()


def hand_out_links_and_look_at_erasure(page: Page, server: LiveServer) -> None:
    """The round's personal links (copied with the button), then erasure's confirmation, left."""
    page.get_by_role("link", name="Persoonlijke links Nulmeting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Persoonlijke links voor Nulmeting")
    expect(page.get_by_text("Iedereen in deze ronde heeft een e-mailadres")).to_be_visible()
    page.get_by_role("link", name="Iedereen in deze ronde").click()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    page.get_by_role("button", name="Kopiëren de link van Anouk").click()
    expect(page.locator("#copy-status")).to_have_text("De link is gekopieerd.")
    copied = page.evaluate("navigator.clipboard.readText()")
    expect(page.get_by_label("Persoonlijke link van Anouk")).to_have_value(copied)
    axe_scan(page, "coach-round-links")
    page.get_by_role("link", name="Terug naar Circulaire bruggen Utrecht").click()
    page.get_by_role("link", name="Wissen Anouk").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Anouk wissen?")
    axe_scan(page, "coach-erase-participant")
    page.get_by_role("link", name="Annuleren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Circulaire bruggen Utrecht")


def answer_questionnaire(page: Page, url: str, value: str) -> None:
    page.goto(url)
    page.get_by_role("link", name="Begin met de vragenlijst").click()
    while True:
        for radio in page.locator(f'input[type="radio"][value="{value}"]').all():
            radio.check()
        overview = page.get_by_role("button", name="Naar het overzicht")
        if overview.count():
            overview.click()
            break
        page.get_by_role("button", name="Volgende").click()
    page.get_by_role("button", name="Mijn antwoorden versturen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dank u wel")


def links_by_party(smtp: SmtpServer) -> dict[str, list[str]]:
    email_party = {
        f"{name.lower()}@example.org": party for party, names in PEOPLE.items() for name in names
    }
    found: dict[str, list[str]] = {party: [] for party in PEOPLE}
    for message in smtp.messages:
        address = message["To"].addresses[0].addr_spec
        match = LINK.search(text_part(message))
        assert match, text_part(message)
        found[email_party[address]].append(match.group(0))
    return found


def test_a_coach_sets_up_a_round_and_sees_both_parties_on_the_matrix(
    mail_server: LiveServer,
    smtp: SmtpServer,
    open_page: OpenPage,
    session: Session,
    engine: Engine,
) -> None:
    coach = make_user(session, organisation_id=make_organisation(session), role=Role.COACH)
    page = open_page(viewport=LAPTOP, locale="nl-NL")
    sign_in(page, mail_server, coach.email, DEFAULT_PASSWORD)
    axe_scan(page, "coach-empty-account")
    set_up_collaboration(page, mail_server)
    open_round(page)
    axe_scan(page, "coach-collaboration")
    hand_out_links_and_look_at_erasure(page, mail_server)
    screenshot(page, "coach-collaboration-laptop")

    run_worker(engine, settings=mail_server.settings, once=True)
    links = links_by_party(smtp)
    assert {party: len(urls) for party, urls in links.items()} == {
        "Gemeente Utrecht": 3,
        "Aannemer Van den Berg BV": 3,
    }
    assert all(str(m["Subject"]).startswith("Uitnodiging") for m in smtp.messages)

    for party, urls in links.items():
        for url in urls:
            answer_questionnaire(open_page(viewport=PHONE, locale="nl-NL"), url, ANSWER[party])

    page.get_by_role("link", name="Ronde sluiten Nulmeting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nulmeting sluiten?")
    page.get_by_role("button", name="Ronde nu sluiten").click()
    expect(page.get_by_role("status")).to_contain_text("De ronde is gesloten.")
    page.get_by_role("link", name="Dashboard").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    draw_every_chart(page)
    points = page.evaluate(
        "document.getElementById('chart-matrix').data.map(t => [t.name, t.x, t.y])"
    )
    assert [name for name, _x, _y in points] == list(PEOPLE)
    (gemeente_x, gemeente_y), (aannemer_x, aannemer_y) = [(x, y) for _n, x, y in points]
    assert len(gemeente_x) == len(aannemer_x) == 1
    assert gemeente_x[0] > 50 and gemeente_y[0] > 50  # smart trust
    assert aannemer_x[0] < 50 and aannemer_y[0] < 50  # no trust
    table = page.get_by_role("table", name=re.compile("Posities in ronde Nulmeting"))
    expect(table).to_contain_text("Slim vertrouwen")
    expect(table).to_contain_text("Geen vertrouwen")
    axe_scan(page, "coach-dashboard-flow")
    screenshot(page, "coach-dashboard-two-parties")
