"""A collaboration's cadence: the next round is made, opened and closed on schedule; pausing."""

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, col, select

from app.config import Settings
from app.errors import InvalidInput, NotFound
from app.models import CadenceUnit, Round, RoundStatus
from app.models.schedule import CadenceSet
from app.services.schedule import cadences, runner
from app.services.schedule.calendar import occurrence
from app.services.setup import questionnaires
from tests.services.test_schedule import fresh, jobs, make_scheduled

T = datetime(2031, 1, 31, 8, 0, tzinfo=UTC)
BEFORE = T - timedelta(days=10)
ZONE = ZoneInfo("Europe/Amsterdam")


def cadence_data(session: Session, **overrides: Any) -> CadenceSet:
    values = {
        "every": 3,
        "unit": "months",
        "open_days": 14,
        "questionnaire_id": questionnaires.default_questionnaire(session).id,
        "label": "Kwartaal {n}",
        "phase": "execution",
        "starts_at": T,
        **overrides,
    }
    return CadenceSet(**values)


def rounds_of(session: Session, collaboration_id: int) -> list[Round]:
    query = select(Round).where(Round.collaboration_id == collaboration_id).order_by(col(Round.id))
    return list(fresh(session).exec(query))


@pytest.fixture
def setup(session: Session) -> tuple[int, int]:
    organisation_id, first = make_scheduled(session, opens_at=None, closes_at=None)
    return organisation_id, first.collaboration_id


def test_months_keep_their_day_and_wall_clock_hour() -> None:
    openings = [occurrence(T, every=1, unit=CadenceUnit.MONTHS, index=i) for i in range(4)]
    local = [o.astimezone(ZONE) for o in openings]
    assert [(d.month, d.day, d.hour) for d in local] == [
        (1, 31, 9),
        (2, 28, 9),
        (3, 31, 9),
        (4, 30, 9),
    ]
    weekly = occurrence(T, every=2, unit=CadenceUnit.WEEKS, index=10).astimezone(ZONE)
    assert (weekly.hour, (weekly.date() - local[0].date()).days) == (9, 140)


def test_the_cadence_makes_opens_and_closes_the_next_round(
    session: Session, settings: Settings, setup: tuple[int, int]
) -> None:
    organisation_id, collaboration_id = setup
    cadences.set_cadence(
        session,
        organisation_id=organisation_id,
        collaboration_id=collaboration_id,
        data=cadence_data(session),
        now=BEFORE,
    )
    view = cadences.find_cadence(
        session, organisation_id=organisation_id, collaboration_id=collaboration_id
    )
    assert view is not None
    assert [u.label for u in view.upcoming] == [
        "Kwartaal 2",
        "Kwartaal 3",
        "Kwartaal 4",
        "Kwartaal 5",
    ]
    assert view.upcoming[1].opens_at == occurrence(T, every=3, unit=CadenceUnit.MONTHS, index=1)

    assert runner.run_due(session, now=T - timedelta(minutes=1), settings=settings).made == []
    report = runner.run_due(session, now=T, settings=settings)

    made = rounds_of(session, collaboration_id)[-1]
    assert report.made == [made.id] and report.opened == [made.id]
    assert (made.label, made.phase.value, made.status) == (
        "Kwartaal 2",
        "execution",
        RoundStatus.OPEN,
    )
    assert made.closes_at == T + timedelta(days=14)
    assert len(jobs(session, "invitation")) == 4
    cadence = cadences.get_cadence(
        fresh(session), organisation_id=organisation_id, collaboration_id=collaboration_id
    )
    assert cadence.next_opens_at == occurrence(T, every=3, unit=CadenceUnit.MONTHS, index=1)

    runner.run_due(session, now=T + timedelta(days=14), settings=settings)
    assert fresh(session).get(Round, made.id).status == RoundStatus.CLOSED  # type: ignore[union-attr]
    assert len(rounds_of(session, collaboration_id)) == 2  # nothing more until the next quarter


def test_a_paused_cadence_makes_nothing_and_resuming_skips_what_passed(
    session: Session, settings: Settings, setup: tuple[int, int]
) -> None:
    organisation_id, collaboration_id = setup
    ids = {"organisation_id": organisation_id, "collaboration_id": collaboration_id}
    cadences.set_cadence(session, **ids, data=cadence_data(session, paused=True), now=BEFORE)

    assert runner.run_due(session, now=T + timedelta(days=1), settings=settings).made == []
    view = cadences.find_cadence(session, **ids)
    assert view is not None and view.upcoming == []

    resumed_at = T + timedelta(days=100)
    cadences.set_cadence(session, **ids, data=cadence_data(session), now=resumed_at)
    cadence = cadences.get_cadence(fresh(session), **ids)
    assert cadence.paused_at is None and cadence.next_opens_at > resumed_at
    assert runner.run_due(session, now=resumed_at, settings=settings).made == []
    assert len(rounds_of(session, collaboration_id)) == 1


def test_a_worker_that_was_down_makes_no_round_that_would_already_be_closed(
    session: Session, settings: Settings, setup: tuple[int, int]
) -> None:
    organisation_id, collaboration_id = setup
    ids = {"organisation_id": organisation_id, "collaboration_id": collaboration_id}
    cadences.set_cadence(session, **ids, data=cadence_data(session), now=BEFORE)

    report = runner.run_due(session, now=T + timedelta(days=20), settings=settings)

    assert report.made == [] and len(rounds_of(session, collaboration_id)) == 1
    cadence = cadences.get_cadence(fresh(session), **ids)
    assert cadence.next_opens_at == occurrence(T, every=3, unit=CadenceUnit.MONTHS, index=1)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"starts_at": BEFORE - timedelta(days=1)}, "starts_at"),
        ({"questionnaire_id": 999_999}, "questionnaire_id"),
    ],
)
def test_bad_cadences_are_refused_by_field_and_change_nothing(
    session: Session, setup: tuple[int, int], overrides: dict[str, Any], field: str
) -> None:
    organisation_id, collaboration_id = setup
    with pytest.raises(InvalidInput) as refused:
        cadences.set_cadence(
            session,
            organisation_id=organisation_id,
            collaboration_id=collaboration_id,
            data=cadence_data(session, **overrides),
            now=BEFORE,
        )
    assert [p.field for p in refused.value.problems] == [field]
    with pytest.raises(NotFound):
        cadences.get_cadence(
            fresh(session), organisation_id=organisation_id, collaboration_id=collaboration_id
        )


def test_a_round_must_close_before_the_next_opens() -> None:
    with pytest.raises(ValueError, match="shorter than the interval"):
        CadenceSet(every=1, unit="weeks", open_days=7, questionnaire_id=1, starts_at=T)  # type: ignore[arg-type]


def test_another_organisations_collaboration_has_no_cadence_to_set(
    session: Session, setup: tuple[int, int]
) -> None:
    _, collaboration_id = setup
    with pytest.raises(NotFound):
        cadences.set_cadence(
            session,
            organisation_id=999_999,
            collaboration_id=collaboration_id,
            data=cadence_data(session),
            now=BEFORE,
        )
