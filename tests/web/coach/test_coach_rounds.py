"""Rounds over HTTP: create, open (invitations queued), remind, close, with every refusal."""

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlmodel import Session, select

from app.models import Invitation, OutboxJob, Round, RoundStatus
from app.services.setup import questionnaires
from tests.factories import make_collaboration, make_participant, make_party
from tests.web.coach.conftest import Browser


def rows(session: Session, model: Any) -> list[Any]:
    session.rollback()
    return list(session.exec(select(model)))


def _collaboration(session: Session, organisation_id: int, *, parties: int = 2) -> int:
    collaboration = make_collaboration(session, organisation_id=organisation_id)
    assert collaboration.id is not None
    for number in range(parties):
        party = make_party(
            session,
            organisation_id=organisation_id,
            collaboration_id=collaboration.id,
            name=f"Partij {number + 1}",
        )
        for person in range(2):
            make_participant(
                session,
                organisation_id=organisation_id,
                party_id=party.id or 0,
                name=f"Persoon {number}{person}",
                email=f"p{number}{person}@example.org",
            )
    return collaboration.id


def _round_form(session: Session, **values: str) -> dict[str, str]:
    questionnaire = questionnaires.default_questionnaire(session)
    return {
        "label": "Nulmeting",
        "phase": "preparation",
        "questionnaire_id": str(questionnaire.id),
        "opens_at": "",
        "closes_at": "2030-03-01T17:00",
        **values,
    }


def test_a_round_is_created_as_a_draft_with_dutch_times_in_utc(
    coach: Browser, session: Session
) -> None:
    collaboration_id = _collaboration(session, coach.user.organisation_id)
    form = coach.get(f"/coach/collaborations/{collaboration_id}/rounds/new")
    assert form.status_code == 200 and 'type="datetime-local"' in form.text
    answer = coach.post(
        f"/coach/collaborations/{collaboration_id}/rounds/new", _round_form(session)
    )
    assert answer.status_code == 303
    (round_,) = rows(session, Round)
    assert round_.status == RoundStatus.DRAFT
    assert round_.closes_at == datetime(2030, 3, 1, 16, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"label": ""}, "label", "Vul dit in."),
        (
            {"opens_at": "2030-03-02T09:00", "closes_at": "2030-03-01T09:00"},
            "closes_at",
            "De sluitingsdatum moet na de openingsdatum liggen.",
        ),
        ({"closes_at": "morgen"}, "closes_at", "Vul een datum en tijd in."),
        ({"questionnaire_id": "999999"}, "questionnaire_id", "Kies een van de vragenlijsten."),
        ({"phase": "later"}, "phase", "Kies een van de mogelijkheden."),
    ],
)
def test_a_round_with_bad_input_is_not_created(
    coach: Browser, session: Session, values: dict[str, str], field: str, message: str
) -> None:
    collaboration_id = _collaboration(session, coach.user.organisation_id)
    answer = coach.post(
        f"/coach/collaborations/{collaboration_id}/rounds/new", _round_form(session, **values)
    )
    assert answer.status_code == 422
    assert f'id="{field}-error">{message}' in answer.text
    assert rows(session, Round) == []


def _draft(coach: Browser, session: Session, parties: int = 2) -> tuple[int, int]:
    collaboration_id = _collaboration(session, coach.user.organisation_id, parties=parties)
    coach.post(f"/coach/collaborations/{collaboration_id}/rounds/new", _round_form(session))
    return collaboration_id, rows(session, Round)[0].id


def test_opening_a_round_invites_everyone_by_email(coach: Browser, session: Session) -> None:
    collaboration_id, round_id = _draft(coach, session)
    answer = coach.post(f"/coach/collaborations/{collaboration_id}/rounds/{round_id}/open")
    location = answer.headers["location"]
    assert answer.status_code == 303
    assert location.endswith(f"/rounds/{round_id}?notice=invitations_queued&count=4")
    assert len(rows(session, Invitation)) == 4
    jobs = rows(session, OutboxJob)
    assert sorted(job.payload["template"] for job in jobs) == ["invitation"] * 4
    page = coach.get(location)
    # How many were queued, not that they are on their way: the worker has yet to send them.
    assert "De ronde is open. 4 uitnodigingen staan klaar om verstuurd te worden." in page.text
    assert "onderweg" not in page.text


def test_a_round_with_one_party_cannot_be_opened(coach: Browser, session: Session) -> None:
    collaboration_id, round_id = _draft(coach, session, parties=1)
    answer = coach.post(f"/coach/collaborations/{collaboration_id}/rounds/{round_id}/open")
    assert answer.status_code == 409
    assert "Een ronde heeft minstens twee partijen nodig" in answer.text
    assert rows(session, Invitation) == [] and rows(session, Round)[0].status == RoundStatus.DRAFT


def test_reminders_go_out_while_open_and_not_after_closing(
    coach: Browser, session: Session
) -> None:
    collaboration_id, round_id = _draft(coach, session)
    base = f"/coach/collaborations/{collaboration_id}/rounds/{round_id}"
    coach.post(f"{base}/open")
    reminded = coach.post(f"{base}/remind")
    assert reminded.headers["location"].endswith("notice=reminders_queued&count=4")
    shown = coach.get(reminded.headers["location"]).text
    assert "4 herinneringen staan klaar om verstuurd te worden" in shown
    again = coach.post(f"{base}/remind")
    assert again.headers["location"].endswith("notice=no_reminders")
    assert coach.post(f"{base}/close").status_code == 303
    assert rows(session, Round)[0].status == RoundStatus.CLOSED
    late = coach.post(f"{base}/remind")
    assert late.status_code == 409
    assert "zolang de ronde open is" in late.text
    templates = sorted(job.payload["template"] for job in rows(session, OutboxJob))
    # Closing with nobody answered raises low-participation alerts: the coach gets an e-mail.
    assert templates == ["alerts"] + ["invitation"] * 4 + ["reminder"] * 4


def test_a_draft_round_cannot_be_closed(coach: Browser, session: Session) -> None:
    collaboration_id, round_id = _draft(coach, session)
    answer = coach.post(f"/coach/collaborations/{collaboration_id}/rounds/{round_id}/close")
    assert answer.status_code == 409
    assert "Deze ronde is nooit geopend" in answer.text


def test_a_round_of_another_collaboration_is_not_found(coach: Browser, session: Session) -> None:
    _, round_id = _draft(coach, session)
    other = _collaboration(session, coach.user.organisation_id)
    answer = coach.post(f"/coach/collaborations/{other}/rounds/{round_id}/open")
    assert answer.status_code == 404
    assert rows(session, Invitation) == []


def test_the_overview_counts_participation_without_naming_anyone(
    coach: Browser, session: Session
) -> None:
    collaboration_id, round_id = _draft(coach, session)
    coach.post(f"/coach/collaborations/{collaboration_id}/rounds/{round_id}/open")
    page = coach.get(f"/coach/collaborations/{collaboration_id}")
    assert "Alleen aantallen worden getoond" in page.text
    participant_headers = '<th scope="col">Naam</th><th scope="col">E-mailadres</th>'
    language_and_actions = '<th scope="col">Taal</th><th scope="col">Acties</th></tr>'
    assert page.text.count(participant_headers + language_and_actions) == 2
