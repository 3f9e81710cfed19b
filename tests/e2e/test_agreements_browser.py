"""The action loop in real Chromium: the coach records an agreement, partners judge it after the
trust items of the next round, and the dashboard shows the verdict beside the area's score
before and after; a share link opened as a partner would on a phone (390 px) and a projector
(1366 px) with one party under the anonymity threshold, then revoked. Every page passes axe
(WCAG 2.1 A/AA)."""

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session

from app.models.agreement import AgreementAnswerIn
from app.models.response import AnswerIn
from app.scoring import smart_trust_v1
from app.services.agreements import follow_up
from app.services.answering import responses
from app.services.results.agreement_outcomes import agreements_of_collaboration
from app.services.setup import rounds
from tests.e2e.conftest import (
    LAPTOP,
    LiveServer,
    OpenPage,
    axe_scan,
    has_horizontal_scroll,
    screenshot,
)
from tests.e2e.test_coach_flow import sign_in
from tests.factories import DEFAULT_PASSWORD, make_open_collaboration, make_round, make_user

pytestmark = pytest.mark.browser

PHONE_390 = {"width": 390, "height": 844}
PROJECTOR = {"width": 1366, "height": 768}
PARTIES = ("Gemeente Utrecht", "Aannemer BV", "Provincie Utrecht")
# The words the share page uses, per language: its heading, "fewer than k", "A about B".
WORDS = {
    "nl": ("Uitslag van Nulmeting", "minder dan 3 antwoorden", "Provincie Utrecht over"),
    "en": ("Results of Nulmeting", "fewer than 3 answers", "Provincie Utrecht about"),
}
# Each party answers with its own value; only one partner of the province answers (< k).
VALUES = {"Gemeente Utrecht": 6, "Aannemer BV": 3, "Provincie Utrecht": 7}


def measured_round(session: Session, server: LiveServer) -> tuple[int, int]:
    """A closed first round in which the province has a single respondent."""
    opened = make_open_collaboration(
        session, settings=server.settings, party_names=PARTIES, participants_per_party=3
    )
    names = {p.id: p.name for p in opened.parties}
    province_answered = False
    items = [item.id for item in smart_trust_v1().items]
    for issued in opened.invitations:
        party = names[issued.invitation.party_id]
        if party == "Provincie Utrecht" and province_answered:
            continue
        province_answered = province_answered or party == "Provincie Utrecht"
        answers = [
            AnswerIn(target_party_id=target, item_id=item, value=VALUES[party])
            for target in issued.invitation.target_party_ids
            for item in items
        ]
        assert issued.token is not None
        responses.submit_answers(session, token=issued.token, answers=answers, final=True)
    rounds.close_round(
        session, organisation_id=opened.organisation_id, round_id=opened.round.id or 0
    )
    make_user(session, organisation_id=opened.organisation_id, email="coach@example.org")
    return opened.collaboration.id or 0, opened.round.id or 0


def record_agreement(page: Page) -> None:
    page.get_by_role("link", name="Afspraken", exact=True).click()
    expect(page.get_by_text("Nog geen afspraken.")).to_be_visible()
    page.get_by_role("link", name="Nieuwe afspraak").click()
    page.get_by_role("button", name="Afspraak vastleggen").click()  # nothing filled in
    expect(page.locator("#title-error")).to_have_text("Vul dit in.")
    expect(page.locator("#committing_party_ids-error")).to_contain_text("Kies ten minste één")
    axe_scan(page, "coach-agreement-form-errors")
    page.get_by_label("Titel").fill("Afspraken nakomen")
    page.get_by_label("Gebied").select_option(label="Afspraken nakomen")
    page.get_by_label("Aannemer BV").check()
    page.get_by_label("Relatie met").select_option(label="Gemeente Utrecht")
    page.get_by_role("button", name="Afspraak vastleggen").click()
    expect(page.get_by_role("status")).to_contain_text("De afspraak is vastgelegd.")
    expect(page.get_by_role("row", name="Afspraken nakomen")).to_contain_text(
        "Aannemer BV → Gemeente Utrecht"
    )
    axe_scan(page, "coach-agreements")


def make_link(page: Page, collaboration_id: int) -> str:
    page.goto(page.url.split("/coach/")[0] + f"/coach/collaborations/{collaboration_id}")
    page.get_by_role("link", name="Terugkoppelsessie Nulmeting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Terugkoppelsessie: Nulmeting")
    page.get_by_label("Afspraken en of ze zijn nagekomen").check()
    page.get_by_role("button", name="Link maken").click()
    expect(page.get_by_role("status")).to_contain_text("alleen deze ene keer")
    url = page.get_by_label("Link voor deelnemers").input_value()
    axe_scan(page, "coach-feedback-session")
    return url


