"""A collaboration's cadence: set, read, pause, remove it, and make the rounds it has due."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, func, select

from app.errors import FieldProblem, InvalidInput, NotFound
from app.infra.unit_of_work import is_sqlite, unit_of_work
from app.models import Cadence, Collaboration, Round
from app.models.schedule import CadencePublic, CadenceSet, UpcomingRound
from app.services.access.lookups import get_collaboration
from app.services.schedule.calendar import first_index_after, occurrence
from app.services.setup import questionnaires

UPCOMING_SHOWN = 4


@dataclass(frozen=True, slots=True)
class CadenceView:
    cadence: Cadence
    upcoming: list[UpcomingRound]


def get_cadence(session: Session, *, organisation_id: int, collaboration_id: int) -> Cadence:
    get_collaboration(session, organisation_id=organisation_id, collaboration_id=collaboration_id)
    cadence = _cadence_of(session, collaboration_id)
    if cadence is None:
        raise NotFound(f"Collaboration {collaboration_id} has no cadence.")
    return cadence


def find_cadence(
    session: Session, *, organisation_id: int, collaboration_id: int
) -> CadenceView | None:
    """The cadence with its upcoming rounds, or None when the collaboration has none."""
    get_collaboration(session, organisation_id=organisation_id, collaboration_id=collaboration_id)
    cadence = _cadence_of(session, collaboration_id)
    return None if cadence is None else CadenceView(cadence, upcoming(session, cadence))


def set_cadence(
    session: Session,
    *,
    organisation_id: int,
    collaboration_id: int,
    data: CadenceSet,
    now: datetime,
) -> Cadence:
    """Create or replace the cadence. A new start must lie ahead; resuming skips what passed."""
    with unit_of_work(session):
        get_collaboration(
            session, organisation_id=organisation_id, collaboration_id=collaboration_id
        )
        _check_questionnaire(session, organisation_id, data.questionnaire_id)
        cadence = _cadence_of(session, collaboration_id) or Cadence(
            collaboration_id=collaboration_id,
            questionnaire_id=data.questionnaire_id,
            every=data.every,
            open_days=data.open_days,
            label=data.label,
            anchor_at=data.starts_at,
            next_opens_at=data.starts_at,
        )
        new_rhythm = cadence.id is None or (
            (cadence.anchor_at, cadence.every, cadence.unit)
            != (data.starts_at, data.every, data.unit)
        )
        if new_rhythm and data.starts_at <= now:
            raise InvalidInput(
                "The first round must open in the future.",
                problems=[FieldProblem("starts_at", "must lie in the future")],
            )
        _apply(cadence, data, new_rhythm=new_rhythm, now=now)
        session.add(cadence)
        session.flush()
    return cadence


def _apply(cadence: Cadence, data: CadenceSet, *, new_rhythm: bool, now: datetime) -> None:
    was_paused = cadence.id is not None and cadence.paused_at is not None
    for name in ("every", "unit", "open_days", "questionnaire_id", "label", "phase"):
        setattr(cadence, name, getattr(data, name))
    if new_rhythm:
        cadence.anchor_at, cadence.next_index = data.starts_at, 0
    cadence.paused_at = (cadence.paused_at or now) if data.paused else None
    if new_rhythm or (was_paused and not data.paused):
        _skip_passed(cadence, now)  # a resumed cadence does not make rounds it missed


def delete_cadence(session: Session, *, organisation_id: int, collaboration_id: int) -> Cadence:
    """Stop the rhythm for good and return it as it was; rounds it already made stay."""
    with unit_of_work(session):
        cadence = get_cadence(
            session, organisation_id=organisation_id, collaboration_id=collaboration_id
        )
        session.delete(cadence)
    return cadence


def remove_cadence(session: Session, *, organisation_id: int, collaboration_id: int) -> bool:
    """Remove the cadence if there is one; False when there was none."""
    with unit_of_work(session):
        get_collaboration(
            session, organisation_id=organisation_id, collaboration_id=collaboration_id
        )
        cadence = _cadence_of(session, collaboration_id)
        if cadence is not None:
            session.delete(cadence)
    return cadence is not None


def upcoming(
    session: Session, cadence: Cadence, count: int = UPCOMING_SHOWN
) -> list[UpcomingRound]:
    """The next rounds the cadence will make, numbered after the rounds that exist."""
    if cadence.paused_at is not None:
        return []
    existing = _round_count(session, cadence.collaboration_id)
    rounds = []
    for offset in range(count):
        opens_at = occurrence(
            cadence.anchor_at,
            every=cadence.every,
            unit=cadence.unit,
            index=cadence.next_index + offset,
        )
        rounds.append(
            UpcomingRound(
                label=label_for(cadence, existing + offset + 1),
                opens_at=opens_at,
                closes_at=opens_at + timedelta(days=cadence.open_days),
            )
        )
    return rounds


def to_public(session: Session, cadence: Cadence, *, with_upcoming: bool = True) -> CadencePublic:
    paused = cadence.paused_at is not None
    return CadencePublic(
        **cadence.model_dump(
            exclude={"id", "paused_at", "next_opens_at", "anchor_at", "next_index"}
        ),
        paused=paused,
        next_opens_at=None if paused else cadence.next_opens_at,
        upcoming=upcoming(session, cadence) if with_upcoming else [],
    )


def make_due_rounds(session: Session, *, now: datetime) -> list[Round]:
    """Create the round of every active cadence whose opening time has come (worker).

    Each cadence is claimed (SKIP LOCKED on PostgreSQL, the write lock on SQLite) and moved on
    in the same transaction as its round, so several workers make each round once. A
    collaboration whose worker was down past a round's closing time gets no late round.
    """
    due_query = select(Cadence.id).where(
        col(Cadence.paused_at).is_(None), col(Cadence.next_opens_at) <= now
    )
    made: list[Round] = []
    for cadence_id in [i for i in session.exec(due_query) if i is not None]:
        with unit_of_work(session):
            cadence = _claim(session, cadence_id, now)
            if cadence is not None:
                made.extend(_make_round(session, cadence, now))
    return made


def label_for(cadence: Cadence, number: int) -> str:
    return cadence.label.replace("{n}", str(number))


def _make_round(session: Session, cadence: Cadence, now: datetime) -> list[Round]:
    opens_at = cadence.next_opens_at
    _skip_passed(cadence, now)
    session.add(cadence)
    collaboration = session.get(Collaboration, cadence.collaboration_id)
    closes_at = opens_at + timedelta(days=cadence.open_days)
    if collaboration is None or collaboration.archived_at is not None or closes_at <= now:
        return []
    round_ = Round(
        collaboration_id=cadence.collaboration_id,
        questionnaire_id=cadence.questionnaire_id,
        label=label_for(cadence, _round_count(session, cadence.collaboration_id) + 1),
        phase=cadence.phase,
        opens_at=opens_at,
        closes_at=closes_at,
    )
    session.add(round_)
    session.flush()
    return [round_]


def _skip_passed(cadence: Cadence, now: datetime) -> None:
    cadence.next_index = first_index_after(
        cadence.anchor_at,
        every=cadence.every,
        unit=cadence.unit,
        start=cadence.next_index,
        moment=now,
    )
    cadence.next_opens_at = occurrence(
        cadence.anchor_at, every=cadence.every, unit=cadence.unit, index=cadence.next_index
    )


def _claim(session: Session, cadence_id: int, now: datetime) -> Cadence | None:
    query = (
        select(Cadence)
        .where(
            Cadence.id == cadence_id,
            col(Cadence.paused_at).is_(None),
            col(Cadence.next_opens_at) <= now,
        )
        .execution_options(populate_existing=True)
    )
    if not is_sqlite(session):
        query = query.with_for_update(skip_locked=True)
    return session.exec(query).first()


def _cadence_of(session: Session, collaboration_id: int) -> Cadence | None:
    return session.exec(select(Cadence).where(Cadence.collaboration_id == collaboration_id)).first()


def _round_count(session: Session, collaboration_id: int) -> int:
    return session.exec(
        select(func.count()).select_from(Round).where(Round.collaboration_id == collaboration_id)
    ).one()


def _check_questionnaire(session: Session, organisation_id: int, questionnaire_id: int) -> None:
    try:
        questionnaires.get_questionnaire(
            session, organisation_id=organisation_id, questionnaire_id=questionnaire_id
        )
    except NotFound as exc:
        raise InvalidInput(
            exc.message, problems=[FieldProblem("questionnaire_id", "unknown questionnaire")]
        ) from exc
