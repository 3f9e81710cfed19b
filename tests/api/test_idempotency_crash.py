"""A process killed mid-request leaves no trace of its Idempotency-Key: the retry runs once."""

import signal
import subprocess
import sys

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.api.idempotency import REPLAYED_HEADER
from app.models import Collaboration, IdempotencyRecord
from tests.api.conftest import World, fresh
from tests.production.server import REPO_ROOT, server_environment

# The app in a process of its own that SIGKILLs itself once the work and its record are
# written but not committed: the worst moment for a crash.
DIES_BEFORE_COMMIT = """
import os, signal, sys
from fastapi.testclient import TestClient
from app.main import create_app
from app.infra import idempotency

real_store = idempotency.store

def store_then_die(*args, **kwargs):
    real_store(*args, **kwargs)
    print("work and record written", flush=True)
    os.kill(os.getpid(), signal.SIGKILL)

idempotency.store = store_then_die
client = TestClient(create_app(), base_url="http://testserver/api/v1")
headers = {"Authorization": f"Bearer {sys.argv[1]}", "Idempotency-Key": "crash"}
client.post("/collaborations", headers=headers, json={"name": "Na de crash"})
"""


def test_a_retry_after_the_server_died_mid_request_runs_the_work_once(
    api: TestClient, session: Session, world: World, database_url: str
) -> None:
    killed = subprocess.run(
        [sys.executable, "-c", DIES_BEFORE_COMMIT, world.caller.key],
        cwd=REPO_ROOT,
        env=server_environment(database_url, log_level="WARNING"),
        capture_output=True,
        timeout=120,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr.decode()[-2000:]
    assert b"work and record written" in killed.stdout
    fresh(session)
    assert session.exec(select(IdempotencyRecord)).all() == []

    headers = {**world.caller.headers, "Idempotency-Key": "crash"}
    retry = api.post("/collaborations", headers=headers, json={"name": "Na de crash"})
    assert retry.status_code == 201, retry.text
    assert REPLAYED_HEADER.lower() not in {k.lower() for k in retry.headers}
    again = api.post("/collaborations", headers=headers, json={"name": "Na de crash"})
    assert again.headers[REPLAYED_HEADER] == "true" and again.json() == retry.json()
    fresh(session)
    created = session.exec(select(Collaboration).where(Collaboration.name == "Na de crash"))
    assert len(created.all()) == 1