def check_share_page(page: Page, url: str, name: str, language: str) -> None:
    heading, fewer, about = WORDS[language]
    page.goto(url if language == "nl" else f"{url}?lang={language}")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    # The chosen sections, and no other.
    expect(page.locator("#matrix-heading")).to_be_visible()
    expect(page.locator("#mirror-heading")).to_be_visible()
    expect(page.locator("#agreements-heading")).to_be_visible()
    expect(page.locator("#changes-heading")).to_have_count(0)
    expect(page.get_by_text("Afspraken nakomen").first).to_be_visible()
    assert "coach@example.org" not in page.content()
    # The province (one answer) shows no figure anywhere: only "fewer than k".
    expect(page.get_by_role("row", name="3. Provincie Utrecht")).to_have_text(
        f"3. Provincie Utrecht {fewer}"
    )
    shown: list[str] = page.evaluate(
        """(about) => [...document.querySelectorAll('table')].flatMap(table => {
            const heads = [...table.querySelectorAll('thead th')].map(th => th.textContent);
            const column = heads.findIndex(text => text.startsWith(about));
            if (column < 0) return [];
            return [...table.querySelectorAll('tbody tr')].map(
                row => row.children[column].textContent.trim());
        })""",
        about,
    )
    assert shown and all(cell == fewer for cell in shown), shown
    assert not has_horizontal_scroll(page)
    axe_scan(page, name)
    screenshot(page, name)


def test_the_coach_records_an_agreement_and_shares_the_round_with_partners(
    live_server: LiveServer, session: Session, open_page: OpenPage
) -> None:
    collaboration_id, _round_id = measured_round(session, live_server)
    coach = open_page(viewport=LAPTOP)
    sign_in(coach, live_server, "coach@example.org", DEFAULT_PASSWORD)
    coach.get_by_role("link", name="Circulaire bruggen").first.click()
    record_agreement(coach)
    url = make_link(coach, collaboration_id)

    check_share_page(open_page(viewport=PHONE_390), url, "share-page-phone", "nl")
    check_share_page(open_page(viewport=PROJECTOR), url, "share-page-projector", "en")

    coach.get_by_role("link", name="Intrekken").click()
    expect(coach.get_by_role("heading", level=1)).to_have_text("Link intrekken?")
    axe_scan(coach, "coach-share-revoke")
    coach.get_by_role("button", name="Link intrekken").click()
    expect(coach.get_by_role("status")).to_contain_text("De link is ingetrokken.")

    partner = open_page(viewport=PHONE_390)
    answer = partner.goto(url)
    assert answer is not None and answer.status == 410
    expect(partner.get_by_role("heading", level=1)).to_have_text("Deze link is ingetrokken")
    axe_scan(partner, "share-page-revoked")


def test_the_coachs_agreement_pages_fit_a_phone_in_both_languages(
    live_server: LiveServer, session: Session, open_page: OpenPage
) -> None:
    collaboration_id, round_id = measured_round(session, live_server)
    coach = open_page(viewport=PHONE_390)
    sign_in(coach, live_server, "coach@example.org", DEFAULT_PASSWORD)
    coach.get_by_role("link", name="Circulaire bruggen").first.click()
    record_agreement(coach)
    assert not has_horizontal_scroll(coach)
    base = f"{live_server.url}/coach/collaborations/{collaboration_id}"
    coach.get_by_role("button", name="English").click()
    for path, heading in (
        ("/agreements", "Agreements"),
        ("/agreements/new", "New agreement"),
        (f"/rounds/{round_id}/feedback", "Feedback session: Nulmeting"),
    ):
        coach.goto(base + path)
        expect(coach.get_by_role("heading", level=1)).to_have_text(heading)
        assert not has_horizontal_scroll(coach), path
        axe_scan(coach, f"coach-phone-en{path.replace('/', '-')}")
    screenshot(coach, "coach-feedback-phone-en")


def answer_trust_items_then_the_follow_up(page: Page, url: str, choice: str) -> None:
    """A partner in the checking round: every trust item "5", then "was it kept?"."""
    page.goto(url)
    page.get_by_role("link", name="Begin met de vragenlijst").click()
    while True:
        for radio in page.locator('input[type="radio"][value="5"]').all():
            radio.check()
        overview = page.get_by_role("button", name="Naar het overzicht")
        if overview.count():
            overview.click()
            break
        page.get_by_role("button", name="Volgende").click()
    # After the trust items: the follow-up question, on a short scale with "Weet ik niet".
    expect(page.get_by_role("heading", level=1)).to_have_text("Afspraken uit de vorige ronde")
    question = page.get_by_role("group", name="Afspraken nakomen")
    expect(question).to_contain_text("Aannemer BV")
    expect(question.get_by_role("radio")).to_have_count(6)
    question.get_by_label(choice).check()
    assert not has_horizontal_scroll(page)
    axe_scan(page, "survey-follow-up")
    page.get_by_role("button", name="Naar het overzicht").click()
    expect(page.get_by_text("1 van 1 afspraken beoordeeld.")).to_be_visible()
    page.get_by_role("button", name="Mijn antwoorden versturen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dank u wel")


