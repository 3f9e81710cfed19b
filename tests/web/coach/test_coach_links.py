"""A round's personal links over HTTP: who is listed, the CSV, audit, roles, tenancy, states."""

import csv
import io
import re
from dataclasses import dataclass

from sqlmodel import Session, select

from app.config import Settings
from app.models import AuditEvent, Invitation, InvitationStatus, Participant
from app.services.privacy import erasure as privacy
from app.services.setup import rounds
from app.services.setup.invitation_tokens import survey_url
from tests.factories import (
    make_collaboration,
    make_open_collaboration,
    make_organisation,
    make_participant,
    make_party,
    make_round,
)
from tests.web.coach.conftest import Browser


@dataclass
class Setup:
    collaboration_id: int
    round_id: int
    tokens: dict[str, str]  # participant's name -> the token open_round issued

    @property
    def page(self) -> str:
        return f"/coach/collaborations/{self.collaboration_id}/rounds/{self.round_id}/links"


def _round(
    session: Session,
    settings: Settings,
    organisation_id: int,
    *,
    open_it: bool = True,
    party_names: tuple[str, str] = ("Gemeente", "Aannemer"),
) -> Setup:
    """Two parties, each with one person with an e-mail address and one without."""
    collaboration = make_collaboration(session, organisation_id=organisation_id)
    assert collaboration.id is not None
    for party_name in party_names:
        party = make_party(
            session,
            organisation_id=organisation_id,
            collaboration_id=collaboration.id,
            name=party_name,
        )
        for name, email in (
            (f"{party_name} Mail", f"{party.id}@example.org"),
            (f"{party_name} Hand", None),
        ):
            make_participant(
                session,
                organisation_id=organisation_id,
                party_id=party.id or 0,
                name=name,
                email=email,
            )
    round_ = make_round(session, organisation_id=organisation_id, collaboration_id=collaboration.id)
    assert round_.id is not None
    tokens: dict[str, str] = {}
    if open_it:
        issued = rounds.open_round(
            session, organisation_id=organisation_id, round_id=round_.id, settings=settings
        )
        names = {p.id: p.name for p in session.exec(select(Participant))}
        tokens = {names[i.invitation.participant_id] or "": i.token or "" for i in issued}
    return Setup(collaboration.id, round_.id, tokens)


def _events(session: Session, action: str) -> list[AuditEvent]:
    session.rollback()  # see what the app committed
    return list(session.exec(select(AuditEvent).where(AuditEvent.action == action)))


def test_a_coach_sees_the_personal_links_of_people_without_an_email_address(
    coach: Browser, session: Session, settings: Settings
) -> None:
    setup = _round(session, settings, coach.user.organisation_id)
    answer = coach.get(setup.page)
    assert answer.status_code == 200
    for name in ("Gemeente Hand", "Aannemer Hand"):
        assert survey_url(settings.base_url, setup.tokens[name]) in answer.text
    for name in ("Gemeente Mail", "Aannemer Mail"):
        assert setup.tokens[name] not in answer.text and name not in answer.text
    assert "Elke link is persoonlijk." in answer.text
    assert "Stuur links niet door" in answer.text
    assert "2 mensen met een e-mailadres krijgen hun link per e-mail" in answer.text
    assert '<label class="visually-hidden" for="link-1">Persoonlijke link van Gemeente Hand' in (
        answer.text
    )
    (event,) = _events(session, "links.viewed")
    assert (event.subject, event.user_id) == (f"round:{setup.round_id}", coach.user.id)


def test_everyone_in_the_round_can_be_listed_too(
    coach: Browser, session: Session, settings: Settings
) -> None:
    setup = _round(session, settings, coach.user.organisation_id)
    answer = coach.get(f"{setup.page}?show=all")
    assert answer.status_code == 200
    for token in setup.tokens.values():
        assert survey_url(settings.base_url, token) in answer.text
    assert "4 persoonlijke links" in answer.text


def test_the_copy_button_script_runs_under_the_pages_nonce(
    coach: Browser, session: Session, settings: Settings
) -> None:
    setup = _round(session, settings, coach.user.organisation_id)
    answer = coach.get(setup.page)
    nonce = re.search(r"'nonce-([^']+)'", answer.headers["content-security-policy"])
    assert nonce is not None
    assert re.search(
        rf'<script src="/static/js/copy-link\.js\?v=\w+" nonce="{nonce.group(1)}"', answer.text
    )
    # Without the script the button stays hidden and the link is a plain, selectable field.
    assert 'data-copy="link-1" hidden>' in answer.text
    assert coach.get("/static/js/copy-link.js").status_code == 200


