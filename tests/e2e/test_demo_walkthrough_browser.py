"""The README's first five minutes in Chromium: `/` leads to sign-in, the demo's invitation is
in the mail catcher, its personal link is answered as a partner, the coach closes the round and
the partner's party appears on the dashboard."""

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.models import Collaboration, Round, RoundStatus
from app.services import demo
from app.services.answering.invitation_state import load_invitation
from app.services.answering.survey import page_plan
from app.services.messaging.outbox_worker import deliver_due_jobs
from tests.e2e.conftest import LAPTOP, PHONE, OpenPage, axe_scan, screenshot, serve

pytestmark = pytest.mark.browser


def test_a_newcomer_answers_the_demos_open_round_and_sees_the_dashboard_change(
    database_url: str, engine: Engine, session: Session, open_page: OpenPage
) -> None:
    with serve(database_url, mail_catcher=True) as server:
        login = demo.load_demo(session, settings=server.settings)
        deliver_due_jobs(engine, settings=server.settings)  # what the in-process worker does
        link = login.links[0]
        collaboration = session.exec(select(Collaboration)).one()
        walkthrough = session.exec(select(Round).where(Round.status == RoundStatus.OPEN)).one()

        coach = open_page(viewport=LAPTOP, locale="nl-NL")
        coach.goto(f"{server.url}/")  # the address the README gives
        expect(coach).to_have_url(f"{server.url}/login")
        coach.get_by_label("E-mailadres").fill(login.email)
        coach.get_by_label("Wachtwoord").fill(login.password)
        coach.get_by_role("button", name="Inloggen").click()
        expect(coach.get_by_role("heading", level=1)).to_have_text("Samenwerkingen")

        coach.get_by_role("link", name="E-mail", exact=True).click()
        expect(coach).to_have_url(f"{server.url}/coach/mail")
        expect(coach.get_by_role("heading", level=1)).to_have_text(
            "Verzonden e-mail (ontwikkeling)"
        )
        invitation = coach.locator(".mail-item").filter(has=coach.locator(f'a[href="{link.url}"]'))
        expect(invitation).to_have_count(1)  # the printed link is the one e-mailed
        expect(invitation.locator(".mail-item__subject")).to_contain_text(collaboration.name)
        axe_scan(coach, "coach-mail")
        screenshot(coach, "coach-mail")

        partner = open_page(viewport=PHONE, locale="nl-NL")
        partner.goto(invitation.get_by_role("link").get_attribute("href") or "")
        _answer_everything(partner, session, link.url)
        expect(partner.get_by_role("heading", level=1)).to_have_text("Dank u wel")

        coach.goto(f"{server.url}/coach/collaborations/{collaboration.id}/rounds/{walkthrough.id}")
        coach.get_by_role("link", name="Ronde sluiten").click()
        coach.get_by_role("button", name="Ronde nu sluiten").click()
        coach.goto(
            f"{server.url}/coach/collaborations/{collaboration.id}/dashboard?round={walkthrough.id}"
        )
        row = coach.locator("table:has(#matrix-caption) tbody tr").filter(
            has=coach.get_by_role("rowheader", name=re.compile(re.escape(link.party)))
        )
        # The newcomer's answer is the party's third: the anonymity threshold is reached.
        expect(row.locator("td.num").first).to_have_text("3")
        screenshot(coach, "demo-dashboard-after-walkthrough")


def _answer_everything(page: Page, session: Session, url: str) -> None:
    """Every question of every page the demo's form asks this partner, then submit."""
    session.rollback()
    plan = page_plan(load_invitation(session, token=url.rsplit("/", 1)[1]))
    page.get_by_role("link", name="Begin met de vragenlijst").click()
    for number, ref in enumerate(plan, start=1):
        expect(page.get_by_text(f"Pagina {number} van {len(plan)}")).to_be_visible()
        for item in ref.items:
            page.locator(f"#q-{item.id}-5").check()
        last = number == len(plan)
        page.get_by_role("button", name="Naar het overzicht" if last else "Volgende").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Controleren en versturen")
    page.get_by_role("button", name="Mijn antwoorden versturen").click()
