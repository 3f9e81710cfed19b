"""Several worker processes on one database: nothing a request needs lives in one worker's memory.

Each test sends requests on fresh connections until two different workers have answered
(the access log names the worker's pid per request id), so "across workers" is proven,
not assumed.
"""

import uuid
from collections.abc import Callable

import httpx
import pytest
from sqlmodel import Session, select

from app.config import Settings
from app.db import make_engine
from app.models import Collaboration
from tests.factories import DEFAULT_PASSWORD, make_api_key, make_organisation, make_user
from tests.production.conftest import SurveyWorld
from tests.production.server import LiveServer
from tests.web.coach.conftest import csrf_of

pytestmark = pytest.mark.timeout(180)

MAX_TRIES = 60
Send = Callable[[httpx.Client], httpx.Response]


def _until_two_workers_answered(server: LiveServer, send: Send) -> list[httpx.Response]:
    """Send on fresh connections until two worker processes have each answered at least once."""
    answers, pids = [], set()
    for _ in range(MAX_TRIES):
        request_id = uuid.uuid4().hex
        with httpx.Client(base_url=server.url, headers={"X-Request-ID": request_id}) as client:
            answers.append(send(client))
        pids.add(server.pid_for(request_id))
        if len(pids) == 2:
            return answers
    raise AssertionError(f"{MAX_TRIES} requests were all answered by one worker")


def _sign_in(client: httpx.Client, email: str, password: str) -> httpx.Response:
    token = csrf_of(client.get("/login").text)
    data = {"email": email, "password": password, "csrf_token": token}
    return client.post("/login", data=data)


@pytest.fixture
def two_workers(live_server: Callable[..., LiveServer]) -> LiveServer:
    return live_server(workers=2)


def test_failed_sign_ins_are_counted_by_every_worker_together(
    session: Session, live_server: Callable[..., LiveServer]
) -> None:
    user = make_user(session, organisation_id=make_organisation(session))
    session.close()
    server = live_server(workers=2, login_rate_limit="3")
    with httpx.Client(base_url=server.url) as client:
        refused = [_sign_in(client, user.email, "not-the-password-1").status_code for _ in range(3)]
    assert refused == [401, 401, 401]

    answers = _until_two_workers_answered(
        server, lambda client: _sign_in(client, user.email, DEFAULT_PASSWORD)
    )

    assert {answer.status_code for answer in answers} == {429}


def test_guessing_survey_links_is_limited_by_every_worker_together(
    live_server: Callable[..., LiveServer],
) -> None:
    server = live_server(workers=2, token_rate_limit="3")
    with httpx.Client(base_url=server.url) as client:
        guesses = [client.get(f"/s/guess-{n}-abcdefghijklmnop").status_code for n in range(3)]
    assert guesses == [404, 404, 404]

    answers = _until_two_workers_answered(
        server, lambda client: client.get(f"/s/guess-{uuid.uuid4().hex}")
    )

    assert {answer.status_code for answer in answers} == {429}


def test_a_session_started_on_one_worker_is_known_to_all(
    session: Session, two_workers: LiveServer
) -> None:
    user = make_user(session, organisation_id=make_organisation(session))
    session.close()
    with httpx.Client(base_url=two_workers.url) as client:
        assert _sign_in(client, user.email, DEFAULT_PASSWORD).status_code == 303
        cookies = dict(client.cookies)

    def open_coach_pages(client: httpx.Client) -> httpx.Response:
        client.cookies.update(cookies)
        return client.get("/coach")

    answers = _until_two_workers_answered(two_workers, open_coach_pages)

    assert {answer.status_code for answer in answers} == {200}


def test_an_idempotent_retry_is_replayed_by_any_worker(
    session: Session, settings: Settings, two_workers: LiveServer
) -> None:
    key = make_api_key(session, organisation_id=make_organisation(session))
    session.close()
    headers = {"Authorization": f"Bearer {key}", "Idempotency-Key": uuid.uuid4().hex}

    def create(client: httpx.Client) -> httpx.Response:
        body = {"name": "Eén keer"}
        return client.post("/api/v1/collaborations", json=body, headers=headers)

    answers = _until_two_workers_answered(two_workers, create)

    assert {answer.status_code for answer in answers} == {201}
    assert len({answer.text for answer in answers}) == 1
    assert all(answer.headers.get("idempotent-replayed") == "true" for answer in answers[1:])
    engine = make_engine(settings)
    with Session(engine) as check:
        assert len(check.exec(select(Collaboration)).all()) == 1
    engine.dispose()


def test_tokens_and_api_keys_never_reach_the_logs(
    survey_world_factory: Callable[[int], SurveyWorld], two_workers: LiveServer
) -> None:
    world = survey_world_factory(2)
    token, other = world.tokens
    with httpx.Client(base_url=two_workers.url, headers=world.headers) as client:
        assert client.get(f"/s/{token}", follow_redirects=True).status_code == 200
        submitted = client.post(
            f"/api/v1/invitations/{other}/responses", json=world.final_submission(other)
        )
        assert submitted.status_code == 200
        assert client.get("/api/v1/questionnaires").status_code == 200
        bad_key = {"Authorization": f"Bearer {world.api_key}x"}
        assert client.get("/api/v1/questionnaires", headers=bad_key).status_code == 401

    logs = two_workers.logs()
    for secret in (token, other, world.api_key):
        assert secret not in logs
    paths = {entry.get("path") for entry in two_workers.json_log_entries()}
    assert "/s/[redacted]" in paths
    assert "/api/v1/invitations/[redacted]/responses" in paths


def test_every_log_line_is_json_with_the_request_id_the_client_saw(
    two_workers: LiveServer,
) -> None:
    with httpx.Client(base_url=two_workers.url) as client:
        answer = client.get("/healthz")
    request_id = answer.headers["x-request-id"]

    assert two_workers.pid_for(request_id)
    entries = [e for e in two_workers.json_log_entries() if e.get("request_id") == request_id]
    assert entries[0]["path"] == "/healthz" and entries[0]["status"] == 200
    assert {"time", "level", "logger", "message", "pid"} <= entries[0].keys()
    app_lines = [line for line in two_workers.logs().splitlines() if "trustmeter" in line]
    assert app_lines and all(line.startswith("{") for line in app_lines)
