"""Several worker processes on one database: nothing a request needs lives in one worker's memory.

Each test sends requests on fresh connections until two different workers have answered
(the access log names the worker's pid per request id), so "across workers" is proven,
not assumed. The tests share one two-worker server; each comes from its own client address
(X-Forwarded-For, trusted from 127.0.0.1 as from a reverse proxy), so the per-address rate
limits of one test never touch another.
"""

import contextlib
import os
import signal
import socket
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine
from sqlmodel import select

from app.config import Settings
from app.db import make_engine, new_session
from app.models import Collaboration, User
from tests.conftest import DatabaseTemplate, fresh_database, make_settings
from tests.factories import DEFAULT_PASSWORD, make_api_key, make_organisation, make_user
from tests.production.conftest import SurveyWorld, build_survey_world
from tests.production.server import LiveServer
from tests.web.coach.conftest import csrf_of

pytestmark = pytest.mark.timeout(180)

MAX_TRIES = 60
RATE_LIMIT = 3
Send = Callable[[httpx.Client], httpx.Response]


@dataclass
class Shared:
    server: LiveServer
    settings: Settings
    engine: Engine

    def client(self, address: str, **headers: str) -> httpx.Client:
        forwarded = {"X-Forwarded-For": address, **headers}
        return httpx.Client(base_url=self.server.url, headers=forwarded)

    def until_two_workers_answered(self, address: str, send: Send) -> list[httpx.Response]:
        """Send on fresh connections until two worker processes have each answered."""
        answers, pids = [], set()
        for _ in range(MAX_TRIES):
            request_id = uuid.uuid4().hex
            with self.client(address, **{"X-Request-ID": request_id}) as client:
                answers.append(send(client))
            pids.add(self.server.pid_for(request_id))
            if len(pids) == 2:
                return answers
        raise AssertionError(f"{MAX_TRIES} requests were all answered by one worker")

    def user(self, email: str) -> User:
        with new_session(self.engine) as session:
            organisation_id = make_organisation(session)
            return make_user(session, organisation_id=organisation_id, email=email)


@pytest.fixture(scope="module")
def shared(
    database_template: DatabaseTemplate, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Shared]:
    directory: Path = tmp_path_factory.mktemp("two-workers")
    with fresh_database(database_template, directory) as url:
        limits = {"login_rate_limit": str(RATE_LIMIT), "token_rate_limit": str(RATE_LIMIT)}
        server = LiveServer(url, directory / "server.log", workers=2, settings=limits)
        settings = make_settings(url)
        engine = make_engine(settings)
        try:
            server.start()
            yield Shared(server, settings, engine)
        finally:
            server.close()
            engine.dispose()


def _sign_in(client: httpx.Client, email: str, password: str) -> httpx.Response:
    token = csrf_of(client.get("/login").text)
    data = {"email": email, "password": password, "csrf_token": token}
    return client.post("/login", data=data)


def test_failed_sign_ins_are_counted_by_every_worker_together(shared: Shared) -> None:
    user = shared.user("rate-limited@example.org")
    address = "203.0.113.1"
    with shared.client(address) as client:
        refused = [_sign_in(client, user.email, "not-the-password-1") for _ in range(RATE_LIMIT)]
    assert [answer.status_code for answer in refused] == [401] * RATE_LIMIT

    answers = shared.until_two_workers_answered(
        address, lambda client: _sign_in(client, user.email, DEFAULT_PASSWORD)
    )

    assert {answer.status_code for answer in answers} == {429}


def test_guessing_survey_links_is_limited_by_every_worker_together(shared: Shared) -> None:
    address = "203.0.113.2"
    with shared.client(address) as client:
        guesses = [client.get(f"/s/guess-{uuid.uuid4().hex}") for _ in range(RATE_LIMIT)]
    assert [answer.status_code for answer in guesses] == [404] * RATE_LIMIT

    answers = shared.until_two_workers_answered(
        address, lambda client: client.get(f"/s/guess-{uuid.uuid4().hex}")
    )

    assert {answer.status_code for answer in answers} == {429}


def test_a_session_started_on_one_worker_is_known_to_all(shared: Shared) -> None:
    user = shared.user("signed-in@example.org")
    address = "203.0.113.3"
    with shared.client(address) as client:
        assert _sign_in(client, user.email, DEFAULT_PASSWORD).status_code == 303
        cookies = dict(client.cookies)

    def open_coach_pages(client: httpx.Client) -> httpx.Response:
        client.cookies.update(cookies)
        return client.get("/coach")

    answers = shared.until_two_workers_answered(address, open_coach_pages)

    assert {answer.status_code for answer in answers} == {200}


