"""The coach's agreement pages: list by round, create and edit with errors next to the fields,
tenant isolation, and the links from the collaboration page and the dashboard."""

from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.config import Settings
from app.models import Agreement, AgreementCheck, AgreementStatus, Round
from app.services.setup import rounds
from tests.api.conftest import fresh
from tests.factories import make_open_collaboration, make_organisation, make_round, make_user
from tests.web.coach.conftest import Browser, browser_for


@dataclass
class Loop:
    collaboration_id: int
    parties: list[int]
    first: Round
    second: Round

    @property
    def base(self) -> str:
        return f"/coach/collaborations/{self.collaboration_id}/agreements"


def make_loop(session: Session, settings: Settings, organisation_id: int) -> Loop:
    opened = make_open_collaboration(session, settings=settings, organisation_id=organisation_id)
    second = make_round(
        session,
        organisation_id=organisation_id,
        collaboration_id=opened.collaboration.id or 0,
        label="Tweede meting",
    )
    return Loop(
        opened.collaboration.id or 0, [p.id or 0 for p in opened.parties], opened.round, second
    )


@pytest.fixture
def loop(session: Session, settings: Settings, organisation_id: int) -> Loop:
    return make_loop(session, settings, organisation_id)


def form(loop: Loop, **overrides: object) -> dict[str, object]:
    return {
        "title": "Afspraken nakomen",
        "description": "Wie iets toezegt, bevestigt het binnen een week.",
        "round_id": loop.first.id,
        "area": "commitments",
        "committing_party_ids": [loop.parties[1]],
        "target_party_id": loop.parties[0],
        "check_round_id": loop.second.id,
        "status": "open",
        **overrides,
    }


def stored(session: Session) -> list[Agreement]:
    fresh(session)
    return list(session.exec(select(Agreement)))


def test_the_empty_list_says_what_to_do(coach: Browser, loop: Loop) -> None:
    page = coach.get(loop.base)
    assert page.status_code == 200
    assert "Nog geen afspraken." in page.text
    assert f'href="{loop.base}/new"' in page.text


def test_a_coach_records_an_agreement_and_sees_it_under_its_round(
    coach: Browser, loop: Loop, session: Session
) -> None:
    new = coach.get(f"{loop.base}/new")
    assert new.status_code == 200 and "Partijen die zich verbinden" in new.text
    created = coach.post(f"{loop.base}/new", form(loop))
    assert created.status_code == 303, created.text
    assert created.headers["location"] == f"{loop.base}?notice=agreement_created"
    [agreement] = stored(session)
    assert agreement.committing_party_ids == [loop.parties[1]]
    assert agreement.check_round_id == loop.second.id
    listed = coach.get(created.headers["location"])
    assert "De afspraak is vastgelegd." in listed.text
    assert f"Gemaakt na {loop.first.label}" in listed.text
    assert "Afspraken nakomen" in listed.text and "Tweede meting" in listed.text
    assert "Aannemer BV → Gemeente Utrecht" in listed.text


def test_the_pages_speak_english_too(coach: Browser, loop: Loop, session: Session) -> None:
    assert coach.post("/coach/language", {"language": "en"}).status_code == 303
    assert coach.post(f"{loop.base}/new", form(loop)).status_code == 303
    listed = coach.get(loop.base)
    assert f"Made after {loop.first.label}" in listed.text and "Checked in" in listed.text
    assert "Committing parties" in coach.get(f"{loop.base}/new").text
    refused = coach.post(f"{loop.base}/new", form(loop, committing_party_ids=[]))
    assert "Choose at least one party of this collaboration" in refused.text


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": ""}, "title", "Vul dit in."),
        ({"committing_party_ids": []}, "committing_party_ids", "Kies ten minste één partij"),
        ({"committing_party_ids": ["999999"]}, "committing_party_ids", "Kies ten minste één"),
        ({"target_party_id": "zz"}, "target_party_id", "Kies een andere partij"),
        ({"area": "weather"}, "area", "Kies een van de gebieden"),
        ({"round_id": "999999"}, "round_id", "Kies een ronde van deze samenwerking"),
        ({"status": "forgotten"}, "status", "Kies een van de mogelijkheden."),
    ],
)
def test_bad_input_shows_the_form_again_with_the_message_next_to_the_field(
    coach: Browser,
    loop: Loop,
    session: Session,
    overrides: dict[str, object],
    field: str,
    message: str,
) -> None:
    refused = coach.post(f"{loop.base}/new", form(loop, **overrides))
    assert refused.status_code == 422
    assert f'id="{field}-error"' in refused.text
    assert message in refused.text
    assert 'value="Afspraken nakomen"' in refused.text or overrides.get("title") == ""
    assert stored(session) == []


def test_the_committing_party_cannot_be_the_other_side(
    coach: Browser, loop: Loop, session: Session
) -> None:
    refused = coach.post(f"{loop.base}/new", form(loop, target_party_id=loop.parties[1]))
    assert refused.status_code == 422
    assert "kan niet ook een partij zijn die zich verbindt" in refused.text
    assert stored(session) == []


