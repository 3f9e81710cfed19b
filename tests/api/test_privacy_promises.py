"""Anonymity promises over the API: erasure reported, empty answers refused, no looser settings."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.models import Invitation, InvitationStatus, Response
from app.models.response import AnswerIn
from app.services.answering import responses
from app.services.privacy import erasure
from tests.api.conftest import Caller, World, fresh
from tests.factories import make_open_collaboration


def _invalid_names(answer: Any) -> set[str]:
    assert answer.headers["content-type"] == "application/problem+json", answer.text
    return {p["name"] for p in answer.json()["invalid_params"]}


def _one_answer(session: Session, token: str) -> None:
    """A saved (not submitted) answer: enough for the collaboration to hold answers."""
    context = responses.load_invitation(session, token=token)
    target = context.invitation.target_party_ids[0]
    item = context.definition.items[0].id
    answer = AnswerIn(target_party_id=target, item_id=item, value=5)
    responses.submit_answers(session, token=token, answers=[answer], final=False)


def test_the_api_reports_an_erased_participant_as_erased(
    api: TestClient, session: Session, caller: Caller, world: World
) -> None:
    party_id = world.open.parties[0].id
    listed = api.get(f"/parties/{party_id}/participants", headers=caller.headers).json()
    first = listed["items"][0]
    assert first["erased"] is False
    erasure.erase_participant(
        session, participant_id=first["id"], organisation_id=caller.organisation_id
    )
    listed = api.get(f"/parties/{party_id}/participants", headers=caller.headers).json()
    erased = next(p for p in listed["items"] if p["id"] == first["id"])
    assert erased["erased"] is True and erased["name"] is None


@pytest.mark.parametrize("body", [{}, {"final": True}, {"final": False}])
def test_answers_are_required_and_named(
    api: TestClient, session: Session, caller: Caller, world: World, body: dict[str, Any]
) -> None:
    token = world.ids()["token"]
    answer = api.post(f"/invitations/{token}/responses", headers=caller.headers, json=body)
    assert answer.status_code == 422
    assert _invalid_names(answer) == {"answers"}
    fresh(session)
    assert session.exec(select(Response)).all() == []
    statuses = {i.status for i in session.exec(select(Invitation))}
    assert statuses == {InvitationStatus.PENDING}


def test_a_final_submission_with_nothing_answered_is_refused(
    api: TestClient, session: Session, caller: Caller, world: World
) -> None:
    token = world.ids()["token"]
    path = f"/invitations/{token}/responses"
    for headers in (caller.headers, {**caller.headers, "Idempotency-Key": "empty-final-1"}):
        answer = api.post(path, headers=headers, json={"answers": [], "final": True})
        assert answer.status_code == 422, answer.text
        assert _invalid_names(answer) == {"answers"}
    fresh(session)
    assert session.exec(select(Response)).all() == []
    assert {i.status for i in session.exec(select(Invitation))} == {InvitationStatus.PENDING}


def test_what_was_saved_before_can_be_submitted_with_an_empty_list(
    api: TestClient, session: Session, caller: Caller, world: World
) -> None:
    token = str(world.ids()["token"])
    _one_answer(session, token)
    answer = api.post(
        f"/invitations/{token}/responses",
        headers=caller.headers,
        json={"answers": [], "final": True},
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "submitted"


def test_anonymity_may_become_looser_only_before_anyone_answers(
    api: TestClient, session: Session, caller: Caller, world: World
) -> None:
    path = f"/collaborations/{world.open.collaboration.id}"
    assert api.patch(path, headers=caller.headers, json={"anonymity_threshold": 5}).is_success
    assert api.patch(path, headers=caller.headers, json={"anonymity_threshold": 4}).is_success
    _one_answer(session, str(world.ids()["token"]))
    lowered = api.patch(path, headers=caller.headers, json={"anonymity_threshold": 3})
    assert lowered.status_code == 422 and _invalid_names(lowered) == {"anonymity_threshold"}
    named = api.patch(path, headers=caller.headers, json={"identified_mode": True, "name": "X"})
    assert named.status_code == 422 and _invalid_names(named) == {"identified_mode"}
    now = api.get(path, headers=caller.headers).json()
    assert (now["anonymity_threshold"], now["identified_mode"], now["name"]) == (
        4,
        False,
        world.open.collaboration.name,
    )
    stricter = api.patch(path, headers=caller.headers, json={"anonymity_threshold": 6})
    assert stricter.status_code == 200 and stricter.json()["anonymity_threshold"] == 6


def test_identified_mode_may_be_switched_off_after_answers(
    api: TestClient, session: Session, settings: Any, caller: Caller
) -> None:
    opened = make_open_collaboration(
        session, settings=settings, organisation_id=caller.organisation_id, identified_mode=True
    )
    _one_answer(session, opened.tokens_of(opened.parties[0])[0])
    path = f"/collaborations/{opened.collaboration.id}"
    answer = api.patch(path, headers=caller.headers, json={"identified_mode": False})
    assert answer.status_code == 200 and answer.json()["identified_mode"] is False
    again = api.patch(path, headers=caller.headers, json={"identified_mode": True})
    assert again.status_code == 422 and _invalid_names(again) == {"identified_mode"}