def test_an_idempotent_retry_is_replayed_by_any_worker(shared: Shared) -> None:
    with new_session(shared.engine) as session:
        key = make_api_key(session, organisation_id=make_organisation(session))
    headers = {"Authorization": f"Bearer {key}", "Idempotency-Key": uuid.uuid4().hex}
    name = f"Eén keer {uuid.uuid4().hex[:6]}"

    def create(client: httpx.Client) -> httpx.Response:
        return client.post("/api/v1/collaborations", json={"name": name}, headers=headers)

    answers = shared.until_two_workers_answered("203.0.113.4", create)

    assert {answer.status_code for answer in answers} == {201}
    assert len({answer.text for answer in answers}) == 1
    assert all(answer.headers.get("idempotent-replayed") == "true" for answer in answers[1:])
    with new_session(shared.engine) as session:
        stored = session.exec(select(Collaboration).where(Collaboration.name == name)).all()
    assert len(stored) == 1


def test_tokens_and_api_keys_never_reach_the_logs(shared: Shared) -> None:
    with new_session(shared.engine) as session:
        world: SurveyWorld = build_survey_world(session, shared.settings, invitations=2)
    token, other = world.tokens
    with shared.client("203.0.113.5", **world.headers) as client:
        assert client.get(f"/s/{token}", follow_redirects=True).status_code == 200
        submitted = client.post(
            f"/api/v1/invitations/{other}/responses", json=world.final_submission(other)
        )
        assert submitted.status_code == 200
        assert client.get("/api/v1/questionnaires").status_code == 200
        bad_key = {"Authorization": f"Bearer {world.api_key}x"}
        assert client.get("/api/v1/questionnaires", headers=bad_key).status_code == 401

    logs = shared.server.logs()
    for secret in (token, other, world.api_key):
        assert secret not in logs
    paths = {entry.get("path") for entry in shared.server.json_log_entries()}
    assert "/s/[redacted]" in paths
    assert "/api/v1/invitations/[redacted]/responses" in paths


def test_every_log_line_is_json_with_the_request_id_the_client_saw(shared: Shared) -> None:
    with shared.client("203.0.113.6") as client:
        answer = client.get("/healthz")
    request_id = answer.headers["x-request-id"]

    assert shared.server.pid_for(request_id)
    entries = [e for e in shared.server.json_log_entries() if e.get("request_id") == request_id]
    assert entries[0]["path"] == "/healthz" and entries[0]["status"] == 200
    assert {"time", "level", "logger", "message", "pid"} <= entries[0].keys()
    app_lines = [line for line in shared.server.logs().splitlines() if "trustmeter" in line]
    assert app_lines and all(line.startswith("{") for line in app_lines)


def _request_on(sock: socket.socket, request_id: str) -> None:
    request = f"GET /livez HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Request-ID: {request_id}\r\n\r\n"
    sock.sendall(request.encode())


def _answer_status(sock: socket.socket) -> int:
    sock.settimeout(10)
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = sock.recv(4096)
        assert chunk, "the server closed the connection"
        head += chunk
    return int(head.split(b" ", 2)[1])


def test_connections_opened_at_once_are_spread_over_the_workers(shared: Shared) -> None:
    # A burst of connections (a proxy's keep-alive pool, partners at a deadline): with one
    # shared socket the first worker to wake accepted them all.
    address = ("127.0.0.1", shared.server.port)
    sockets = [socket.create_connection(address, timeout=10) for _ in range(24)]
    try:
        request_ids = [uuid.uuid4().hex for _ in sockets]
        for sock, request_id in zip(sockets, request_ids, strict=True):
            _request_on(sock, request_id)
        assert [_answer_status(sock) for sock in sockets] == [200] * len(sockets)
    finally:
        for sock in sockets:
            sock.close()

    served = Counter(shared.server.pid_for(request_id) for request_id in request_ids)

    assert len(served) == 2 and min(served.values()) >= 4, served


def _worker_pids(server: LiveServer) -> set[int]:
    assert server.process is not None
    children = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            helper = b"resource_tracker" in (stat.parent / "cmdline").read_bytes()
            if int(fields[1]) == server.process.pid and not helper:
                children.add(int(stat.parent.name))
    return children


def test_a_worker_that_dies_is_replaced(shared: Shared) -> None:
    # Last in this module: it kills one of the shared server's workers.
    before = _worker_pids(shared.server)
    assert len(before) == 2
    killed = min(before)
    os.kill(killed, signal.SIGKILL)

    answered: set[int] = set()
    deadline = time.monotonic() + 60  # a new worker starts a fresh interpreter: seconds
    while time.monotonic() < deadline:
        time.sleep(0.1)
        request_id = uuid.uuid4().hex
        with shared.client("192.0.2.99", **{"X-Request-ID": request_id}) as client:
            response = client.get("/livez")
        if response.status_code == 200:
            answered.add(shared.server.pid_for(request_id))
        if len(answered - {killed}) == 2:
            break

    assert killed not in answered
    assert len(answered) == 2, "the supervisor did not start a new worker"
    assert _worker_pids(shared.server) == answered
