"""A personal link is for its partner alone: saved answers need the resume code they hold."""

import re
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.config import Settings
from app.errors import NotFound
from app.models import InvitationStatus
from app.services.answering import invitation_state, resume, survey
from app.services.setup import participant_changes
from tests.factories import make_user
from tests.web.coach.conftest import browser_for
from tests.web.conftest import Partner, checked_value, form_token, rate_limit_hits, snapshot

CODE = re.compile(r'<code class="resume-code"[^>]*>([A-Z0-9-]+)</code>')


def _post(client: TestClient, url: str, data: dict[str, Any]) -> httpx.Response:
    return client.post(url, data=data, follow_redirects=False)


def _save_first_page(client: TestClient, partner: Partner) -> str:
    """The partner answers page 1 and reads their resume code off the next page."""
    csrf = form_token(client, partner)
    saved = _post(client, f"{partner.url}/page/1", {"csrf_token": csrf, "q-prop_1": "6"})
    assert (saved.status_code, saved.headers["location"]) == (303, f"{partner.url}/page/2")
    match = CODE.search(client.get(f"{partner.url}/page/2").text)
    assert match, "the partner's own browser shows the code"
    return match.group(1)


def _refused_everywhere(client: TestClient, partner: Partner) -> None:
    for path in ("", "/welcome", "/page/1", "/review"):
        answer = client.get(partner.url + path, follow_redirects=False)
        assert (answer.status_code, answer.headers["location"]) == (303, f"{partner.url}/resume")
    page = client.get(f"{partner.url}/resume")
    assert page.status_code == 200 and 'name="q-prop_1"' not in page.text
    csrf = _csrf_of(page.text)
    for path, data in (("/page/1", {"q-prop_1": "1"}), ("/submit", {})):
        answer = _post(client, partner.url + path, {"csrf_token": csrf, **data})
        assert (answer.status_code, answer.headers["location"]) == (303, f"{partner.url}/resume")


def _csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([0-9a-f]+)"', html)
    assert match, html
    return match.group(1)


def test_a_link_opened_in_another_browser_shows_and_changes_no_saved_answer(
    app: FastAPI, client: TestClient, session: Session, partner: Partner
) -> None:
    _save_first_page(client, partner)
    before = snapshot(session)
    with TestClient(app) as stranger:
        _refused_everywhere(stranger, partner)
    assert snapshot(session) == before
    assert checked_value(client.get(f"{partner.url}/page/1").text, "prop_1") == "6"


def test_a_signed_in_coach_opening_the_link_is_treated_like_anyone_else(
    app: FastAPI, client: TestClient, session: Session, partner: Partner
) -> None:
    _save_first_page(client, partner)
    before = snapshot(session)
    coach = make_user(
        session, organisation_id=partner.collaboration.organisation_id, email="coach@example.org"
    )
    with TestClient(app) as coach_client:
        assert browser_for(coach_client, coach).get("/coach").status_code == 200
        _refused_everywhere(coach_client, partner)
    assert snapshot(session) == before


def test_the_partner_continues_on_another_device_with_their_code(
    app: FastAPI, client: TestClient, partner: Partner
) -> None:
    code = _save_first_page(client, partner)
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", code)
    with TestClient(app) as phone:
        csrf = _csrf_of(phone.get(f"{partner.url}/resume").text)
        typed = " " + code.lower().replace("-", " ") + " "
        answer = _post(phone, f"{partner.url}/resume", {"csrf_token": csrf, "code": typed})
        assert (answer.status_code, answer.headers["location"]) == (303, partner.url)
        page = phone.get(f"{partner.url}/page/1")
        assert checked_value(page.text, "prop_1") == "6" and code in page.text


def test_after_a_new_link_the_partner_reaches_their_saved_answers_with_the_same_code(
    app: FastAPI, client: TestClient, session: Session, partner: Partner, settings: Settings
) -> None:
    code = _save_first_page(client, partner)
    new = participant_changes.reissue_link(
        session,
        organisation_id=partner.collaboration.organisation_id,
        invitation_id=partner.invitation(session).id or 0,
        settings=settings,
        send_email=False,
    )
    moved = Partner(new.token, partner.collaboration)
    assert client.get(partner.url, follow_redirects=False).status_code == 404
    with TestClient(app) as stranger:  # the new link alone still opens no saved answer
        _refused_everywhere(stranger, moved)

    csrf = _csrf_of(client.get(f"{moved.url}/resume").text)
    answer = _post(client, f"{moved.url}/resume", {"csrf_token": csrf, "code": code})
    assert (answer.status_code, answer.headers["location"]) == (303, moved.url)
    page = client.get(f"{moved.url}/page/1")
    assert checked_value(page.text, "prop_1") == "6" and code in page.text