def test_the_whole_loop_from_agreement_to_verdict_in_the_browser(
    live_server: LiveServer, session: Session, open_page: OpenPage
) -> None:
    settings = live_server.settings
    opened = make_open_collaboration(
        session, settings=settings, party_names=PARTIES[:2], participants_per_party=3
    )
    organisation_id, collaboration_id = opened.organisation_id, opened.collaboration.id or 0
    items = [item.id for item in smart_trust_v1().items]
    values = {opened.parties[0].id: 6, opened.parties[1].id: 3}
    for issued in opened.invitations:  # round 1: the municipality doubts the contractor less
        answers = [
            AnswerIn(target_party_id=target, item_id=item, value=values[issued.invitation.party_id])
            for target in issued.invitation.target_party_ids
            for item in items
        ]
        responses.submit_answers(session, token=issued.token or "", answers=answers, final=True)
    rounds.close_round(session, organisation_id=organisation_id, round_id=opened.round.id or 0)
    second = make_round(
        session,
        organisation_id=organisation_id,
        collaboration_id=collaboration_id,
        label="Tweede meting",
    )
    make_user(session, organisation_id=organisation_id, email="coach@example.org")

    # The coach records the agreement after round 1, to be checked in round 2.
    coach = open_page(viewport=LAPTOP)
    sign_in(coach, live_server, "coach@example.org", DEFAULT_PASSWORD)
    coach.goto(f"{live_server.url}/coach/collaborations/{collaboration_id}/agreements/new")
    coach.get_by_label("Titel").fill("Afspraken nakomen")
    coach.get_by_label("Gebied").select_option(label="Afspraken nakomen")
    coach.get_by_label("Aannemer BV").check()
    coach.get_by_label("Relatie met").select_option(label="Gemeente Utrecht")
    coach.get_by_label("Getoetst in").select_option(label="Tweede meting")
    coach.get_by_role("button", name="Afspraak vastleggen").click()
    expect(coach.get_by_role("status")).to_contain_text("De afspraak is vastgelegd.")

    # Round 2: two partners answer in the browser (one rates it 4, one does not know) ...
    issued = rounds.open_round(
        session, organisation_id=organisation_id, round_id=second.id or 0, settings=settings
    )
    tokens = [item.token or "" for item in issued]
    for token, choice in ((tokens[0], "4"), (tokens[1], "Weet ik niet")):
        partner = open_page(viewport=PHONE_390)
        answer_trust_items_then_the_follow_up(partner, f"{live_server.url}/s/{token}", choice)
        partner.context.close()
    # ... and the four others through the questionnaire's service, each rating it 5.
    [agreement_id] = {
        q.agreement_id
        for q in follow_up.questions_for(session, token=tokens[2], organisation_id=organisation_id)
    }
    for item in issued[2:]:
        token = item.token or ""
        follow_up.save_agreement_answers(
            session,
            token=token,
            organisation_id=organisation_id,
            answers=[AgreementAnswerIn(agreement_id=agreement_id, value=5)],
        )
        answers = [
            AnswerIn(target_party_id=target, item_id=each, value=5)
            for target in item.invitation.target_party_ids
            for each in items
        ]
        responses.submit_answers(session, token=token, answers=answers, final=True)
    rounds.close_round(session, organisation_id=organisation_id, round_id=second.id or 0)

    # The dashboard shows the verdict beside the area's score before and after.
    [view] = agreements_of_collaboration(
        session, organisation_id=organisation_id, collaboration_id=collaboration_id
    )
    before, after = view.outcome.before, view.outcome.after
    assert before and before.summary and after and after.summary
    assert before.summary.mean is not None and after.summary.mean is not None
    coach.goto(f"{live_server.url}/coach/collaborations/{collaboration_id}/dashboard")
    section = coach.locator("section", has=coach.locator("#agreements-heading"))
    expect(section.locator("h2")).to_have_text("Afspraken: zijn ze nagekomen?")
    row = section.get_by_role("row", name="Afspraken nakomen")
    expect(row).to_contain_text("4,8 (5 oordelen, 1 weet het niet)")
    expect(row.locator("td").nth(1)).to_contain_text(f"{before.summary.mean:.0f}Nulmeting")
    expect(row.locator("td").nth(2)).to_contain_text(f"{after.summary.mean:.0f}Tweede meting")
    axe_scan(coach, "coach-dashboard-agreements")
