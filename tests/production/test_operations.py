"""Operations: health and readiness probes, and a graceful shutdown that finishes its work."""

import json
import os
import re
import signal
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlmodel import Session, select

from app.config import Settings
from app.db import make_engine
from app.main import create_app
from app.models import Invitation, InvitationStatus
from app.security import hash_token
from tests.conftest import make_settings
from tests.production.conftest import SurveyWorld
from tests.production.server import LiveServer, free_port

pytestmark = pytest.mark.timeout(120)


def test_healthz_checks_the_database(client: TestClient) -> None:
    answer = client.get("/healthz")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok", "database": "ok", "writes": "ok"}


def test_healthz_and_readyz_answer_503_when_the_database_is_unreachable() -> None:
    nowhere = f"postgresql+psycopg://trustmeter@127.0.0.1:{free_port()}/trustmeter"
    with TestClient(create_app(make_settings(nowhere))) as client:
        health = client.get("/healthz")
        ready = client.get("/readyz")
    assert health.status_code == 503
    assert health.json() == {"status": "unavailable", "database": "unreachable", "writes": "ok"}
    assert ready.status_code == 503
    assert "127.0.0.1" not in health.text + ready.text  # no connection details to the caller


def test_readyz_is_ready_only_at_the_newest_migration(client: TestClient, tmp_path: Path) -> None:
    assert client.get("/readyz").json() == {"status": "ready", "schema": "ok"}

    empty = make_settings(f"sqlite:///{tmp_path / 'empty.db'}")
    with TestClient(create_app(empty)) as unmigrated:
        answer = unmigrated.get("/readyz")
    assert answer.status_code == 503
    assert answer.json()["schema"].startswith("at None, expected ")


def test_readyz_stays_ready_when_a_newer_release_migrated_the_database(
    client: TestClient, engine: Engine
) -> None:
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'f00dfeed0042'"))

    answer = client.get("/readyz")

    assert answer.status_code == 200
    assert "ahead of this release" in answer.json()["schema"]


@pytest.mark.parametrize(
    ("sent", "kept"),
    [("proxy-id-42", True), ("x" * 65, False), ("bad id\r\nforged: line", False)],
)
def test_a_request_id_from_the_proxy_is_kept_only_when_it_is_plain(
    client: TestClient, sent: str, kept: bool
) -> None:
    echoed = client.get("/livez", headers={"X-Request-ID": sent.replace("\r\n", " ")})
    request_id = echoed.headers["x-request-id"]
    assert (request_id == sent) is kept
    assert re.fullmatch(r"[A-Za-z0-9-]{1,64}", request_id)


def _start_request_and_wait_for_continue(server: LiveServer, path: str, body: bytes, key: str):
    """Send the head of a POST and wait until the app is reading its body: it is in flight."""
    connection = socket.create_connection(("127.0.0.1", server.port), timeout=30)
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {key}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        "Expect: 100-continue\r\n\r\n"
    )
    connection.sendall(head.encode())
    interim = connection.recv(1024)
    assert interim.startswith(b"HTTP/1.1 100"), interim
    return connection


def _read_response(connection: socket.socket) -> tuple[int, bytes]:
    data = b""
    while chunk := connection.recv(65536):
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


def test_sigterm_lets_an_in_flight_request_finish(
    live_server: Callable[..., LiveServer],
    survey_world_factory: Callable[[int], SurveyWorld],
    settings: Settings,
) -> None:
    world = survey_world_factory(1)
    token = world.tokens[0]
    server = live_server()
    body = json.dumps(world.final_submission(token)).encode()
    path = f"/api/v1/invitations/{token}/responses"
    connection = _start_request_and_wait_for_continue(server, path, body, world.api_key)

    assert server.process is not None
    server.process.terminate()  # SIGTERM, as an orchestrator stops a container
    connection.sendall(body)
    status, answer = _read_response(connection)
    connection.close()

    assert status == 200, answer
    # Uvicorn re-raises the SIGTERM it handled once it is done, so its parent sees why it ended.
    assert server.wait_for_exit() in (0, -signal.SIGTERM)
    assert "Finished server process" in server.logs()
    assert "timeout graceful shutdown exceeded" not in server.logs()
    engine = make_engine(settings)
    with Session(engine) as session:
        invitation = session.exec(
            select(Invitation).where(Invitation.token_hash == hash_token(token))
        ).one()
    engine.dispose()
    assert invitation.status == InvitationStatus.SUBMITTED


def test_a_server_worker_freezes_its_startup_objects_out_of_the_collectors_sight(
    tmp_path: Path,
) -> None:
    probe = "import gc, app.asgi; print(gc.get_freeze_count())"
    environment = {**os.environ, "TRUSTMETER_DATABASE_URL": f"sqlite:///{tmp_path}/probe.db"}
    frozen = subprocess.run(
        [sys.executable, "-c", probe], env=environment, capture_output=True, text=True, check=True
    )
    assert int(frozen.stdout.strip()) > 10_000  # modules, routes and schemas, not a handful


def test_serve_with_workers_on_a_port_in_use_says_so_and_exits(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        environment = {**os.environ, "TRUSTMETER_DATABASE_URL": f"sqlite:///{tmp_path}/t.db"}
        command = [sys.executable, "-m", "app.cli", "serve", "--port", str(port), "--workers", "2"]
        finished = subprocess.run(
            command, env=environment, capture_output=True, text=True, timeout=60, check=False
        )

    assert finished.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in finished.stdout + finished.stderr
