"""Several outbox workers on PostgreSQL: SKIP LOCKED hands every job to exactly one of them."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from app.db import make_engine
from app.models import JobKind, JobStatus, OutboxJob
from tests.conftest import make_settings
from tests.factories import make_open_collaboration
from tests.production.server import REPO_ROOT, server_environment
from tests.support.smtp import smtp_server

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(180)]

PARTICIPANTS_PER_PARTY = 100
DELIVERED = re.compile(r"outbox job (\d+) \(email\) attempt \d+: done")


def _email_job_ids(database_url: str) -> set[int]:
    engine = make_engine(make_settings(database_url))
    with Session(engine) as session:
        jobs = session.exec(select(OutboxJob).where(col(OutboxJob.kind) == JobKind.EMAIL)).all()
    engine.dispose()
    assert all(job.status == JobStatus.PENDING for job in jobs)
    return {job.id for job in jobs if job.id is not None}


def _run_workers(database_url: str, smtp_url: str, logs: list[Path]) -> None:
    env = server_environment(database_url, smtp_url=smtp_url)
    command = [sys.executable, "-m", "app.cli", "worker", "--once"]
    processes = []
    for log in logs:
        with log.open("wb") as output:
            processes.append(
                subprocess.Popen(
                    command, cwd=REPO_ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
                )
            )
    for process in processes:
        assert process.wait(timeout=150) == 0


def test_two_workers_at_once_never_send_the_same_email_twice(
    postgres_url: str, tmp_path: Path
) -> None:
    settings = make_settings(postgres_url)
    engine = make_engine(settings)
    with Session(engine) as session:
        make_open_collaboration(
            session, settings=settings, participants_per_party=PARTICIPANTS_PER_PARTY
        )
    engine.dispose()
    queued = _email_job_ids(postgres_url)
    assert len(queued) == 2 * PARTICIPANTS_PER_PARTY
    logs = [tmp_path / "worker-1.log", tmp_path / "worker-2.log"]

    with smtp_server() as smtp:
        _run_workers(postgres_url, smtp.url, logs)
        recipients = [str(message["To"]) for message in smtp.messages]

    assert len(recipients) == len(queued) == len(set(recipients))
    delivered = [{int(n) for n in DELIVERED.findall(log.read_text())} for log in logs]
    assert all(delivered), "one worker delivered nothing: the two never ran side by side"
    assert not delivered[0] & delivered[1]
    assert delivered[0] | delivered[1] == queued
