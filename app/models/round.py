"""Measurement rounds and the personal invitations they send out."""

from datetime import datetime
from enum import StrEnum
from typing import Self

from pydantic import Field as PydField
from pydantic import StrictInt, field_validator, model_validator
from sqlmodel import Field, SQLModel, UniqueConstraint

from app.models.base import Line, StrictInput, Timestamped, enum_field, json_field, timestamp


class Phase(StrEnum):
    PREPARATION = "preparation"
    TENDER = "tender"
    EXECUTION = "execution"
    EVALUATION = "evaluation"
    OTHER = "other"


class RoundStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class Round(Timestamped, table=True):
    id: int | None = Field(default=None, primary_key=True)
    collaboration_id: int = Field(foreign_key="collaboration.id", index=True, ondelete="CASCADE")
    questionnaire_id: int = Field(foreign_key="questionnaire.id", index=True, ondelete="RESTRICT")
    label: str = Field(max_length=200)
    phase: Phase = enum_field(Phase, Phase.OTHER)
    status: RoundStatus = enum_field(RoundStatus, RoundStatus.DRAFT)
    opens_at: datetime | None = timestamp(nullable=True)
    closes_at: datetime | None = timestamp(nullable=True)
    opened_at: datetime | None = timestamp(nullable=True)
    closed_at: datetime | None = timestamp(nullable=True)
    # Why the worker could not open the round at opens_at (no parties, no participants);
    # it tries again a while after `schedule_attempted_at`.
    schedule_error: str | None = Field(default=None, max_length=500)
    schedule_attempted_at: datetime | None = timestamp(nullable=True)


class InvitationStatus(StrEnum):
    PENDING = "pending"
    STARTED = "started"
    SUBMITTED = "submitted"
    REVOKED = "revoked"


class Invitation(Timestamped, table=True):
    """One participant's personal link for one round; only the token's hash is stored."""

    __table_args__ = (UniqueConstraint("round_id", "participant_id"),)

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="round.id", index=True, ondelete="CASCADE")
    participant_id: int = Field(foreign_key="participant.id", index=True, ondelete="CASCADE")
    party_id: int = Field(foreign_key="party.id", index=True, ondelete="CASCADE")
    token_hash: str = Field(max_length=64, unique=True)
    # The link's token is derived from SECRET_KEY and this salt, so reminders can rebuild it
    # while the database holds nothing that opens the questionnaire.
    token_salt: str = Field(max_length=64)
    # The partner's resume code, hashed: saved answers are shown only to whoever holds it
    # (the browser that first saved them keeps it in a cookie; elsewhere it is typed in).
    resume_hash: str | None = Field(default=None, max_length=64)
    # What the resume code's hash is salted with once the link was replaced (the old link's
    # hash): a new personal link must not lock the partner out of the answers they saved.
    resume_salt: str | None = Field(default=None, max_length=64)
    target_party_ids: list[int] = json_field(default_factory=list)
    # Each target's kind (party id as text -> kind) when the invitation was made, so the
    # items asked about it stay the same for the whole round.
    target_kinds: dict[str, str] = json_field()
    status: InvitationStatus = enum_field(InvitationStatus, InvitationStatus.PENDING)
    language: str | None = Field(default=None, max_length=5)
    submitted_at: datetime | None = timestamp(nullable=True)
    last_saved_at: datetime | None = timestamp(nullable=True)
    invited_at: datetime | None = timestamp(nullable=True)
    reminded_at: datetime | None = timestamp(nullable=True)


# --- API shapes -------------------------------------------------------------------------------


class RoundCreate(StrictInput):
    label: Line = PydField(min_length=1, max_length=200)
    questionnaire_id: StrictInt = PydField(ge=1, le=2_147_483_647)
    phase: Phase = Phase.OTHER
    opens_at: datetime | None = None
    closes_at: datetime | None = None

    @field_validator("opens_at", "closes_at", mode="before")
    @classmethod
    def _text_only(cls, value: object) -> object:
        # Lax parsing would read a number as Unix seconds: refuse it rather than guess.
        if isinstance(value, int | float):
            raise ValueError("give the time as text, e.g. 2026-03-01T09:00:00Z")
        return value

    @field_validator("opens_at", "closes_at")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        # Checked per field so the error names it (the model check below cannot).
        if value is not None and value.tzinfo is None:
            raise ValueError("needs a timezone, e.g. 2026-03-01T09:00:00Z")
        return value

    @model_validator(mode="after")
    def _dates_in_order(self) -> Self:
        for name in ("opens_at", "closes_at"):
            value = getattr(self, name)
            if value is not None and value.tzinfo is None:
                raise ValueError(f"{name} needs a timezone, e.g. 2026-03-01T09:00:00Z")
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValueError("closes_at must be after opens_at")
        return self


class RoundPublic(SQLModel):
    id: int
    collaboration_id: int
    questionnaire_id: int
    label: str
    phase: Phase
    status: RoundStatus
    opens_at: datetime | None
    closes_at: datetime | None
    opened_at: datetime | None
    closed_at: datetime | None
    schedule_error: str | None = PydField(
        default=None,
        description="Why the worker could not open the round at `opens_at` (it tries again "
        "every 15 minutes); null when nothing went wrong.",
    )
    created_at: datetime
    updated_at: datetime


class InvitationPublic(SQLModel):
    id: int
    participant_id: int
    party_id: int
    status: InvitationStatus
    target_party_ids: list[int]
    token: str | None = PydField(
        default=None, description="Only in the response that created the invitation."
    )
    url: str | None = PydField(default=None, description="The partner's personal link.")
    submitted_at: datetime | None = None
    created_at: datetime
    updated_at: datetime


class RoundOpened(SQLModel):
    round: RoundPublic
    invitations: list[InvitationPublic]
