"""Concurrent failing writes of every kind never leave a worker unable to write.

One worker, so a leaked write lock would stall every later write of the process.
"""

import threading
from collections.abc import Callable

import httpx
import pytest
from sqlmodel import Session

from app.config import Settings
from app.security import hash_token
from app.web import csrf
from tests.factories import DEFAULT_PASSWORD, make_organisation, make_user
from tests.production.conftest import SurveyWorld
from tests.production.server import LiveServer
from tests.web.coach.conftest import csrf_of
from tests.web.coach.test_coach_setup import VALID

pytestmark = pytest.mark.timeout(240)

TABS = 6


def _together(calls: list[Callable[[httpx.Client], httpx.Response]], url: str) -> list[int]:
    barrier = threading.Barrier(len(calls))
    statuses: list[int] = [0] * len(calls)

    def run(index: int, call: Callable[[httpx.Client], httpx.Response]) -> None:
        # A request that never returns (a stalled writer) leaves its status at 0.
        with httpx.Client(base_url=url, timeout=30) as client:
            barrier.wait(timeout=60)
            statuses[index] = call(client).status_code

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return statuses


def _coach_tab(url: str, email: str) -> tuple[dict[str, str], str, str]:
    """A signed-in coach's cookies and form token, and a collaboration made on its form."""
    with httpx.Client(base_url=url, timeout=30) as browser:
        form = {"email": email, "password": DEFAULT_PASSWORD}
        signed_in = browser.post(
            "/login", data={**form, "csrf_token": csrf_of(browser.get("/login").text)}
        )
        assert signed_in.status_code == 303, signed_in.text
        token = csrf_of(browser.get("/coach").text)
        created = browser.post("/coach/collaborations/new", data={**VALID, "csrf_token": token})
        assert created.status_code == 303, created.text
        return dict(browser.cookies), token, created.headers["location"].split("?")[0]


def test_failing_concurrent_writes_of_every_kind_leave_the_worker_able_to_write(
    live_server: Callable[..., LiveServer],
    survey_world_factory: Callable[[int], SurveyWorld],
    settings: Settings,
    session: Session,
) -> None:
    coach = make_user(session, organisation_id=make_organisation(session), email="lock@example.org")
    session.close()
    world = survey_world_factory(4)
    server = live_server(workers=1)
    cookies, coach_form, collaboration = _coach_tab(server.url, coach.email)
    token, other = world.tokens[0], world.tokens[1]
    survey_form = csrf.form_token(settings, purpose="survey", subject=hash_token(token))
    api = world.headers
    created = httpx.post(f"{server.url}/api/v1/collaborations", json={"name": "Lock"}, headers=api)
    assert created.status_code == 201
    parties = f"/api/v1/collaborations/{created.json()['id']}/parties"

    def bad_language(client: httpx.Client) -> httpx.Response:
        form = {csrf.FIELD: survey_form, "language": "xx"}
        return client.post(f"/s/{token}/language", data=form)

    def bad_answer(client: httpx.Client) -> httpx.Response:
        answers = [{"target_party_id": world.target_party_ids[token][0], "item_id": "no-such"}]
        body = {"answers": [{**answers[0], "value": 3}], "final": False}
        return client.post(f"/api/v1/invitations/{token}/responses", json=body, headers=api)

    def same_submission(client: httpx.Client) -> httpx.Response:
        body = world.final_submission(other)
        return client.post(f"/api/v1/invitations/{other}/responses", json=body, headers=api)

    def duplicate_party(client: httpx.Client) -> httpx.Response:
        return client.post(parties, json={"name": "Aannemer BV"}, headers=api)

    def submit_from_a_tab(client: httpx.Client) -> httpx.Response:
        return client.post(f"/s/{token}/submit", data={csrf.FIELD: survey_form})

    def coach_adds_the_same_party(client: httpx.Client) -> httpx.Response:
        client.cookies.update(cookies)
        form = {csrf.FIELD: coach_form, "party_name": "Aannemer BV", "party_kind": "client"}
        return client.post(f"{collaboration}/parties", data=form)

    kinds = [
        bad_language,
        bad_answer,
        same_submission,
        duplicate_party,
        submit_from_a_tab,
        coach_adds_the_same_party,
    ]
    for kind in kinds:
        statuses = _together([kind] * TABS, server.url)
        assert all(0 < status < 500 for status in statuses), (kind.__name__, statuses)
    # The coach's tabs reached the write: one party added, the others refused as duplicates.
    with httpx.Client(base_url=server.url, timeout=10, cookies=cookies) as client:
        assert client.get(collaboration).text.count("Aannemer BV") >= 1
        again = coach_adds_the_same_party(client)
        assert again.status_code == 422 and 'id="party_name-error"' in again.text
    mixed = _together([kind for kind in kinds for _ in range(2)], server.url)
    assert all(0 < status < 500 for status in mixed), mixed

    # A normal write still goes through at once, and the worker says it can write.
    with httpx.Client(base_url=server.url, timeout=10) as client:
        after = client.post("/api/v1/collaborations", json={"name": "After"}, headers=api)
        assert after.status_code == 201
        health = client.get("/healthz")
        assert health.status_code == 200 and health.json()["writes"] == "ok"
