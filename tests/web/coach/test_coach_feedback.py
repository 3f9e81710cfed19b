"""A round's feedback session on the coach's pages: share links (shown once, listed, revoked
with confirmation), the coach's notes (never on the share page), and tenant isolation."""

import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.config import Settings
from app.models import RoundNote, Share
from tests.api.conftest import fresh
from tests.factories import (
    OpenCollaboration,
    make_open_collaboration,
    make_organisation,
    make_round,
    make_user,
)
from tests.web.coach.conftest import Browser, browser_for

LINK = re.compile(r'id="created-url" type="text" readonly value="([^"]+)"')


@pytest.fixture
def opened(session: Session, settings: Settings, organisation_id: int) -> OpenCollaboration:
    return make_open_collaboration(session, settings=settings, organisation_id=organisation_id)


def base(opened: OpenCollaboration) -> str:
    return f"/coach/collaborations/{opened.collaboration.id}/rounds/{opened.round.id}/feedback"


def shares(session: Session) -> list[Share]:
    fresh(session)
    return list(session.exec(select(Share)))


def make_link(coach: Browser, opened: OpenCollaboration, **data: object) -> str:
    made = coach.post(f"{base(opened)}/shares", {"sections": ["matrix", "mirror"], **data})
    assert made.status_code == 200, made.text
    found = LINK.search(made.text)
    assert found, made.text
    return found.group(1)


def test_the_link_is_shown_once_then_only_that_it_exists(
    coach: Browser, opened: OpenCollaboration, session: Session
) -> None:
    page = coach.get(base(opened))
    assert page.status_code == 200
    assert "Nog geen links voor deze ronde." in page.text
    url = make_link(coach, opened)
    token = url.rsplit("/", 1)[1]
    [share] = shares(session)
    assert share.sections == ["matrix", "mirror"]
    assert token not in share.token_hash
    again = coach.get(base(opened))
    assert token not in again.text
    assert "Actief" in again.text and "Intrekken" in again.text
    assert f"{base(opened)}/shares/{share.id}/revoke" in again.text
    assert coach.client.get(f"/r/{token}").status_code == 200


def test_revoking_asks_first_then_the_link_says_it_was_withdrawn(
    coach: Browser, opened: OpenCollaboration, session: Session
) -> None:
    token = make_link(coach, opened).rsplit("/", 1)[1]
    [share] = shares(session)
    revoke = f"{base(opened)}/shares/{share.id}/revoke"
    confirm = coach.get(revoke)
    assert confirm.status_code == 200 and "Link intrekken?" in confirm.text
    assert shares(session)[0].revoked_at is None
    done = coach.post(revoke)
    assert done.status_code == 303
    assert done.headers["location"] == f"{base(opened)}?notice=share_revoked"
    assert shares(session)[0].revoked_at is not None
    listed = coach.get(done.headers["location"])
    assert "De link is ingetrokken." in listed.text and "Ingetrokken" in listed.text
    assert coach.client.get(f"/r/{token}").status_code == 410


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"sections": []}, "sections", "Kies ten minste één onderdeel"),
        ({"sections": ["alerts"]}, "sections", "Kies ten minste één onderdeel"),
        ({"expires_at": "2001-01-01T10:00"}, "expires_at", "Kies een moment in de toekomst"),
        ({"expires_at": "morgen"}, "expires_at", "Vul een datum en tijd in."),
    ],
)
def test_bad_share_input_is_refused_next_to_the_field(
    coach: Browser,
    opened: OpenCollaboration,
    session: Session,
    data: dict[str, object],
    field: str,
    message: str,
) -> None:
    refused = coach.post(f"{base(opened)}/shares", {"sections": ["matrix"], **data})
    assert refused.status_code == 422
    assert f'id="{field}-error"' in refused.text and message in refused.text
    assert shares(session) == []


def test_a_draft_round_cannot_be_shared(
    coach: Browser, opened: OpenCollaboration, session: Session
) -> None:
    draft = make_round(
        session,
        organisation_id=opened.organisation_id,
        collaboration_id=opened.collaboration.id or 0,
        label="Later",
    )
    url = f"/coach/collaborations/{opened.collaboration.id}/rounds/{draft.id}/feedback"
    assert "Deze ronde is nooit geopend" in coach.get(url).text
    refused = coach.post(f"{url}/shares", {"sections": ["matrix"]})
    assert refused.status_code == 422 and "Deze ronde is nooit geopend" in refused.text
    assert shares(session) == []


