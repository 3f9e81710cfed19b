"""Leaving the last statement page: to the follow-up question about agreements in the round that
checks them, else to the review; pages before the last lead on to the next page either way."""

import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.config import Settings
from app.models import AgreementCheck
from app.services.answering import invitation_state, survey
from tests.factories import make_checking_round, make_open_collaboration

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _checking_round_token(session: Session, settings: Settings) -> str:
    """A contractor's link in the second round, which checks an agreement about its client."""
    world = make_open_collaboration(session, settings=settings, participants_per_party=1)
    checking = make_checking_round(session, world=world, settings=settings)
    contractor = world.parties[1].id
    return next(item.token for item in checking.issued if item.invitation.party_id == contractor)


def _save(client: TestClient, url: str, number: int, item_id: str) -> str:
    token = CSRF.search(client.get(f"{url}/page/{number}").text)
    assert token
    data = {"csrf_token": token.group(1), "action": "next", f"q-{item_id}": "4"}
    answer = client.post(f"{url}/page/{number}", data=data, follow_redirects=False)
    assert answer.status_code == 303
    return str(answer.headers["location"])


def test_the_last_page_leads_to_the_follow_up_question_in_the_checking_round(
    client: TestClient, session: Session, settings: Settings
):
    token = _checking_round_token(session, settings)
    url = f"/s/{token}"
    plan = survey.page_plan(invitation_state.load_invitation(session, token=token))
    assert _save(client, url, 1, plan[0].items[0].id) == f"{url}/page/2"
    assert _save(client, url, len(plan), plan[-1].items[0].id) == f"{url}/agreements"
    follow_up = client.get(f"{url}/agreements")
    assert follow_up.status_code == 200 and "Afspraken nakomen" in follow_up.text


def test_without_agreements_to_check_the_last_page_leads_to_the_review(
    client: TestClient, session: Session, settings: Settings
):
    world = make_open_collaboration(session, settings=settings, participants_per_party=1)
    token = world.tokens_of(world.parties[0])[0]
    url = f"/s/{token}"
    plan = survey.page_plan(invitation_state.load_invitation(session, token=token))
    assert _save(client, url, len(plan), plan[-1].items[0].id) == f"{url}/review"


def _follow_up_form(client: TestClient, url: str) -> tuple[str, int]:
    page = client.get(f"{url}/agreements")
    token = CSRF.search(page.text)
    field = re.search(r'name="a-(\d+)"', page.text)
    assert token and field
    return token.group(1), int(field.group(1))


@pytest.mark.parametrize("value", ["6", "0", "misschien", ""])
def test_an_answer_off_the_scale_is_refused_at_its_question_and_saves_nothing(
    client: TestClient, session: Session, settings: Settings, value: str
) -> None:
    url = f"/s/{_checking_round_token(session, settings)}"
    csrf_token, agreement_id = _follow_up_form(client, url)
    refused = client.post(
        f"{url}/agreements",
        data={"csrf_token": csrf_token, f"a-{agreement_id}": value, "action": "next"},
        follow_redirects=False,
    )
    assert refused.status_code == 422
    assert f'id="a-{agreement_id}-error"' in refused.text
    assert "Kies een van de antwoorden van 1 tot en met 5, of" in refused.text
    session.expire_all()
    assert session.exec(select(AgreementCheck)).all() == []


def test_weet_ik_niet_is_saved_as_dont_know_and_shown_again(
    client: TestClient, session: Session, settings: Settings
) -> None:
    url = f"/s/{_checking_round_token(session, settings)}"
    csrf_token, agreement_id = _follow_up_form(client, url)
    page = client.get(f"{url}/agreements").text
    assert "Weet ik niet" in page and "Helemaal" in page
    saved = client.post(
        f"{url}/agreements",
        data={"csrf_token": csrf_token, f"a-{agreement_id}": "dk", "action": "next"},
        follow_redirects=False,
    )
    assert saved.status_code == 303 and saved.headers["location"] == f"{url}/review"
    session.expire_all()
    [check] = session.exec(select(AgreementCheck)).all()
    assert (check.agreement_id, check.value) == (agreement_id, None)
    again = client.get(f"{url}/agreements").text
    assert f'id="a-{agreement_id}-dk" value="dk" checked' in again
    assert "1 van 1 afspraken beoordeeld." in client.get(f"{url}/review").text