def test_the_links_download_as_csv_for_a_mail_merge_and_each_download_is_audited(
    coach: Browser, session: Session, settings: Settings
) -> None:
    setup = _round(
        session, settings, coach.user.organisation_id, party_names=("=Gemeente", "Aannemer")
    )
    answer = coach.get(f"{setup.page}.csv")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert 'filename="trustmeter-personal-links-round-' in answer.headers["content-disposition"]
    assert answer.content.startswith("\ufeff".encode())
    table = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert table == [
        ["name", "party", "link"],
        [
            "'=Gemeente Hand",
            "'=Gemeente",
            survey_url(settings.base_url, setup.tokens["=Gemeente Hand"]),
        ],
        ["Aannemer Hand", "Aannemer", survey_url(settings.base_url, setup.tokens["Aannemer Hand"])],
    ]
    everyone = coach.get(f"{setup.page}.csv?show=all")
    assert len(list(csv.reader(io.StringIO(everyone.text)))) == 5
    subjects = sorted(e.subject for e in _events(session, "links.downloaded"))
    assert subjects == [
        f"round:{setup.round_id} rows:all",
        f"round:{setup.round_id} rows:without-email",
    ]


def test_erased_people_are_left_out_and_a_withdrawn_invitation_shows_no_link(
    coach: Browser, session: Session, settings: Settings
) -> None:
    setup = _round(session, settings, coach.user.organisation_id)
    people = {p.name: p for p in session.exec(select(Participant))}
    privacy.erase_participant(session, participant_id=people["Gemeente Hand"].id or 0)
    withdrawn = session.exec(
        select(Invitation).where(Invitation.participant_id == people["Aannemer Hand"].id)
    ).one()
    withdrawn.status = InvitationStatus.REVOKED
    session.add(withdrawn)
    session.commit()
    answer = coach.get(f"{setup.page}?show=all")
    assert setup.tokens["Gemeente Hand"] not in answer.text
    assert setup.tokens["Aannemer Hand"] not in answer.text
    assert "Aannemer Hand" in answer.text
    assert "Geen link: de uitnodiging is ingetrokken." in answer.text
    table = list(csv.reader(io.StringIO(coach.get(f"{setup.page}.csv").text)))
    assert table == [["\ufeffname", "party", "link"]]


def test_when_everyone_has_an_address_there_is_nothing_to_hand_out(
    coach: Browser, session: Session, settings: Settings
) -> None:
    world = make_open_collaboration(
        session, settings=settings, organisation_id=coach.user.organisation_id
    )
    page = f"/coach/collaborations/{world.collaboration.id}/rounds/{world.round.id}/links"
    answer = coach.get(page)
    assert answer.status_code == 200
    assert "Iedereen in deze ronde heeft een e-mailadres" in answer.text
    assert "CSV" not in answer.text
    assert _events(session, "links.viewed") == []


def test_a_draft_or_closed_round_shows_no_links_and_explains_why(
    coach: Browser, session: Session, settings: Settings
) -> None:
    draft = _round(session, settings, coach.user.organisation_id, open_it=False)
    answer = coach.get(draft.page)
    assert answer.status_code == 200
    assert "De persoonlijke links worden gemaakt als u de ronde opent." in answer.text
    closed = _round(session, settings, coach.user.organisation_id)
    rounds.close_round(
        session, organisation_id=coach.user.organisation_id, round_id=closed.round_id
    )
    answer = coach.get(closed.page)
    assert "Deze ronde is gesloten." in answer.text
    assert all(token not in answer.text for token in closed.tokens.values())
    assert coach.get(f"{closed.page}.csv").status_code == 409
    assert _events(session, "links.viewed") == _events(session, "links.downloaded") == []


def test_the_round_table_links_to_the_personal_links_of_an_open_round(
    coach: Browser, viewer: Browser, session: Session, settings: Settings
) -> None:
    setup = _round(session, settings, coach.user.organisation_id)
    overview = f"/coach/collaborations/{setup.collaboration_id}"
    assert f'href="{setup.page}"' in coach.get(overview).text
    assert f'href="{setup.page}"' not in viewer.get(overview).text


def test_a_viewer_may_not_see_the_links(
    viewer: Browser, session: Session, settings: Settings
) -> None:
    setup = _round(session, settings, viewer.user.organisation_id)
    for url in (setup.page, f"{setup.page}?show=all", f"{setup.page}.csv"):
        answer = viewer.get(url)
        assert answer.status_code == 403, url
        assert all(token not in answer.text for token in setup.tokens.values())
    assert _events(session, "links.viewed") == _events(session, "links.downloaded") == []


def test_another_organisations_round_does_not_exist_for_you(
    coach: Browser, session: Session, settings: Settings
) -> None:
    stranger = _round(session, settings, make_organisation(session, name="Ander"))
    own = _round(session, settings, coach.user.organisation_id)
    wrong_collaboration = (
        f"/coach/collaborations/{own.collaboration_id}/rounds/{stranger.round_id}/links"
    )
    mismatched = f"/coach/collaborations/{stranger.collaboration_id}/rounds/{own.round_id}/links"
    for url in (stranger.page, f"{stranger.page}.csv", wrong_collaboration, mismatched):
        assert coach.get(url).status_code == 404, url
    assert _events(session, "links.viewed") == []


def test_the_links_page_speaks_english(
    coach: Browser, session: Session, settings: Settings
) -> None:
    setup = _round(session, settings, coach.user.organisation_id)
    coach.post("/coach/language", {"language": "en", "next": "/coach"})
    answer = coach.get(setup.page)
    assert "<h1>Personal links for Nulmeting</h1>" in answer.text
    assert "Each link is personal." in answer.text
    assert "2 people with an e-mail address get their link by e-mail" in answer.text