def test_a_wrong_code_is_named_at_its_field_and_guessing_is_stopped(
    app: FastAPI, client: TestClient, session: Session, partner: Partner
) -> None:
    _save_first_page(client, partner)
    before = snapshot(session)
    with TestClient(app) as stranger:
        csrf = _csrf_of(stranger.get(f"{partner.url}/resume").text)
        empty = _post(stranger, f"{partner.url}/resume", {"csrf_token": csrf, "code": " "})
        assert empty.status_code == 422 and 'id="code-error"' in empty.text
        for _attempt in range(10):
            wrong = _post(stranger, f"{partner.url}/resume", {"csrf_token": csrf, "code": "AAAA"})
            assert wrong.status_code == 422
        assert "Dit is niet de hervatcode van deze link" in wrong.text
        assert 'aria-invalid="true"' in wrong.text
        stopped = _post(stranger, f"{partner.url}/resume", {"csrf_token": csrf, "code": "BBBB"})
        assert stopped.status_code == 429 and stopped.headers["Retry-After"]
        forged = _post(stranger, f"{partner.url}/resume", {"csrf_token": "0" * 64, "code": "C"})
        assert forged.status_code == 403
    assert rate_limit_hits(session) == 10
    assert snapshot(session) == before


def test_starting_again_throws_the_saved_answers_away_unseen(
    app: FastAPI, client: TestClient, session: Session, partner: Partner
) -> None:
    _save_first_page(client, partner)
    before = snapshot(session)
    with TestClient(app) as phone:
        csrf = _csrf_of(phone.get(f"{partner.url}/resume").text)
        unconfirmed = _post(phone, f"{partner.url}/restart", {"csrf_token": csrf})
        assert unconfirmed.status_code == 422 and 'id="confirm-error"' in unconfirmed.text
        assert snapshot(session) == before
        restarted = _post(phone, f"{partner.url}/restart", {"csrf_token": csrf, "confirm": "yes"})
        assert restarted.headers["location"] == f"{partner.url}/welcome"
        assert snapshot(session)["responses"] == []
        assert partner.invitation(session).status == InvitationStatus.PENDING
        assert checked_value(phone.get(f"{partner.url}/page/1").text, "prop_1") is None
    # The first browser's code belongs to the answers that are gone: it is locked out now.
    answer = client.get(f"{partner.url}/page/1", follow_redirects=False)
    assert answer.headers["location"] == f"{partner.url}/resume"


def test_own_zones_are_shown_only_on_the_device_that_answered(
    app: FastAPI, client: TestClient, session: Session, partner: Partner
) -> None:
    collaboration = partner.collaboration.collaboration
    collaboration.show_own_position = True
    session.add(collaboration)
    session.commit()
    _save_first_page(client, partner)
    csrf = form_token(client, partner)
    assert _post(client, f"{partner.url}/submit", {"csrf_token": csrf}).status_code == 303
    assert "<h2>Uw eigen positie</h2>" in client.get(f"{partner.url}/thanks").text
    with TestClient(app) as stranger:
        thanks = stranger.get(f"{partner.url}/thanks")
        assert thanks.status_code == 200 and "Dank u wel" in thanks.text
        assert 'class="position-list"' not in thanks.text
        assert "<h2>Uw eigen positie</h2>" not in thanks.text
        assert "alleen getoond op het apparaat" in thanks.text


def test_the_review_page_refuses_a_submission_with_nothing_answered(
    client: TestClient, session: Session, partner: Partner
) -> None:
    review = client.get(f"{partner.url}/review")
    assert review.status_code == 200 and "Mijn antwoorden versturen" not in review.text
    before = snapshot(session)
    csrf = form_token(client, partner)
    refused = _post(client, f"{partner.url}/submit", {"csrf_token": csrf})
    assert refused.status_code == 422 and 'role="alert"' in refused.text
    assert "Beantwoord minstens één vraag" in refused.text
    assert snapshot(session) == before
    assert partner.invitation(session).status == InvitationStatus.PENDING


def test_a_save_already_on_its_way_when_a_new_link_is_issued_is_not_written(
    client: TestClient, session: Session, partner: Partner, settings: Settings
) -> None:
    """The request read its invitation through the old link; the coach issued a new one before
    the save took the write lock: the old link must not write, however close the timing."""
    code = _save_first_page(client, partner)
    with Session(session.get_bind(), expire_on_commit=False) as request:  # the partner's own
        on_its_way = invitation_state.load_invitation(request, token=partner.token)
        request.commit()  # its read ends; the coach's change comes in between
        participant_changes.reissue_link(
            session,
            organisation_id=partner.collaboration.organisation_id,
            invitation_id=on_its_way.invitation.id or 0,
            settings=settings,
            send_email=False,
        )
        before = snapshot(session)
        with pytest.raises(NotFound):
            survey.save_page(
                request,
                context=on_its_way,
                number=1,
                fields=[("q-prop_1", "2")],
                resume_code=resume.normalise(code),
            )
    assert snapshot(session) == before
