"""Partners' open comments per target party, and when they answered each survey page."""

from datetime import datetime

from pydantic import BaseModel
from pydantic import Field as PydField
from sqlmodel import Field, UniqueConstraint

from app.models.base import Timestamped, timestamp

COMMENT_MAX_LENGTH = 2000


class Comment(Timestamped, table=True):
    """One partner's comment about one target party in one round; never shown with a name.

    The party columns are copied from the invitation so the coach's view groups comments per
    directed pair without a join.
    """

    __table_args__ = (UniqueConstraint("invitation_id", "target_party_id"),)

    id: int | None = Field(default=None, primary_key=True)
    invitation_id: int = Field(foreign_key="invitation.id", ondelete="CASCADE")
    round_id: int = Field(foreign_key="round.id", index=True, ondelete="CASCADE")
    participant_id: int = Field(foreign_key="participant.id", index=True, ondelete="CASCADE")
    truster_party_id: int = Field(foreign_key="party.id", ondelete="CASCADE")
    target_party_id: int = Field(foreign_key="party.id", ondelete="CASCADE")
    text: str = Field(max_length=COMMENT_MAX_LENGTH)


class PageTiming(Timestamped, table=True):
    """How long a partner spent on one survey page, added up over their visits."""

    __table_args__ = (UniqueConstraint("invitation_id", "page"),)

    id: int | None = Field(default=None, primary_key=True)
    invitation_id: int = Field(foreign_key="invitation.id", ondelete="CASCADE")
    round_id: int = Field(foreign_key="round.id", index=True, ondelete="CASCADE")
    page: int
    items: int  # statements on the page (0 for a comment page): seconds per statement
    seconds: float
    answered_at: datetime = timestamp(default_now=True)


# --- API shapes -------------------------------------------------------------------------------


class CommentGroupOut(BaseModel):
    """The comments of one directed pair; the texts only when enough people commented."""

    truster_party_id: int
    target_party_id: int
    shown: bool = PydField(description="false: fewer commenters than the comment threshold.")
    count: int | None = PydField(description="Commenters; null when the group is not shown.")
    comments: list[str] = PydField(description="Texts in random order, never with an author.")


class RoundCommentsOut(BaseModel):
    round_id: int
    threshold: int = PydField(description="Commenters a group needs before it is shown.")
    groups: list[CommentGroupOut]
