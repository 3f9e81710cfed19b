"""A partner's questionnaire in real headless Chromium: phone, two visits, two languages, axe."""

import random
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session, col, select

from app.config import Settings
from app.models import Invitation, InvitationStatus, Response, Round, RoundStatus
from app.scoring import classify, score_response
from app.services.answering.invitation_state import load_invitation
from app.services.answering.survey import page_plan
from app.services.setup import questionnaires
from tests.e2e.conftest import (
    LAPTOP,
    NARROWEST,
    PHONE,
    LiveServer,
    OpenPage,
    axe_scan,
    has_horizontal_scroll,
    screenshot,
)
from tests.factories import OpenCollaboration, make_open_collaboration

pytestmark = pytest.mark.browser

PARTIES = ("Gemeente Utrecht", "Aannemer Van den Berg BV", "Ingenieursbureau Noord & Zn")
OPTIONS = ["1", "2", "3", "4", "5", "6", "7", "dk"]


@pytest.fixture
def collaboration(session: Session, settings: Settings) -> OpenCollaboration:
    return make_open_collaboration(
        session,
        settings=settings,
        party_names=PARTIES,
        participants_per_party=1,
        show_own_position=True,
    )


def survey_url(server: LiveServer, collaboration: OpenCollaboration) -> str:
    token = collaboration.tokens_of(collaboration.parties[0])[0]
    return f"{server.url}/s/{token}"


def planned_answers(session: Session, url: str) -> list[dict[str, str]]:
    """What the partner will choose on each page: mostly points, now and then "don't know"."""
    context = load_invitation(session, token=url.rsplit("/", 1)[1])
    chooser = random.Random(20260301)
    return [{item.id: chooser.choice(OPTIONS) for item in ref.items} for ref in page_plan(context)]


def answer_page(page: Page, choices: dict[str, str]) -> None:
    for item_id, value in choices.items():
        page.locator(f"#q-{item_id}-{value}").check()


def test_a_partner_answers_on_a_phone_in_two_visits_and_two_languages(
    live_server: LiveServer,
    open_page: OpenPage,
    session: Session,
    collaboration: OpenCollaboration,
):
    url = survey_url(live_server, collaboration)
    plan = planned_answers(session, url)
    halfway = len(plan) // 2

    phone = open_page(viewport=PHONE, locale="nl-NL")
    phone.goto(url)
    expect(phone.locator("html")).to_have_attribute("lang", "nl")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Circulaire bruggen")
    expect(phone.get_by_text("Ongeveer 10 minuten")).to_be_visible()
    axe_scan(phone, "welcome-nl")
    screenshot(phone, "survey-welcome-nl-phone")
    phone.get_by_role("link", name="Begin met de vragenlijst").click()

    for number, choices in enumerate(plan[:halfway], start=1):
        expect(phone.get_by_text(f"Pagina {number} van {len(plan)}")).to_be_visible()
        answer_page(phone, choices)
        if number == 1:
            axe_scan(phone, "question-page-nl")
            screenshot(phone, "survey-question-nl-phone")
        phone.get_by_role("button", name="Volgende").click()
    code = phone.locator("code.resume-code").inner_text()  # the partner notes it down
    phone.context.close()  # the partner puts the phone away

    laptop = open_page(viewport=PHONE, locale="nl-NL")  # a new device: no cookies, same link
    laptop.goto(url)
    expect(laptop).to_have_url(f"{url}/resume")  # the link alone shows no saved answer
    expect(laptop.get_by_role("heading", level=1)).to_have_text("Verder met uw hervatcode")
    axe_scan(laptop, "resume-nl")
    screenshot(laptop, "survey-resume-nl-phone")
    assert not has_horizontal_scroll(laptop)
    laptop.get_by_label("Hervatcode").fill("wrong")
    laptop.get_by_role("button", name="Verder", exact=True).click()
    expect(laptop.locator("#code-error")).to_contain_text("niet de hervatcode")
    axe_scan(laptop, "resume-wrong-code-nl")
    laptop.get_by_label("Hervatcode").fill(code.lower())
    laptop.get_by_role("button", name="Verder", exact=True).click()
    expect(laptop).to_have_url(f"{url}/page/{halfway + 1}?resumed=1")
    expect(laptop.get_by_role("status")).to_contain_text("Welkom terug")
    laptop.get_by_role("button", name="English").click()
    expect(laptop.locator("html")).to_have_attribute("lang", "en")

    for number, choices in enumerate(plan[halfway:], start=halfway + 1):
        expect(laptop.get_by_text(f"Page {number} of {len(plan)}")).to_be_visible()
        answer_page(laptop, choices)
        last = number == len(plan)
        laptop.get_by_role("button", name="To the overview" if last else "Next").click()

    expect(laptop.get_by_role("heading", level=1)).to_have_text("Check and submit")
    axe_scan(laptop, "review-en")
    screenshot(laptop, "survey-review-en-phone")
    laptop.get_by_role("button", name="Submit my answers").click()

    expect(laptop.get_by_role("heading", level=1)).to_have_text("Thank you")
    expect(laptop.get_by_text("Your own position")).to_be_visible()
    axe_scan(laptop, "thanks-en")
    screenshot(laptop, "survey-thanks-en-phone")

    assert_stored_as_answered(session, url, plan)


