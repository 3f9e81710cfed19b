"""Setting up a collaboration over HTTP: pages, validation, permissions, CSRF, tenancy."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.config import Settings
from app.models import Collaboration, Participant, Party, Round
from tests.factories import make_collaboration, make_open_collaboration, make_organisation
from tests.web.coach.conftest import Browser

VALID = {
    "name": "Circulaire bruggen",
    "description": "Gemeente en aannemers",
    "language": "nl",
    "anonymity_threshold": "3",
    "propensity_cutoff": "50",
    "analysis_cutoff": "50",
    "borderline_margin": "5",
    "reminder_days_before_close": "3",
}


def rows(session: Session, model: Any) -> list[Any]:
    session.rollback()  # see what the app committed
    return list(session.exec(select(model)))


def test_an_empty_account_explains_what_to_do_first(coach: Browser) -> None:
    page = coach.get("/coach")
    assert page.status_code == 200
    assert "Nog geen samenwerkingen" in page.text
    assert 'href="/coach/collaborations/new"' in page.text


def test_a_coach_creates_a_collaboration(coach: Browser, session: Session) -> None:
    answer = coach.post("/coach/collaborations/new", {**VALID, "show_own_position": "on"})
    created = rows(session, Collaboration)
    assert len(created) == 1 and created[0].show_own_position
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/coach/collaborations/{created[0].id}?notice=created"
    page = coach.get(answer.headers["location"])
    assert "De samenwerking is aangemaakt" in page.text
    assert "Volgende stap: voeg de partijen" in page.text


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "Vul dit in."),
        ("anonymity_threshold", "1", "Vul een getal in van minstens 2."),
        ("anonymity_threshold", "drie", "Vul een geheel getal in."),
        ("propensity_cutoff", "100", "Vul een getal in onder 100."),
        ("analysis_cutoff", "0", "Vul een getal in boven 0."),
        ("language", "fr", "Kies een van de mogelijkheden."),
    ],
)
def test_invalid_settings_are_named_next_to_the_field_and_nothing_is_created(
    coach: Browser, session: Session, field: str, value: str, message: str
) -> None:
    answer = coach.post("/coach/collaborations/new", {**VALID, field: value})
    assert answer.status_code == 422
    assert f'<p class="field-error" id="{field}-error">{message}</p>' in answer.text
    assert (
        f'aria-describedby="{field}-error"' in answer.text
        or f"{field}-hint {field}-error" in answer.text
    )
    assert rows(session, Collaboration) == []


@pytest.mark.parametrize(
    "data",
    [{}, {"csrf_token": "forged"}],
    ids=["missing token", "wrong token"],
)
def test_a_form_without_the_sessions_token_changes_nothing(
    client: TestClient, coach: Browser, session: Session, data: dict[str, str]
) -> None:
    answer = client.post(
        "/coach/collaborations/new", data={**VALID, **data}, follow_redirects=False
    )
    assert answer.status_code == 403
    assert rows(session, Collaboration) == []


def test_a_form_sent_from_another_site_changes_nothing(coach: Browser, session: Session) -> None:
    answer = coach.post(
        "/coach/collaborations/new", VALID, headers={"Origin": "https://evil.example"}
    )
    assert answer.status_code == 403
    assert rows(session, Collaboration) == []


def test_a_viewer_sees_but_cannot_change(
    viewer: Browser, session: Session, settings: Settings
) -> None:
    setup = make_open_collaboration(
        session, settings=settings, organisation_id=viewer.user.organisation_id
    )
    collaboration_id = setup.collaboration.id
    assert viewer.get(f"/coach/collaborations/{collaboration_id}").status_code == 200
    assert "Ronde sluiten" not in viewer.get(f"/coach/collaborations/{collaboration_id}").text
    for url in ("/coach/collaborations/new", f"/coach/collaborations/{collaboration_id}/edit"):
        assert viewer.get(url).status_code == 403
    attempts = {
        "/coach/collaborations/new": VALID,
        f"/coach/collaborations/{collaboration_id}/edit": VALID,
        f"/coach/collaborations/{collaboration_id}/parties": {"party_name": "Nieuw"},
        f"/coach/collaborations/{collaboration_id}/rounds/{setup.round.id}/close": {},
    }
    for url, data in attempts.items():
        assert viewer.post(url, data).status_code == 403, url
    assert len(rows(session, Collaboration)) == 1 and len(rows(session, Party)) == 2
    assert rows(session, Round)[0].status.value == "open"


def test_another_organisations_collaboration_does_not_exist_for_you(
    coach: Browser, session: Session, settings: Settings
) -> None:
    stranger = make_open_collaboration(
        session, settings=settings, organisation_id=make_organisation(session, name="Ander")
    )
    cid, rid = stranger.collaboration.id, stranger.round.id
    for url in (
        f"/coach/collaborations/{cid}",
        f"/coach/collaborations/{cid}/edit",
        f"/coach/collaborations/{cid}/dashboard",
        f"/coach/collaborations/{cid}/report",
        f"/coach/collaborations/{cid}/export",
        f"/coach/collaborations/{cid}/participants/import",
        f"/coach/collaborations/{cid}/rounds/new",
    ):
        assert coach.get(url).status_code == 404, url
    for url in (
        f"/coach/collaborations/{cid}/parties",
        f"/coach/collaborations/{cid}/rounds/{rid}/close",
        f"/coach/collaborations/{cid}/edit",
    ):
        assert coach.post(url, {"party_name": "X", **VALID}).status_code == 404, url
    assert "Circulaire bruggen" not in coach.get("/coach").text


def test_editing_settings_can_turn_automatic_reminders_off(
    coach: Browser, session: Session
) -> None:
    collaboration = make_collaboration(session, organisation_id=coach.user.organisation_id)
    answer = coach.post(
        f"/coach/collaborations/{collaboration.id}/edit",
        {**VALID, "name": "Nieuwe naam", "reminder_days_before_close": ""},
    )
    assert answer.status_code == 303
    session.refresh(collaboration)
    assert (collaboration.name, collaboration.reminder_days_before_close) == ("Nieuwe naam", None)


def test_editing_refuses_a_reminder_outside_the_range(coach: Browser, session: Session) -> None:
    collaboration = make_collaboration(session, organisation_id=coach.user.organisation_id)
    answer = coach.post(
        f"/coach/collaborations/{collaboration.id}/edit",
        {**VALID, "reminder_days_before_close": "90"},
    )
    assert answer.status_code == 422
    assert "Vul een geheel getal in van 0 tot 60" in answer.text
    session.refresh(collaboration)
    assert collaboration.reminder_days_before_close == 3


def test_parties_are_added_and_a_duplicate_name_is_explained(
    coach: Browser, session: Session
) -> None:
    collaboration = make_collaboration(session, organisation_id=coach.user.organisation_id)
    url = f"/coach/collaborations/{collaboration.id}/parties"
    assert coach.post(url, {"party_name": "Gemeente", "party_kind": "client"}).status_code == 303
    again = coach.post(url, {"party_name": "Gemeente", "party_kind": "client"})
    assert again.status_code == 422
    assert "Deze samenwerking heeft al een partij met deze naam." in again.text
    assert [p.name for p in rows(session, Party)] == ["Gemeente"]


def _with_parties(coach: Browser, session: Session) -> tuple[int, list[int]]:
    collaboration = make_collaboration(session, organisation_id=coach.user.organisation_id)
    for name in ("Gemeente Utrecht", "Aannemer BV"):
        coach.post(f"/coach/collaborations/{collaboration.id}/parties", {"party_name": name})
    return collaboration.id or 0, [p.id or 0 for p in rows(session, Party)]


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        (
            {"participant_name": "", "participant_email": ""},
            "name",
            "Vul een naam, een e-mailadres",
        ),
        ({"participant_email": "geen-adres"}, "email", "Vul een e-mailadres in"),
        ({"participant_party": ""}, "party", "Kies de partij"),
        ({"participant_party": "99999"}, "party", "Kies de partij"),
    ],
)
def test_a_participant_needs_a_party_and_a_name_or_address(
    coach: Browser, session: Session, values: dict[str, str], field: str, message: str
) -> None:
    collaboration_id, parties = _with_parties(coach, session)
    data = {"participant_party": str(parties[0]), "participant_name": "Anouk", **values}
    answer = coach.post(f"/coach/collaborations/{collaboration_id}/participants", data)
    assert answer.status_code == 422
    assert f'id="participant_{field}-error">{message}' in answer.text
    assert rows(session, Participant) == []


def test_an_address_can_be_in_a_collaboration_only_once(coach: Browser, session: Session) -> None:
    collaboration_id, parties = _with_parties(coach, session)
    url = f"/coach/collaborations/{collaboration_id}/participants"
    person = {"participant_name": "Anouk", "participant_email": "anouk@example.org"}
    assert coach.post(url, {**person, "participant_party": str(parties[0])}).status_code == 303
    twice = coach.post(url, {**person, "participant_party": str(parties[1])})
    assert twice.status_code == 422
    assert "Dit e-mailadres staat al in de samenwerking." in twice.text
    assert len(rows(session, Participant)) == 1


def test_a_pasted_list_adds_everyone(coach: Browser, session: Session) -> None:
    collaboration_id, _ = _with_parties(coach, session)
    pasted = (
        "naam;e-mail;partij\n"
        "Anouk;anouk@example.org;Gemeente Utrecht\n"
        "Bram;bram@example.org;aannemer bv\n"
    )
    answer = coach.post(
        f"/coach/collaborations/{collaboration_id}/participants/import", {"csv": pasted}
    )
    assert answer.status_code == 303
    assert sorted(p.email or "" for p in rows(session, Participant)) == [
        "anouk@example.org",
        "bram@example.org",
    ]


def test_an_uploaded_file_adds_everyone(coach: Browser, session: Session) -> None:
    collaboration_id, _ = _with_parties(coach, session)
    content = "Anouk,anouk@example.org,Gemeente Utrecht\r\nBram,,Aannemer BV\r\n".encode("cp1252")
    answer = coach.post(
        f"/coach/collaborations/{collaboration_id}/participants/import",
        {"csv": ""},
        files={"file": ("deelnemers.csv", content, "text/csv")},
    )
    assert answer.status_code == 303
    assert sorted(p.name or "" for p in rows(session, Participant)) == ["Anouk", "Bram"]


def test_a_list_with_a_bad_line_adds_nobody_and_names_the_lines(
    coach: Browser, session: Session
) -> None:
    collaboration_id, _ = _with_parties(coach, session)
    pasted = (
        "Anouk,anouk@example.org,Gemeente Utrecht\n"
        "Bram,bram@,Gemeente Utrecht\n"
        "Chantal,chantal@example.org,Provincie\n"
        "Daan,anouk@example.org,Aannemer BV\n"
    )
    answer = coach.post(
        f"/coach/collaborations/{collaboration_id}/participants/import", {"csv": pasted}
    )
    assert answer.status_code == 422
    for expected in (
        "regel 2: \u2018bram@\u2019 is geen e-mailadres",
        "regel 3: er is hier geen partij \u2018Provincie\u2019",
        "regel 4: anouk@example.org staat al in de samenwerking",
    ):
        assert expected in answer.text
    assert "Anouk,anouk@example.org" in answer.text  # the list is kept for correcting
    assert rows(session, Participant) == []


def test_an_empty_list_is_explained(coach: Browser, session: Session) -> None:
    collaboration_id, _ = _with_parties(coach, session)
    answer = coach.post(
        f"/coach/collaborations/{collaboration_id}/participants/import", {"csv": ""}
    )
    assert answer.status_code == 422
    assert "Plak een lijst, of kies een bestand" in answer.text
