"""Trends served from the per-process memo are exactly the computed ones, and never stale."""

import json
import threading
from concurrent.futures import ThreadPoolExecutor

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.config import Settings
from app.models.collaboration import CollaborationUpdate
from app.models.response import AnswerIn
from app.scoring import smart_trust_v1
from app.services import collaborations, responses, result_documents, trends
from app.services.results_cache import Memo
from tests.factories import OpenCollaboration, make_api_key, make_open_collaboration


def _submit(session: Session, token: str, value: int) -> None:
    definition = smart_trust_v1()
    invitation = responses.load_invitation(session, token=token).invitation
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


def _respondents(body: dict) -> list[int | None]:
    return [party["rounds"][-1]["n"] for party in body["parties"]]


def test_trends_from_the_memo_equal_the_freshly_built_document(
    session: Session, settings: Settings, client: TestClient
) -> None:
    world, _ = _world(session, settings)
    headers = {
        "Authorization": f"Bearer {make_api_key(session, organisation_id=world.organisation_id)}"
    }
    path = f"/api/v1/collaborations/{world.collaboration.id}/trends"
    first, second = client.get(path, headers=headers), client.get(path, headers=headers)
    found = trends.collaboration_trends(
        session, organisation_id=world.organisation_id, collaboration_id=world.collaboration.id
    )
    built = result_documents.trends_document(session, found).model_dump(mode="json")
    assert first.status_code == 200 and first.headers["content-type"] == "application/json"
    assert first.content == second.content
    assert json.loads(first.content) == built


def test_a_new_submission_shows_in_the_next_trends(
    session: Session, settings: Settings, client: TestClient
) -> None:
    world, tokens = _world(session, settings)
    headers = {
        "Authorization": f"Bearer {make_api_key(session, organisation_id=world.organisation_id)}"
    }
    path = f"/api/v1/collaborations/{world.collaboration.id}/trends"
    assert _respondents(client.get(path, headers=headers).json()) == [3, 3]
    _submit(session, tokens[3], 2)
    assert _respondents(client.get(path, headers=headers).json()) == [4, 3]


def test_a_changed_threshold_shows_in_the_next_trends(
    session: Session, settings: Settings, client: TestClient
) -> None:
    world, _ = _world(session, settings)
    headers = {
        "Authorization": f"Bearer {make_api_key(session, organisation_id=world.organisation_id)}"
    }
    path = f"/api/v1/collaborations/{world.collaboration.id}/trends"
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
