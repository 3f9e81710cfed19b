"""Scheduled rounds with several workers on PostgreSQL (each round opened and closed once), and
the in-process worker closing a round in real time."""

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, func, select

from app.config import Settings
from app.db import make_engine, new_session
from app.models import Alert, JobKind, OutboxJob, Round, RoundStatus
from app.models.outbox import WebhookCreate
from app.models.schedule import CadenceSet
from app.services.messaging import webhooks
from app.services.messaging.outbox_worker import WorkerOptions
from app.services.messaging.worker_process import InProcessWorker
from app.services.schedule import cadences, runner
from app.services.schedule.runner import ScheduleReport
from tests.conftest import make_settings
from tests.services.test_schedule import make_scheduled

ROUNDS = 12
T = datetime(2031, 3, 3, 8, 0, tzinfo=UTC)


def _run_together(url: str, now: datetime, workers: int = 3) -> list[ScheduleReport]:
    """`workers` schedulers, each with its own engine, started at the same moment."""
    settings = make_settings(url)
    start = threading.Barrier(workers)
    reports: list[ScheduleReport] = []
    failures: list[BaseException] = []

    def work() -> None:
        engine = make_engine(settings)
        try:
            with new_session(engine) as session:
                start.wait()
                reports.append(runner.run_due(session, now=now, settings=settings))
        except BaseException as exc:  # reported below, in the test's thread
            failures.append(exc)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert failures == []
    return reports


@pytest.mark.postgres
@pytest.mark.timeout(180)
def test_several_workers_open_and_close_each_round_exactly_once(postgres_url: str) -> None:
    settings = make_settings(postgres_url)
    engine = make_engine(settings)
    with Session(engine) as session:
        round_ids = []
        for number in range(ROUNDS):
            organisation_id, round_ = make_scheduled(
                session, people=1, organisation=f"Organisatie {number}"
            )
            round_ids.append(round_.id)
        webhooks.create_webhook(
            session,
            organisation_id=organisation_id,
            data=WebhookCreate(url="https://hooks.example.org/w", events=["round.closed"]),
            settings=settings,
        )

    opened = _run_together(postgres_url, T)
    closed = _run_together(postgres_url, T + timedelta(days=14))

    opened_ids = [i for report in opened for i in report.opened]
    closed_ids = [i for report in closed for i in report.closed]
    assert sorted(opened_ids) == sorted(round_ids) and sorted(closed_ids) == sorted(round_ids)
    with Session(engine) as session:
        statuses = session.exec(select(Round.status)).all()
        assert set(statuses) == {RoundStatus.CLOSED}
        jobs = session.exec(select(OutboxJob)).all()
        invitations = [j for j in jobs if j.payload.get("template") == "invitation"]
        assert len(invitations) == ROUNDS * 2  # two parties, one person each: invited once
        assert len({j.invitation_id for j in invitations}) == ROUNDS * 2
        hooks = [j for j in jobs if j.kind == JobKind.WEBHOOK]
        assert sorted(j.payload["data"]["round_id"] for j in hooks) == [round_ids[-1]]
        alert_count = session.exec(select(func.count()).select_from(Alert)).one()
        assert alert_count == ROUNDS * 2
        mails = [j for j in jobs if j.payload.get("template") == "alerts"]
        assert len(mails) == ROUNDS  # one coach per organisation, one e-mail per closed round
    engine.dispose()


@pytest.mark.timeout(60)
def test_the_in_process_worker_closes_a_round_seconds_after_its_closing_time(
    session: Session, engine: Engine, settings: Settings
) -> None:
    now = datetime.now(UTC)
    _, round_ = make_scheduled(
        session, opens_at=now - timedelta(minutes=1), closes_at=now + timedelta(seconds=2)
    )
    worker = InProcessWorker(engine, settings, WorkerOptions(poll_seconds=0.2))
    worker.start()
    try:
        status = _wait_for(
            session, round_.id or 0, RoundStatus.CLOSED, deadline=time.monotonic() + 30
        )
    finally:
        worker.stop()
    assert status == RoundStatus.CLOSED
    stored = session.get(Round, round_.id)
    assert stored is not None and stored.opened_at is not None and stored.closed_at is not None
    assert stored.closed_at >= now + timedelta(seconds=2)  # not a moment before its time
    alerts = session.exec(select(Alert).where(col(Alert.round_id) == round_.id)).all()
    assert len(alerts) == 2  # low participation in both parties, raised on the automatic close


def _wait_for(
    session: Session, round_id: int, status: RoundStatus, *, deadline: float
) -> RoundStatus:
    """Poll the database until the round has `status` or the deadline passes."""
    current = RoundStatus.DRAFT
    while time.monotonic() < deadline:
        session.rollback()
        session.expire_all()
        found = session.get(Round, round_id)
        current = found.status if found else current
        if current == status:
            break
        time.sleep(0.1)
    return current


@pytest.mark.postgres
@pytest.mark.timeout(180)
def test_several_workers_make_each_cadence_round_once(postgres_url: str) -> None:
    settings = make_settings(postgres_url)
    engine = make_engine(settings)
    with Session(engine) as session:
        collaboration_ids = []
        for number in range(ROUNDS):
            organisation_id, first = make_scheduled(
                session, people=1, organisation=f"Ritme {number}", opens_at=None, closes_at=None
            )
            data = CadenceSet(
                every=1,
                unit="months",  # type: ignore[arg-type]
                open_days=14,
                questionnaire_id=first.questionnaire_id,
                label="Maandmeting {n}",
                starts_at=T,
            )
            cadences.set_cadence(
                session,
                organisation_id=organisation_id,
                collaboration_id=first.collaboration_id,
                data=data,
                now=T - timedelta(days=1),
            )
            collaboration_ids.append(first.collaboration_id)

    reports = _run_together(postgres_url, T)

    made = [i for report in reports for i in report.made]
    assert len(made) == len(set(made)) == ROUNDS
    with Session(engine) as session:
        per_collaboration = session.exec(
            select(Round.collaboration_id, func.count())
            .where(col(Round.label) == "Maandmeting 2")
            .group_by(col(Round.collaboration_id))
        ).all()
        assert sorted(per_collaboration) == sorted((i, 1) for i in collaboration_ids)
        made_rounds = session.exec(select(Round).where(col(Round.id).in_(made))).all()
        assert {r.status for r in made_rounds} == {RoundStatus.OPEN}
    engine.dispose()