def test_the_checking_round_must_come_later(coach: Browser, loop: Loop, session: Session) -> None:
    refused = coach.post(f"{loop.base}/new", form(loop, check_round_id=loop.first.id))
    assert refused.status_code == 422
    assert "moet na de ronde komen waarin de afspraak is gemaakt" in refused.text
    assert stored(session) == []


def test_a_coach_changes_the_status_and_the_other_fields(
    coach: Browser, loop: Loop, session: Session
) -> None:
    coach.post(f"{loop.base}/new", form(loop))
    [agreement] = stored(session)
    edit = coach.get(f"{loop.base}/{agreement.id}/edit")
    assert edit.status_code == 200 and "Afspraak bewerken" in edit.text
    saved = coach.post(
        f"{loop.base}/{agreement.id}/edit",
        form(loop, status="kept", title="Binnen een week bevestigen", check_round_id=""),
    )
    assert saved.status_code == 303
    [changed] = stored(session)
    assert changed.status == AgreementStatus.KEPT
    assert changed.title == "Binnen een week bevestigen"
    assert changed.check_round_id is None


def test_who_is_asked_stays_once_partners_answered(
    coach: Browser, loop: Loop, session: Session, settings: Settings
) -> None:
    coach.post(f"{loop.base}/new", form(loop))
    [agreement] = stored(session)
    issued = rounds.open_round(
        session,
        organisation_id=coach.user.organisation_id,
        round_id=loop.second.id or 0,
        settings=settings,
    )
    session.add(
        AgreementCheck(
            agreement_id=agreement.id or 0, invitation_id=issued[0].invitation.id or 0, value=4
        )
    )
    session.commit()
    refused = coach.post(
        f"{loop.base}/{agreement.id}/edit", form(loop, committing_party_ids=loop.parties)
    )
    assert refused.status_code == 422
    assert "hebben de vervolgvraag over deze afspraak al beantwoord" in refused.text
    assert stored(session)[0].committing_party_ids == [loop.parties[1]]


def test_a_viewer_sees_the_list_but_cannot_change_anything(
    viewer: Browser, loop: Loop, session: Session
) -> None:
    assert viewer.get(loop.base).status_code == 200
    assert "Nieuwe afspraak" not in viewer.get(loop.base).text
    assert viewer.get(f"{loop.base}/new").status_code == 403
    assert viewer.post(f"{loop.base}/new", form(loop)).status_code == 403
    assert stored(session) == []


def test_a_form_without_the_csrf_token_changes_nothing(
    coach: Browser, loop: Loop, session: Session
) -> None:
    refused = coach.client.post(f"{loop.base}/new", data=form(loop), follow_redirects=False)  # type: ignore[arg-type]
    assert refused.status_code == 403
    assert stored(session) == []


def test_another_organisation_sees_none_of_it(
    app, loop: Loop, coach: Browser, session: Session, settings: Settings
) -> None:  # type: ignore[no-untyped-def]
    coach.post(f"{loop.base}/new", form(loop))
    [agreement] = stored(session)
    stranger_org = make_organisation(session, name="Ander bureau")
    other = make_loop(session, settings, stranger_org)
    with TestClient(app) as client:
        user = make_user(session, organisation_id=stranger_org, email="other@example.org")
        stranger = browser_for(client, user)
        edit = f"{loop.base}/{agreement.id}/edit"
        for url in (loop.base, f"{loop.base}/new", edit):
            assert stranger.get(url).status_code == 404, url
        assert stranger.post(f"{loop.base}/new", form(loop)).status_code == 404
        assert stranger.post(edit, form(loop, title="Gekaapt")).status_code == 404
        # Their own collaboration's path with our agreement's id: still not found.
        assert stranger.get(f"{other.base}/{agreement.id}/edit").status_code == 404
        theirs = form(other, committing_party_ids=[loop.parties[1]])
        assert stranger.post(f"{other.base}/new", theirs).status_code == 422
    assert [a.title for a in stored(session)] == ["Afspraken nakomen"]


def test_the_collaboration_page_and_dashboard_lead_to_the_agreements(
    coach: Browser, loop: Loop, session: Session
) -> None:
    # The dashboard shows closed rounds only: figures of an open one would move per answer.
    rounds.close_round(
        session, organisation_id=coach.user.organisation_id, round_id=loop.first.id or 0
    )
    overview = coach.get(f"/coach/collaborations/{loop.collaboration_id}")
    assert f'href="{loop.base}"' in overview.text
    feedback = f"/coach/collaborations/{loop.collaboration_id}/rounds/{loop.first.id}/feedback"
    assert f'href="{feedback}"' in overview.text
    round_page = coach.get(f"/coach/collaborations/{loop.collaboration_id}/rounds/{loop.first.id}")
    assert f'href="{feedback}"' in round_page.text
    dashboard = coach.get(f"/coach/collaborations/{loop.collaboration_id}/dashboard")
    assert f'href="{loop.base}"' in dashboard.text
