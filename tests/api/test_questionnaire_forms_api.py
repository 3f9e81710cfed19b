"""The API of issue 17: definitions with kinds, comments and meta; targets; gaps; comments."""

import copy
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.api.v1.questionnaires import EXAMPLE_DEFINITION
from app.config import Settings
from app.models import Participant, Questionnaire
from app.services.setup import rounds
from tests.api.conftest import Caller, fresh
from tests.support.forms_world import FormsWorld, answer_all, make_forms_world


def _definition() -> dict[str, Any]:
    definition = copy.deepcopy(EXAMPLE_DEFINITION)
    definition["key"] = "with-forms"
    definition["scales"][0]["heading"] = {
        "nl": "Uw houding tegenover {party}",
        "en": "You and {party}",
    }
    definition["scales"].append(
        {"key": "meta", "role": "meta", "title": {"nl": "Verwacht", "en": "Expected"}}
    )
    definition["items"] += [
        {
            "id": "m1",
            "scale": "meta",
            "text": {
                "nl": "Ik denk dat {party} ons vertrouwt.",
                "en": "I think {party} trusts us.",
            },
        },
        {
            "id": "a3",
            "scale": "analysis",
            "target_kinds": ["contractor", "partner"],
            "text": {
                "nl": "Ik ken de referenties van {party}.",
                "en": "I know {party}'s references.",
            },
        },
    ]
    definition["comment_prompt"] = {
        "nl": "Wat helpt bij {party}?",
        "en": "What helps with {party}?",
    }
    return definition


def test_a_definition_with_kinds_headings_meta_and_a_comment_prompt_is_published(
    api: TestClient, caller: Caller
) -> None:
    created = api.post("/questionnaires", headers=caller.headers, json=_definition())
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["comment_prompt"] == _definition()["comment_prompt"]
    assert body["scales"][2]["role"] == "meta"
    assert body["scales"][0]["heading"]["en"] == "You and {party}"
    assert body["items"][-1]["target_kinds"] == ["contractor", "partner"]


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        (
            lambda d: d["items"][-1].update(target_kinds=["supplier"]),
            "items[5].target_kinds[0]",
            "client",
        ),
        (
            lambda d: d["items"][-1].update(target_kinds=[]),
            "items[5].target_kinds",
            "at least one kind",
        ),
        (
            lambda d: (
                d["scales"].append({**d["scales"][2], "key": "meta2"})
                or d["items"].append({**d["items"][4], "id": "m2", "scale": "meta2"})
            ),
            "scales",
            "at most one is allowed",
        ),
        (
            lambda d: d.update(comment_prompt={"nl": "Wat helpt?"}),
            "comment_prompt.en",
            "missing translation",
        ),
        (
            lambda d: d["scales"][0].update(heading={"nl": " ", "en": "x"}),
            "scales[0].heading.nl",
            "empty",
        ),
    ],
    ids=["unknown kind", "no kind", "two meta scales", "prompt untranslated", "blank heading"],
)
def test_bad_form_definitions_name_the_field_and_store_nothing(
    api: TestClient, caller: Caller, session: Session, change: Any, path: str, message: str
) -> None:
    definition = _definition()
    change(definition)
    response = api.post("/questionnaires", headers=caller.headers, json=definition)
    assert response.status_code == 422, response.text
    params = response.json()["invalid_params"]
    assert any(p["name"] == path and message in p["reason"] for p in params), params
    fresh(session)
    assert session.exec(select(Questionnaire).where(Questionnaire.key == "with-forms")).all() == []


@pytest.fixture
def forms(session: Session, settings: Settings, caller: Caller) -> FormsWorld:
    return make_forms_world(
        session, settings=settings, people=3, organisation_id=caller.organisation_id
    )


def test_targets_are_set_per_participant_and_per_party(
    api: TestClient, caller: Caller, session: Session, forms: FormsWorld
) -> None:
    participant = session.exec(
        select(Participant).where(Participant.party_id == forms.contractor.id)
    ).first()
    assert participant is not None
    response = api.put(
        f"/participants/{participant.id}/targets",
        headers=caller.headers,
        json={"target_party_ids": [forms.client.id]},
    )
    assert response.status_code == 200, response.text
    assert response.json()["target_party_ids"] == [forms.client.id]
    bulk = api.put(
        f"/parties/{forms.client.id}/targets",
        headers=caller.headers,
        json={"target_party_ids": None},
    )
    assert bulk.status_code == 200, bulk.text
    assert bulk.json()["updated"] == 3
    assert [p["target_party_ids"] for p in bulk.json()["items"]] == [None] * 3


