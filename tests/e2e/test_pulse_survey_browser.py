"""The pulse form in real headless Chromium on a 390-pixel phone: no construct names, axe clean."""

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select

from app.config import Settings
from app.models import Comment, InvitationStatus, PageTiming
from app.services.answering import invitation_state
from app.services.answering.survey import page_items, page_plan
from tests.e2e.conftest import LiveServer, OpenPage, axe_scan, has_horizontal_scroll, screenshot
from tests.support.forms_world import FormsWorld, make_forms_world

pytestmark = pytest.mark.browser

PHONE_390 = {"width": 390, "height": 844}


@pytest.fixture
def pulse(session: Session, settings: Settings) -> FormsWorld:
    return make_forms_world(
        session, settings=settings, people=1, key="smart-trust-pulse", version=1
    )


def test_a_site_manager_answers_the_pulse_about_the_client_on_a_phone(
    live_server: LiveServer, open_page: OpenPage, session: Session, pulse: FormsWorld
) -> None:
    token = pulse.tokens[pulse.contractor.id][0]  # type: ignore[index]
    url = f"{live_server.url}/s/{token}"
    context = invitation_state.load_invitation(session, token=token)
    plan = page_plan(context)
    construct_names = {scale.title.nl for scale in pulse.definition.scales}

    phone = open_page(viewport=PHONE_390, locale="nl-NL")
    phone.goto(url)
    expect(phone.get_by_text("U antwoordt namens")).to_be_visible()
    expect(phone.locator(".facts")).to_contain_text("Aannemer BV")
    expect(phone.locator(".facts")).to_contain_text("Ongeveer 3 minuten")  # 20 at 8 s
    axe_scan(phone, "pulse-welcome-nl")
    phone.get_by_role("link", name="Begin met de vragenlijst").click()

    for ref in plan:
        expect(phone.get_by_text(f"Pagina {ref.number} van {len(plan)}")).to_be_visible()
        main = phone.locator("main").inner_text()
        assert not [name for name in construct_names if name in main], main
        assert not has_horizontal_scroll(phone)
        expect(phone.get_by_role("heading", level=1)).to_contain_text("Gemeente Utrecht")
        for item in page_items(context, ref):
            phone.locator(f"#q-{item.id}-5").check()
        if ref.number == 1:
            axe_scan(phone, "pulse-question-nl")
            screenshot(phone, "survey-pulse-question-nl-phone")
        if ref.comment:  # the comment closes the last page about the party
            expect(phone.get_by_text("nooit met uw naam getoond")).to_be_visible()
            phone.get_by_label(
                "Wat zou het vertrouwen tussen uw organisatie en Gemeente Utrecht helpen?"
            ).fill("Sneller besluiten over meerwerk.\nEn de planning eerder delen.")
            axe_scan(phone, "pulse-comment-nl")
            screenshot(phone, "survey-pulse-comment-nl-phone")
        last = ref.number == len(plan)
        phone.get_by_role("button", name="Naar het overzicht" if last else "Volgende").click()

    expect(phone.get_by_role("heading", level=1)).to_have_text("Controleren en versturen")
    main = phone.locator("main").inner_text()
    assert not [name for name in construct_names if name in main], main
    axe_scan(phone, "pulse-review-nl")
    phone.get_by_role("button", name="Mijn antwoorden versturen").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Dank u wel")

    session.rollback()
    session.expire_all()
    context = invitation_state.load_invitation(session, token=token)
    assert context.invitation.status == InvitationStatus.SUBMITTED
    (comment,) = session.exec(select(Comment)).all()
    assert comment.text == "Sneller besluiten over meerwerk.\nEn de planning eerder delen."
    timings = session.exec(select(PageTiming)).all()
    assert sorted(t.page for t in timings) == [ref.number for ref in plan]
    assert sum(t.items for t in timings) == 20


def test_a_too_long_comment_is_refused_at_its_field(
    live_server: LiveServer, open_page: OpenPage, session: Session, pulse: FormsWorld
) -> None:
    token = pulse.tokens[pulse.contractor.id][0]  # type: ignore[index]
    context = invitation_state.load_invitation(session, token=token)
    comment_page = page_plan(context)[-1]
    url = f"{live_server.url}/s/{token}/page/{comment_page.number}"
    phone = open_page(viewport=PHONE_390, locale="nl-NL")
    phone.goto(url)
    field = phone.locator("#comment")
    field.evaluate("area => { area.removeAttribute('maxlength'); }")  # an old browser
    field.fill("x" * 2001)
    phone.get_by_role("button", name="Naar het overzicht").click()
    expect(phone.locator("#error-summary")).to_be_focused()
    expect(phone.locator("#comment-error")).to_contain_text("te lang")
    expect(field).to_have_attribute("aria-invalid", "true")
    axe_scan(phone, "pulse-comment-error-nl")
    session.rollback()
    assert session.exec(select(Comment)).all() == []
