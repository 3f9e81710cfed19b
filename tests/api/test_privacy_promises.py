"""Anonymity promises over the API: erasure reported, empty answers refused, no looser settings."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.models import Invitation, InvitationStatus, OutboxJob, Response
from app.models.outbox import WebhookCreate
from app.models.response import AnswerIn
from app.services.answering import responses
from app.services.messaging import webhooks
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


def _submit_all(session: Session, token: str, value: int = 5) -> None:
    context = responses.load_invitation(session, token=token)
    answers = [
        AnswerIn(target_party_id=target, item_id=item.id, value=value)
        for target in context.invitation.target_party_ids
        for item in context.definition.items
    ]
    responses.submit_answers(session, token=token, answers=answers, final=True)


def test_an_open_rounds_figures_appear_nowhere_until_it_closes(
    api: TestClient, session: Session, caller: Caller, world: World
) -> None:
    for party in world.open.parties:
        for token in world.open.tokens_of(party):
            _submit_all(session, token)
    round_id, collaboration_id = world.open.round.id, world.open.collaboration.id
    for path in (f"/rounds/{round_id}/scores", f"/rounds/{round_id}/reliability"):
        refused = api.get(path, headers=caller.headers)
        assert refused.status_code == 409, refused.text
        assert refused.headers["content-type"] == "application/problem+json"
        assert "closes" in refused.json()["detail"]
    trends = api.get(f"/collaborations/{collaboration_id}/trends", headers=caller.headers).json()
    assert all(party["rounds"] == [] for party in trends["parties"])
    export = api.get(
        f"/collaborations/{collaboration_id}/export?format=csv", headers=caller.headers
    )
    assert export.status_code == 200 and len(export.text.strip().splitlines()) == 1  # header
    closed = api.post(f"/rounds/{round_id}/close", headers=caller.headers)
    assert closed.status_code == 200
    scores = api.get(f"/rounds/{round_id}/scores", headers=caller.headers)
    assert scores.status_code == 200 and scores.json()["parties"][0]["n"] == 3


def test_submission_webhooks_carry_no_figures(
    session: Session, settings: Any, caller: Caller, world: World
) -> None:
    webhooks.create_webhook(
        session,
        organisation_id=caller.organisation_id,
        data=WebhookCreate(url="https://hooks.example.org/all", events=["response.submitted"]),
        settings=settings,
    )
    _submit_all(session, world.open.tokens_of(world.open.parties[0])[0])
    fresh(session)
    jobs = [job.payload for job in session.exec(select(OutboxJob)) if job.webhook_id]
    submitted = [p for p in jobs if p["event"] == "response.submitted"]
    assert len(submitted) == 1 and set(submitted[0]["data"]) == {"round_id", "invitation_id"}


def test_two_parties_of_four_and_two_hide_only_the_small_one(
    api: TestClient, session: Session, settings: Any, caller: Caller
) -> None:
    opened = make_open_collaboration(
        session, settings=settings, organisation_id=caller.organisation_id, participants_per_party=4
    )
    big, small = opened.parties
    for token in opened.tokens_of(big):
        _submit_all(session, token, 6)
    for token in opened.tokens_of(small)[:2]:
        _submit_all(session, token, 3)
    round_id = opened.round.id
    assert api.post(f"/rounds/{round_id}/close", headers=caller.headers).status_code == 200
    parties = {
        p["party_id"]: p
        for p in api.get(f"/rounds/{round_id}/scores", headers=caller.headers).json()["parties"]
    }
    shown, hidden = parties[big.id], parties[small.id]
    assert (shown["suppressed"], shown["n"], shown["note"]) == (False, 4, None)
    assert shown["propensity"]["n"] == 4 and shown["zone"] == "smart_trust"
    assert (hidden["suppressed"], hidden["n"], hidden["suppressed_reason"]) == (
        True,
        None,
        "fewer_than_k",
    )
    assert hidden["note"].startswith("Fewer than k")


def test_an_empty_save_changes_nothing_on_either_write_path(
    api: TestClient, session: Session, caller: Caller, world: World
) -> None:
    token = world.ids()["token"]
    path = f"/invitations/{token}/responses"
    for headers in (caller.headers, {**caller.headers, "Idempotency-Key": "empty-save-1"}):
        saved = api.post(path, headers=headers, json={"answers": [], "final": False})
        assert saved.status_code == 200 and saved.json()["status"] == "pending"
    fresh(session)
    invitation = session.exec(
        select(Invitation).where(Invitation.id == saved.json()["invitation_id"])
    ).one()
    assert (invitation.status, invitation.last_saved_at) == (InvitationStatus.PENDING, None)


def test_a_share_of_an_open_round_shows_no_figures_until_it_closes(
    api: TestClient, client: TestClient, session: Session, caller: Caller, world: World
) -> None:
    for party in world.open.parties:
        for token in world.open.tokens_of(party):
            _submit_all(session, token, 6)
    round_id = world.open.round.id
    sections = {"sections": ["matrix", "mirror"]}
    made = api.post(f"/rounds/{round_id}/shares", headers=caller.headers, json=sections)
    assert made.status_code == 201, made.text
    live = client.get(f"/r/{made.json()['token']}?lang=en")
    assert live.status_code == 200 and "still open" in live.text
    assert "zone-badge--" not in live.text and "<table" not in live.text
    api.post(f"/rounds/{round_id}/close", headers=caller.headers)
    closed = client.get(f"/r/{made.json()['token']}?lang=en")
    assert "still open" not in closed.text and "zone-badge--smart-trust" in closed.text
