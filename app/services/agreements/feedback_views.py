"""The coach's page for a round's feedback session: its share links and the coach's note."""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from app.errors import NotFound
from app.models import Collaboration, Round, RoundStatus, Share, utcnow
from app.services.access.lookups import get_round
from app.services.agreements.round_notes import get_round_note
from app.services.results import shares


@dataclass(frozen=True, slots=True)
class ShareRow:
    """A link as the coach sees it afterwards: that it exists, never its secret."""

    id: int
    sections: list[str]
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    state: str  # "active" | "expired" | "revoked"


@dataclass(frozen=True, slots=True)
class FeedbackPage:
    collaboration: Collaboration
    round: Round
    can_share: bool
    shares: list[ShareRow]
    note: str


def share_row(share: Share, *, now: datetime) -> ShareRow:
    if share.revoked_at is not None:
        state = "revoked"
    elif share.expires_at is not None and share.expires_at <= now:
        state = "expired"
    else:
        state = "active"
    return ShareRow(
        id=share.id or 0,
        sections=list(share.sections),
        created_at=share.created_at,
        expires_at=share.expires_at,
        revoked_at=share.revoked_at,
        state=state,
    )


def feedback_page(
    session: Session, *, organisation_id: int, collaboration_id: int, round_id: int
) -> FeedbackPage:
    """NotFound unless the round lies in this collaboration of the caller's organisation."""
    round_ = round_in(
        session,
        organisation_id=organisation_id,
        collaboration_id=collaboration_id,
        round_id=round_id,
    )
    collaboration = session.get(Collaboration, round_.collaboration_id)
    assert collaboration is not None
    now = utcnow()
    links = shares.list_shares(session, organisation_id=organisation_id, round_id=round_id)
    return FeedbackPage(
        collaboration=collaboration,
        round=round_,
        can_share=round_.status != RoundStatus.DRAFT,
        shares=[share_row(s, now=now) for s in reversed(links)],  # newest first
        note=get_round_note(session, organisation_id=organisation_id, round_id=round_id),
    )


def round_in(
    session: Session, *, organisation_id: int, collaboration_id: int, round_id: int
) -> Round:
    round_ = get_round(session, organisation_id=organisation_id, round_id=round_id)
    if round_.collaboration_id != collaboration_id:
        raise NotFound(f"No round {round_id} in collaboration {collaboration_id}.")
    return round_


def share_in(
    session: Session, *, organisation_id: int, collaboration_id: int, round_id: int, share_id: int
) -> ShareRow:
    """A share of this round, for the revoke confirmation."""
    round_in(
        session,
        organisation_id=organisation_id,
        collaboration_id=collaboration_id,
        round_id=round_id,
    )
    share = shares.get_share(session, organisation_id=organisation_id, share_id=share_id)
    if share.round_id != round_id:
        raise NotFound(f"No share {share_id} in round {round_id}.")
    return share_row(share, now=utcnow())
