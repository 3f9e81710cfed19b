"""When partners answer survey pages: seconds per page, for the coach's median and estimates."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Executable, bindparam
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from app.models import Invitation, PageTiming

# A page left open over lunch says nothing about the questionnaire's length.
MAX_PAGE_SECONDS = 600.0


def seconds_since(shown_at: str | None, *, now: datetime) -> float | None:
    """Seconds since the page was shown (its form carries the time it was rendered).

    None when the stamp is missing or makes no sense; timing is a by-product, so a bad stamp
    never refuses the partner's answers.
    """
    if not shown_at or not shown_at.isascii() or not shown_at.isdigit() or len(shown_at) > 12:
        return None
    seconds = now.timestamp() - int(shown_at)
    if seconds < 0:
        return None
    return min(seconds, MAX_PAGE_SECONDS)


_TIMINGS = PageTiming.__table__  # type: ignore[attr-defined]
_COLUMNS = (
    "invitation_id",
    "round_id",
    "page",
    "items",
    "seconds",
    "answered_at",
    "created_at",
    "updated_at",
)


def _added(visit: Any) -> dict[str, Any]:
    """What a further visit changes on the page's row: its seconds add up, the rest is new."""
    return {
        "seconds": _TIMINGS.c.seconds + visit["seconds"],
        "items": visit["items"],  # by key: `.items` is the column collection's method
        "answered_at": visit["answered_at"],
        "updated_at": visit["updated_at"],
    }


def _upsert_for(dialect: str) -> Executable:
    """Insert the page's row, or add to it on the (invitation, page) key."""
    values: dict[str, Any] = {name: bindparam(name) for name in _COLUMNS}
    key = [_TIMINGS.c.invitation_id, _TIMINGS.c.page]
    if dialect == "postgresql":
        on_postgres = postgresql.insert(_TIMINGS).values(values)
        return on_postgres.on_conflict_do_update(
            index_elements=key, set_=_added(on_postgres.excluded)
        )
    on_sqlite = sqlite.insert(_TIMINGS).values(values)
    return on_sqlite.on_conflict_do_update(index_elements=key, set_=_added(on_sqlite.excluded))


# Built once per dialect: making the statement costs far more than running it.
_UPSERTS = {dialect: _upsert_for(dialect) for dialect in ("postgresql", "sqlite")}


def record_page(
    session: Session,
    *,
    invitation: Invitation,
    page: int,
    items: int,
    seconds: float,
    now: datetime,
) -> None:
    """Add the time of one visit to the page's total (the caller's unit of work writes it).

    One statement, as every page save pays for it: no read of the row first.
    """
    record_visits(session, [visit(invitation, page=page, items=items, seconds=seconds)], now=now)


def visit(invitation: Invitation, *, page: int, items: int, seconds: float) -> dict[str, Any]:
    """One visit of a page, to be recorded with `record_visits` (which adds the time stamps)."""
    assert invitation.id is not None
    return {
        "invitation_id": invitation.id,
        "round_id": invitation.round_id,
        "page": page,
        "items": items,
        "seconds": seconds,
    }


def record_visits(session: Session, visits: Sequence[dict[str, Any]], *, now: datetime) -> None:
    """Add many visits, of different invitations' pages, in one executemany of the upsert."""
    if not visits:
        return
    stamps = {"answered_at": now, "created_at": now, "updated_at": now}
    rows = [{**one, **stamps} for one in visits]
    session.execute(_UPSERTS[session.get_bind().dialect.name], rows)