def test_the_coachs_note_is_kept_and_never_on_the_share_page(
    coach: Browser, opened: OpenCollaboration, session: Session
) -> None:
    note = "Provincie wantrouwt de planning van Aannemer BV"
    saved = coach.post(f"{base(opened)}/note", {"note": note})
    assert saved.status_code == 303
    page = coach.get(saved.headers["location"])
    assert "Uw notitie is opgeslagen." in page.text and note in page.text
    sections = ["matrix", "mirror", "changes", "agreements"]
    token = make_link(coach, opened, sections=sections).rsplit("/", 1)[1]
    shared = coach.client.get(f"/r/{token}")
    assert shared.status_code == 200 and note not in shared.text
    assert coach.post(f"{base(opened)}/note", {"note": "  "}).status_code == 303
    fresh(session)
    assert session.exec(select(RoundNote)).all() == []


def test_a_note_that_is_too_long_is_refused_and_kept_in_the_form(
    coach: Browser, opened: OpenCollaboration, session: Session
) -> None:
    refused = coach.post(f"{base(opened)}/note", {"note": "x" * 20_001})
    assert refused.status_code == 422
    assert 'id="note-error"' in refused.text and "x" * 20_001 in refused.text
    fresh(session)
    assert session.exec(select(RoundNote)).all() == []


def test_a_viewer_cannot_open_the_feedback_session(
    viewer: Browser, opened: OpenCollaboration, session: Session
) -> None:
    assert viewer.get(base(opened)).status_code == 403
    assert viewer.post(f"{base(opened)}/shares", {"sections": ["matrix"]}).status_code == 403
    assert viewer.post(f"{base(opened)}/note", {"note": "x"}).status_code == 403
    assert shares(session) == []


def test_forms_without_the_csrf_token_change_nothing(
    coach: Browser, opened: OpenCollaboration, session: Session
) -> None:
    for path, data in (("shares", {"sections": "matrix"}), ("note", {"note": "x"})):
        refused = coach.client.post(f"{base(opened)}/{path}", data=data, follow_redirects=False)
        assert refused.status_code == 403
    assert shares(session) == []
    assert session.exec(select(RoundNote)).all() == []


def test_another_organisation_reaches_none_of_it(
    app,  # type: ignore[no-untyped-def]
    coach: Browser,
    opened: OpenCollaboration,
    session: Session,
    settings: Settings,
) -> None:
    make_link(coach, opened)
    coach.post(f"{base(opened)}/note", {"note": "Alleen voor mij"})
    [share] = shares(session)
    stranger_org = make_organisation(session, name="Ander bureau")
    theirs = make_open_collaboration(session, settings=settings, organisation_id=stranger_org)
    with TestClient(app) as client:
        user = make_user(session, organisation_id=stranger_org, email="other@example.org")
        stranger = browser_for(client, user)
        ours = base(opened)
        revoke = f"{ours}/shares/{share.id}/revoke"
        for url in (ours, revoke, f"{base(theirs)}/shares/{share.id}/revoke"):
            assert stranger.get(url).status_code == 404, url
        for url, data in (
            (f"{ours}/shares", {"sections": ["matrix"]}),
            (f"{ours}/note", {"note": "Gekaapt"}),
            (revoke, {}),
            (f"{base(theirs)}/shares/{share.id}/revoke", {}),
        ):
            assert stranger.post(url, data).status_code == 404, url
        # Our round under their collaboration's path is not found either.
        mixed = f"/coach/collaborations/{theirs.collaboration.id}/rounds/{opened.round.id}/feedback"
        assert stranger.get(mixed).status_code == 404
    assert [s.revoked_at for s in shares(session)] == [None]
    assert [n.body for n in session.exec(select(RoundNote))] == ["Alleen voor mij"]


def test_a_note_with_an_invisible_control_character_is_refused_and_kept_in_the_form(
    coach: Browser, opened: OpenCollaboration, session: Session
) -> None:
    refused = coach.post(f"{base(opened)}/note", {"note": "Eerste\nTweede\x1eregel"})
    assert refused.status_code == 422
    assert 'id="note-error"' in refused.text
    assert "Gebruik tekst zonder onzichtbare stuurtekens; regeleinden mogen wel." in refused.text
    fresh(session)
    assert session.exec(select(RoundNote)).all() == []
    kept = coach.post(f"{base(opened)}/note", {"note": "Eerste\nTweede regel"})
    assert kept.status_code == 303  # line breaks are fine