def test_bad_targets_are_problem_details_naming_the_entry(
    api: TestClient, caller: Caller, forms: FormsWorld
) -> None:
    response = api.put(
        f"/parties/{forms.client.id}/targets",
        headers=caller.headers,
        json={"target_party_ids": [forms.client.id]},
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["invalid_params"] == [
        {"name": "target_party_ids.0", "reason": "a party does not rate itself"}
    ]
    wrong_type = api.put(
        f"/parties/{forms.client.id}/targets",
        headers=caller.headers,
        json={"target_party_ids": ["1"]},
    )
    assert wrong_type.status_code == 422


def _answer_round(session: Session, forms: FormsWorld, *, client_people: int = 3) -> None:
    # The client's people trust the contractor at 50 (propensity) and think the contractor
    # trusts them at 100; the contractor's people trust the client at 100 and think 0.
    for token in forms.tokens[forms.client.id][:client_people]:  # type: ignore[index]
        answer_all(session, forms, token, value_of={"propensity": 4, "analysis": 7, "meta": 7})
    for token in forms.tokens[forms.contractor.id]:  # type: ignore[index]
        answer_all(session, forms, token, value_of={"propensity": 7, "analysis": 1, "meta": 1})
    # Figures exist only once the round is closed (an open round's would give answers away).
    rounds.close_round(session, organisation_id=forms.organisation_id, round_id=forms.round.id or 0)


def _pair(body: dict[str, Any], truster: int | None, target: int | None) -> dict[str, Any]:
    party = next(p for p in body["parties"] if p["party_id"] == truster)
    return next(t for t in party["targets"] if t["target_party_id"] == target)


def test_scores_show_the_perception_gap_per_target(
    api: TestClient, caller: Caller, session: Session, forms: FormsWorld
) -> None:
    _answer_round(session, forms)
    body = api.get(f"/rounds/{forms.round.id}/scores", headers=caller.headers).json()
    client_view = _pair(body, forms.client.id, forms.contractor.id)["perception"]
    assert client_view["expected"]["mean"] == pytest.approx(100)
    assert client_view["seen_propensity"]["mean"] == pytest.approx(100)
    assert client_view["gap"] == pytest.approx(0)
    contractor_view = _pair(body, forms.contractor.id, forms.client.id)["perception"]
    assert contractor_view["expected"]["mean"] == pytest.approx(0)
    assert contractor_view["seen_propensity"]["mean"] == pytest.approx(50)
    assert contractor_view["seen_analysis"]["mean"] == pytest.approx(100)
    assert contractor_view["gap"] == pytest.approx(-50)
    assert contractor_view["suppressed"] is False


def test_the_gap_is_withheld_when_the_other_side_is_below_k(
    api: TestClient, caller: Caller, session: Session, forms: FormsWorld
) -> None:
    _answer_round(session, forms, client_people=2)
    body = api.get(f"/rounds/{forms.round.id}/scores", headers=caller.headers).json()
    contractor_view = _pair(body, forms.contractor.id, forms.client.id)["perception"]
    assert contractor_view["suppressed"] is True
    assert (contractor_view["seen_propensity"], contractor_view["gap"]) == (None, None)
    assert "50" not in str(contractor_view)


def test_comments_endpoint_hides_small_groups_and_shows_large_ones(
    api: TestClient, caller: Caller, session: Session, settings: Settings
) -> None:
    from app.services.answering import comments, invitation_state

    forms = make_forms_world(
        session, settings=settings, people=5, organisation_id=caller.organisation_id
    )
    for number, token in enumerate(forms.tokens[forms.contractor.id]):  # type: ignore[index]
        context = invitation_state.load_invitation(session, token=token)
        comments.save_comment(
            session, context=context, target_party_id=forms.client.id, text=f"Idee {number}"
        )
        answer_all(session, forms, token, value_of={})
    assert api.post(f"/rounds/{forms.round.id}/close", headers=caller.headers).is_success
    body = api.get(f"/rounds/{forms.round.id}/comments", headers=caller.headers).json()
    assert body["threshold"] == 5
    groups = {(g["truster_party_id"], g["target_party_id"]): g for g in body["groups"]}
    shown = groups[(forms.contractor.id, forms.client.id)]
    assert (shown["shown"], shown["count"]) == (True, 5)
    assert shown["comments"] == [f"Idee {n}" for n in range(5)]
    hidden = groups[(forms.client.id, forms.contractor.id)]
    assert hidden == {
        "truster_party_id": forms.client.id,
        "target_party_id": forms.contractor.id,
        "shown": False,
        "count": None,
        "comments": [],
    }
    assert "Gemeente Utrecht 1" not in str(body)


def test_invitations_keep_the_kind_of_each_target(
    session: Session, settings: Settings, caller: Caller
) -> None:
    forms = make_forms_world(
        session, settings=settings, people=1, organisation_id=caller.organisation_id
    )
    assert forms.round.id is not None
    made = rounds.list_invitations(
        session, organisation_id=caller.organisation_id, round_id=forms.round.id
    )
    kinds = {i.party_id: i.target_kinds for i in made}
    assert kinds[forms.client.id] == {str(forms.contractor.id): "contractor"}


def test_the_share_pages_mirror_shows_the_gap_with_the_same_suppression(
    api: TestClient, client: TestClient, caller: Caller, session: Session, forms: FormsWorld
) -> None:
    _answer_round(session, forms, client_people=2)  # the client's side is below k
    made = api.post(
        f"/rounds/{forms.round.id}/shares", headers=caller.headers, json={"sections": ["mirror"]}
    )
    assert made.status_code == 201, made.text
    page = client.get(f"/r/{made.json()['token']}")
    assert page.status_code == 200
    section = page.text[page.text.index('id="expectations-heading"') :]
    assert ">-50<" not in section and ">+0<" not in section  # no gap beside a hidden group
    assert "Aannemer BV" in section
