"""How long answering takes: the median per round for the coach, per statement for estimates."""

import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from statistics import median

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.models import Collaboration, Invitation, InvitationStatus, PageTiming, Round

# Fewer submitted questionnaires than this and the measured pace is too unsteady to promise.
MIN_MEASURED = 5


@dataclass(frozen=True, slots=True)
class RoundDuration:
    """The median minutes from first to last page over `n` submitted questionnaires."""

    n: int
    median_seconds: float | None


def round_durations(session: Session, *, round_ids: Iterable[int]) -> dict[int, RoundDuration]:
    """Per round, the median answering time of the questionnaires submitted in it."""
    ids = list(round_ids)
    totals: dict[int, list[float]] = defaultdict(list)
    for round_id, seconds, _items in _submitted_totals(session, Invitation.round_id.in_(ids)):  # type: ignore[attr-defined]
        totals[round_id].append(seconds)
    return {
        round_id: RoundDuration(len(totals[round_id]), median(totals[round_id]))
        if totals[round_id]
        else RoundDuration(0, None)
        for round_id in ids
    }


def seconds_per_statement(session: Session, *, collaboration_id: int) -> float | None:
    """The median seconds per statement in this collaboration; None until MIN_MEASURED."""
    in_collaboration = col(Invitation.round_id).in_(
        select(Round.id).where(Round.collaboration_id == collaboration_id)
    )
    paces = [
        seconds / items
        for _round, seconds, items in _submitted_totals(session, in_collaboration)
        if items > 0
    ]
    return median(paces) if len(paces) >= MIN_MEASURED else None


# The welcome page's estimate: the median over every submitted questionnaire of the
# collaboration grows with it and moves slowly, so each process keeps it for a while.
PACE_KEPT_SECONDS = 600.0
_PACES_MAX = 4096
_paces: dict[tuple[str, int, datetime], tuple[float, float | None]] = {}


def recent_seconds_per_statement(
    session: Session, *, collaboration: Collaboration, now: float | None = None
) -> float | None:
    """`seconds_per_statement`, as measured at most PACE_KEPT_SECONDS ago in this process
    (`now` is on the `time.monotonic` clock)."""
    assert collaboration.id is not None
    # A collaboration is its database, id and creation time: test databases reuse the first two.
    key = (str(session.get_bind().engine.url), collaboration.id, collaboration.created_at)
    now = time.monotonic() if now is None else now
    kept = _paces.get(key)
    if kept is not None and kept[0] > now:
        return kept[1]
    pace = seconds_per_statement(session, collaboration_id=collaboration.id)
    if len(_paces) >= _PACES_MAX:
        _paces.clear()
    _paces[key] = (now + PACE_KEPT_SECONDS, pace)
    return pace


def _submitted_totals(session: Session, where: object) -> list[tuple[int, float, int]]:
    """(round id, seconds, statements) per submitted invitation with recorded page times."""
    query = (
        select(
            Invitation.round_id,
            func.sum(PageTiming.seconds),
            func.sum(PageTiming.items),
        )
        .join(PageTiming, col(PageTiming.invitation_id) == Invitation.id)
        .where(where)  # type: ignore[arg-type]
        .where(Invitation.status == InvitationStatus.SUBMITTED)
        .group_by(col(Invitation.id), col(Invitation.round_id))
    )
    return [
        (round_id, float(seconds), int(items)) for round_id, seconds, items in session.exec(query)
    ]