def assert_stored_as_answered(session: Session, url: str, plan: list[dict[str, str]]) -> None:
    """The database holds exactly the choices made, scored by the scoring rules."""
    session.rollback()
    session.expire_all()
    context = load_invitation(session, token=url.rsplit("/", 1)[1])
    assert context.invitation.status == InvitationStatus.SUBMITTED
    expected: dict[int, dict[str, int | None]] = {}
    for ref, choices in zip(page_plan(context), plan, strict=True):
        for item_id, value in choices.items():
            answer = None if value == "dk" else int(value)
            expected.setdefault(ref.target_party_id, {})[item_id] = answer
    rows = session.exec(
        select(Response).where(Response.invitation_id == context.invitation.id)
    ).all()
    definition = questionnaires.definition_by_id(session, context.round.questionnaire_id)
    assert {row.target_party_id: row.answers for row in rows} == expected
    for row in rows:
        scores = score_response(definition, expected[row.target_party_id])
        assert row.scores == scores.scales
        assert (row.propensity, row.analysis) == (scores.propensity, scores.analysis)
        zone = classify(scores.propensity, scores.analysis)
        assert row.zone == (zone.value if zone else None)
        assert row.submitted_at == context.invitation.submitted_at


def test_a_refused_answer_is_shown_at_its_question_and_read_out_first(
    live_server: LiveServer, open_page: OpenPage, session: Session, collaboration: OpenCollaboration
):
    url = survey_url(live_server, collaboration)
    page = open_page(viewport=PHONE)
    page.goto(f"{url}/page/2")  # analysis (statements 1-9), then integrity (10-12)
    page.locator("#q-integ_1-4").check()
    page.locator("#q-integ_2-5").check()
    page.locator("#q-integ_2-5").evaluate("input => { input.value = '9'; }")  # tampering
    page.get_by_role("button", name="Volgende").click()

    expect(page).to_have_url(f"{url}/page/2")
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(
        'Vraag 11: Kies een van de antwoorden van 1 tot en met 7, of "Weet ik niet".'
    )
    expect(page.locator("#q-integ_2")).to_have_attribute("aria-describedby", "q-integ_2-error")
    expect(page.locator("#q-integ_1-4")).to_be_checked()
    axe_scan(page, "question-page-error-nl")
    screenshot(page, "survey-question-error-nl-phone")
    session.rollback()
    assert session.exec(select(Response)).all() == []


def test_the_questionnaire_works_by_keyboard_alone(
    live_server: LiveServer, open_page: OpenPage, session: Session, collaboration: OpenCollaboration
):
    url = survey_url(live_server, collaboration)
    page = open_page(viewport=LAPTOP)
    page.goto(f"{url}/page/1")
    axe_scan(page, "question-page-laptop")
    screenshot(page, "survey-question-nl-laptop")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Direct naar de inhoud")).to_be_focused()
    page.locator("#q-prop_1-1").focus()
    page.keyboard.press("ArrowRight")  # moves through the scale, as radio groups do
    page.keyboard.press("ArrowRight")
    expect(page.locator("#q-prop_1-3")).to_be_checked()
    page.keyboard.press("Enter")  # implicit submission means "Next", not the language button
    expect(page).to_have_url(f"{url}/page/2")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    context = load_invitation(session, token=url.rsplit("/", 1)[1])
    saved = {
        row.target_party_id: row.answers
        for row in session.exec(
            select(Response).where(Response.invitation_id == context.invitation.id)
        )
    }
    assert saved == {context.invitation.target_party_ids[0]: {"prop_1": 3}}


def test_the_questionnaire_works_without_javascript_at_320_pixels(
    live_server: LiveServer, open_page: OpenPage, collaboration: OpenCollaboration
):
    url = survey_url(live_server, collaboration)
    page = open_page(viewport=NARROWEST, javascript=False)
    page.goto(url)
    assert not has_horizontal_scroll(page)
    page.get_by_role("link", name="Begin met de vragenlijst").click()
    page.locator("#q-prop_1-dk").check()
    assert not has_horizontal_scroll(page)
    screenshot(page, "survey-question-nl-320px-no-js")
    page.get_by_role("button", name="Volgende").click()
    expect(page.get_by_text("Pagina 2 van 8")).to_be_visible()
    page.get_by_role("button", name="Vorige").click()
    expect(page.locator("#q-prop_1-dk")).to_be_checked()


def test_error_pages_are_accessible(
    live_server: LiveServer, open_page: OpenPage, session: Session, collaboration: OpenCollaboration
):
    url = survey_url(live_server, collaboration)
    page = open_page(viewport=PHONE)
    answer = page.goto(f"{live_server.url}/s/this-link-does-not-exist")
    assert answer is not None and answer.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Deze link werkt niet")
    axe_scan(page, "link-not-found")
    screenshot(page, "survey-link-not-found-nl")

    round_ = session.get(Round, collaboration.round.id)
    assert round_ is not None
    round_.status = RoundStatus.CLOSED
    round_.closed_at = datetime(2026, 6, 30, 15, 30, tzinfo=UTC)
    session.add(round_)
    session.commit()
    answer = page.goto(url)
    assert answer is not None and answer.status == 410
    expect(page.get_by_role("heading", level=1)).to_have_text("Deze vragenlijst is gesloten")
    axe_scan(page, "round-closed")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("This questionnaire is closed")
    axe_scan(page, "round-closed-en")
    screenshot(page, "survey-closed-en")
    invitation = session.exec(
        select(Invitation).where(col(Invitation.id) == collaboration.invitations[0].invitation.id)
    ).one()
    session.refresh(invitation)
    assert invitation.language == "en"
