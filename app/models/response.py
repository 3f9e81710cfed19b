"""A partner's answers about one target party in one round, stored with their scale scores."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, StrictBool, StrictInt, StrictStr
from pydantic import Field as PydField
from sqlmodel import Field, Index, UniqueConstraint

from app.models.base import StrictFields, StrictInput, Timestamped, json_field, timestamp


class Response(Timestamped, table=True):
    """Answers are a JSON map item id -> value (None = don't know); scores are computed once.

    truster/target/round/participant are copied from the invitation so that aggregation is a
    single indexed scan, never a join per response.
    """

    __table_args__ = (
        UniqueConstraint("invitation_id", "target_party_id"),
        Index("ix_response_round_submitted", "round_id", "submitted_at"),
        # Covers the trends' freshness stamp (count, max id, max updated_at per round).
        Index("ix_response_round_updated", "round_id", "updated_at"),
    )

    # Every index is written by every submission, so only those that queries use: the unique
    # constraint serves lookups by invitation, the round indexes serve aggregation, and
    # erasing a participant finds their rows by participant. Parties are looked up through
    # the round, never alone.
    id: int | None = Field(default=None, primary_key=True)
    invitation_id: int = Field(foreign_key="invitation.id", ondelete="CASCADE")
    round_id: int = Field(foreign_key="round.id", ondelete="CASCADE")
    participant_id: int = Field(foreign_key="participant.id", index=True, ondelete="CASCADE")
    truster_party_id: int = Field(foreign_key="party.id", ondelete="CASCADE")
    target_party_id: int = Field(foreign_key="party.id", ondelete="CASCADE")
    answers: dict[str, Any] = json_field()
    scores: dict[str, Any] = json_field()  # scale key -> 0..100 or None
    propensity: float | None = None
    analysis: float | None = None
    zone: str | None = Field(default=None, max_length=16)
    submitted_at: datetime | None = timestamp(nullable=True)


# --- API shapes -------------------------------------------------------------------------------


class AnswerIn(StrictFields):
    target_party_id: StrictInt = PydField(description="The party this answer is about.")
    item_id: StrictStr = PydField(min_length=1, max_length=64)
    value: StrictInt | None = PydField(description="A point on the scale; null = don't know.")


class CommentIn(StrictFields):
    target_party_id: StrictInt = PydField(
        description="The party the comment is about: one of the invitation's target parties."
    )
    text: StrictStr = PydField(
        description="The partner's own words, trimmed; at most 2,000 characters (a line break "
        "counts as one). Line breaks and tabs are kept, other control characters are refused. "
        "An empty text deletes the comment saved before."
    )


class ResponseSubmission(StrictInput):
    answers: list[AnswerIn] = PydField(
        max_length=5000,
        description="Required, may be empty when `final` submits what was saved before. A "
        "final submission with nothing answered at all is refused (422 naming `answers`).",
    )
    final: StrictBool = PydField(
        default=False, description="true submits: no further changes are accepted."
    )
    comments: list[CommentIn] = PydField(
        default_factory=list,
        max_length=100,
        description="Optional open comments, at most one per target party, only when the "
        "round's questionnaire asks for them (it has a `comment_prompt`). Each replaces the "
        "comment saved before about that party; parties not listed keep theirs. Coaches see "
        "comments only for a group of at least the collaboration's comment threshold of "
        "commenters, never with a name, and never in webhooks: tell partners so before they "
        "write. A bad comment refuses the whole request (422 naming `comments.N.text` or "
        "`comments.N.target_party_id`) and saves nothing.",
    )


class TargetProgress(BaseModel):
    target_party_id: int
    answered: int
    total: int
    zone: str | None = PydField(
        default=None, description="Only when the collaboration shows partners their position."
    )


class SubmissionResult(BaseModel):
    invitation_id: int
    status: str
    submitted_at: datetime | None
    targets: list[TargetProgress]
