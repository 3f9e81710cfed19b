"""When partners answer survey pages: seconds per page, for the coach's median and estimates."""

from datetime import datetime

from sqlmodel import Session, select

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


def record_page(
    session: Session,
    *,
    invitation: Invitation,
    page: int,
    items: int,
    seconds: float,
    now: datetime,
) -> None:
    """Add the time of one visit to the page's total (the caller's unit of work writes it)."""
    assert invitation.id is not None
    row = session.exec(
        select(PageTiming).where(PageTiming.invitation_id == invitation.id, PageTiming.page == page)
    ).first()
    if row is None:
        row = PageTiming(
            invitation_id=invitation.id,
            round_id=invitation.round_id,
            page=page,
            items=items,
            seconds=0.0,
        )
    row.seconds += seconds
    row.items = items
    row.answered_at = now
    session.add(row)
