"""Trends served from the per-process memo are exactly the computed ones, and never stale."""

import json
import threading
from concurrent.futures import ThreadPoolExecutor

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.config import Settings
from app.infra.results_cache import Memo
from app.models import Alert, AlertKind
from app.models.collaboration import CollaborationUpdate
from app.models.response import AnswerIn
from app.models.round import RoundCreate
from app.scoring import smart_trust_v1
from app.services.answering import invitation_state, responses
from app.services.results import dashboard, result_documents, story, trends
from app.services.setup import collaborations, questionnaires, rounds
from tests.factories import OpenCollaboration, make_api_key, make_open_collaboration


def _submit(session: Session, token: str, value: int) -> None:
    definition = smart_trust_v1()
    invitation = invitation_state.load_invitation(session, token=token).invitation
    answers = [
        AnswerIn(target_party_id=target, item_id=item.id, value=value)
        for target in invitation.target_party_ids
        for item in definition.items
    ]
    responses.submit_answers(session, token=token, answers=answers, final=True)


def _world(session: Session, settings: Settings) -> tuple[OpenCollaboration, list[str]]:
    world = make_open_collaboration(session, settings=settings, participants_per_party=4)
    tokens = [item.token for item in world.invitations if item.token]
    for token in tokens[:3] + tokens[4:7]:  # three of the four in each party
        _submit(session, token, 5)
    return world, tokens


def _two_rounds(session: Session, settings: Settings) -> OpenCollaboration:
    """Two measured rounds with varied answers, so there are changes of parties and pairs."""
    world = make_open_collaboration(session, settings=settings, participants_per_party=4)
    ids = {"organisation_id": world.organisation_id}
    for number, item in enumerate(world.invitations):
        _submit(session, item.token or "", 2 + number % 4)
    rounds.close_round(session, **ids, round_id=world.round.id)
    questionnaire = questionnaires.default_questionnaire(session)
    second = rounds.create_round(
        session,
        **ids,
        collaboration_id=world.collaboration.id,
        data=RoundCreate(label="Later", questionnaire_id=questionnaire.id),
    )
    issued = rounds.open_round(session, **ids, round_id=second.id, settings=settings)
    for number, item in enumerate(issued):
        _submit(session, item.token or "", 3 + number % 3)
    rounds.close_round(session, **ids, round_id=second.id)
    return world


def _respondents(body: dict) -> list[int | None]:
    return [party["rounds"][-1]["n"] for party in body["parties"]]


def test_trends_from_the_memo_equal_the_freshly_built_document(
    session: Session, settings: Settings, client: TestClient
) -> None:
    world = _two_rounds(session, settings)
    headers = {
        "Authorization": f"Bearer {make_api_key(session, organisation_id=world.organisation_id)}"
    }
    path = f"/api/v1/collaborations/{world.collaboration.id}/trends"
    first, second = client.get(path, headers=headers), client.get(path, headers=headers)
    assert first.status_code == 200 and first.headers["content-type"] == "application/json"
    assert first.content == second.content
    assert first.content == _fresh_document(session, world)


def test_trends_after_an_alert_changes_equal_the_freshly_built_document(
    session: Session, settings: Settings, client: TestClient
) -> None:
    world = _two_rounds(session, settings)
    headers = {
        "Authorization": f"Bearer {make_api_key(session, organisation_id=world.organisation_id)}"
    }
    path = f"/api/v1/collaborations/{world.collaboration.id}/trends"
    before = client.get(path, headers=headers).content
    assert world.collaboration.id is not None and world.round.id is not None
    alert = Alert(
        collaboration_id=world.collaboration.id,
        round_id=world.round.id,
        party_id=world.parties[0].id,
        kind=AlertKind.LOW_PARTICIPATION,
        measure="participation",
        detail={"parties": [], "note": '"parties":[]'},  # the splice marker, twice
    )
    session.add(alert)
    session.commit()
    after = client.get(path, headers=headers).content
    assert after != before and after == _fresh_document(session, world)
    assert alert.id in [a["id"] for a in json.loads(after)["alerts"]]


