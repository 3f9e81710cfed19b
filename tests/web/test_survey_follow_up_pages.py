"""Leaving the last statement page: to the follow-up question about agreements in the round that
checks them, else to the review; pages before the last lead on to the next page either way."""

import re

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.config import Settings
from app.models.agreement import AgreementCreate
from app.services.agreements import agreements
from app.services.answering import invitation_state, survey
from app.services.setup import rounds
from tests.factories import make_open_collaboration, make_round

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _checking_round_token(session: Session, settings: Settings) -> str:
    """A contractor's link in the second round, which checks an agreement about its client."""
    world = make_open_collaboration(session, settings=settings, participants_per_party=1)
    organisation_id = world.organisation_id
    municipality, contractor = (p.id or 0 for p in world.parties)
    rounds.close_round(session, organisation_id=organisation_id, round_id=world.round.id or 0)
    second = make_round(
        session,
        organisation_id=organisation_id,
        collaboration_id=world.collaboration.id or 0,
        label="Tweede meting",
    )
    agreements.create_agreement(
        session,
        organisation_id=organisation_id,
        collaboration_id=world.collaboration.id or 0,
        data=AgreementCreate(
            title="Afspraken nakomen",
            committing_party_ids=[contractor],
            target_party_id=municipality,
            round_id=world.round.id or 0,
            check_round_id=second.id,
        ),
    )
    issued = rounds.open_round(
        session, organisation_id=organisation_id, round_id=second.id or 0, settings=settings
    )
    return next(item.token for item in issued if item.invitation.party_id == contractor)


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
