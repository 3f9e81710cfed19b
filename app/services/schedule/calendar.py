"""Dates of a cadence: the n-th opening after an anchor, counted on Dutch clocks."""

import calendar
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from app.models import CadenceUnit

# Rounds open at the same hour on the wall clock, summer time or not.
LOCAL = ZoneInfo("Europe/Amsterdam")


def occurrence(anchor: datetime, *, every: int, unit: CadenceUnit, index: int) -> datetime:
    """The opening `index` intervals after `anchor` (index 0 is the anchor itself)."""
    local = anchor.astimezone(LOCAL)
    if unit == CadenceUnit.WEEKS:
        moved = local.replace(tzinfo=None) + timedelta(weeks=every * index)
    else:
        months = local.month - 1 + every * index
        year, month = local.year + months // 12, months % 12 + 1
        # 31 January plus one month is the last day of February, not 3 March.
        day = min(local.day, calendar.monthrange(year, month)[1])
        moved = local.replace(tzinfo=None, year=year, month=month, day=day)
    return moved.replace(tzinfo=LOCAL).astimezone(UTC)


def first_index_after(
    anchor: datetime, *, every: int, unit: CadenceUnit, start: int, moment: datetime
) -> int:
    """The smallest index from `start` whose opening lies after `moment`."""
    index = start
    while occurrence(anchor, every=every, unit=unit, index=index) <= moment:
        index += 1
    return index