def _fresh_document(session: Session, world: OpenCollaboration) -> bytes:
    """The document built whole from models, every change computed again."""
    ids = {"organisation_id": world.organisation_id, "collaboration_id": world.collaboration.id}
    found = trends.collaboration_trends(session, **ids)
    changes = trends.every_change(session, **ids)
    assert any(c.target_party_id is not None for c in changes)  # pairs' changes too
    return result_documents.trends_document(session, found, changes).model_dump_json().encode()


def test_an_open_round_shows_in_the_trends_only_once_it_closes(
    session: Session, settings: Settings, client: TestClient
) -> None:
    world, tokens = _world(session, settings)
    headers = {
        "Authorization": f"Bearer {make_api_key(session, organisation_id=world.organisation_id)}"
    }
    path = f"/api/v1/collaborations/{world.collaboration.id}/trends"
    live = client.get(path, headers=headers).json()
    assert all(party["rounds"] == [] for party in live["parties"])
    _submit(session, tokens[3], 2)
    assert client.get(path, headers=headers).json() == live  # one submission: no change
    rounds.close_round(session, organisation_id=world.organisation_id, round_id=world.round.id)
    assert _respondents(client.get(path, headers=headers).json()) == [4, 3]


def test_a_changed_threshold_shows_in_the_next_trends(
    session: Session, settings: Settings, client: TestClient
) -> None:
    world, _ = _world(session, settings)
    headers = {
        "Authorization": f"Bearer {make_api_key(session, organisation_id=world.organisation_id)}"
    }
    path = f"/api/v1/collaborations/{world.collaboration.id}/trends"
    rounds.close_round(session, organisation_id=world.organisation_id, round_id=world.round.id)
    assert _respondents(client.get(path, headers=headers).json()) == [3, 3]
    collaborations.update_collaboration(
        session,
        organisation_id=world.organisation_id,
        collaboration_id=world.collaboration.id,
        data=CollaborationUpdate(anonymity_threshold=4),
    )
    assert _respondents(client.get(path, headers=headers).json()) == [None, None]


def test_memo_serves_a_value_only_under_its_own_stamp() -> None:
    memo = Memo(max_entries=2)
    memo.put("a", 1, "first")
    assert memo.get("a", 1) == "first"
    assert memo.get("a", 2) is None


def test_memo_forgets_the_least_recently_used_entry_beyond_its_limits() -> None:
    memo = Memo(max_entries=2, max_bytes=10)
    memo.put("a", 1, "A", size=4)
    memo.put("b", 1, "B", size=4)
    assert memo.get("a", 1) == "A"  # now b is the least recently used
    memo.put("c", 1, "C", size=4)
    assert (memo.get("a", 1), memo.get("b", 1), memo.get("c", 1)) == ("A", None, "C")
    memo.put("huge", 1, "H", size=11)
    assert memo.get("huge", 1) is None and memo.get("c", 1) == "C"


def test_memo_makes_a_value_once_for_simultaneous_callers() -> None:
    memo = Memo(max_entries=2)
    made = []
    started = threading.Event()

    def make() -> str:
        made.append(1)
        started.wait(timeout=5)
        return "value"

    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = [pool.submit(memo.get_or_make, "a", 1, make, size=len) for _ in range(4)]
        started.set()
        values = [future.result(timeout=10) for future in futures]
    assert values == ["value"] * 4 and len(made) == 1


def test_the_rounds_moves_and_the_dashboards_figures_follow_a_changed_threshold(
    session: Session, settings: Settings
) -> None:
    # Both are kept per process under the data's stamp: a tightened threshold must hide
    # in the next view what the previous view showed.
    world = _two_rounds(session, settings)
    ids = {"organisation_id": world.organisation_id, "collaboration_id": world.collaboration.id}
    shown = dashboard.build_dashboard(session, **ids)
    second = shown.rounds[-1].id
    assert story.round_moves(shown, second)
    assert any(not p.suppressed for p in shown.positions.values())
    collaborations.update_collaboration(
        session, **ids, data=CollaborationUpdate(anonymity_threshold=5)
    )
    hidden = dashboard.build_dashboard(session, **ids)
    assert story.round_moves(hidden, second) == {}
    assert all(p.suppressed for p in hidden.positions.values())
