"""The measuring rhythm of a collaboration, and who hears about its alerts and how."""

from datetime import datetime
from enum import StrEnum
from typing import Self

from pydantic import Field as PydField
from pydantic import StrictBool, StrictInt, field_validator, model_validator
from sqlmodel import Field, SQLModel, UniqueConstraint

from app.models.base import Line, StrictInput, Timestamped, enum_field, timestamp
from app.models.round import Phase

# A month counts as 28 days here: a round must close before the next one can open.
DAYS_PER_UNIT = {"weeks": 7, "months": 28}


class CadenceUnit(StrEnum):
    WEEKS = "weeks"
    MONTHS = "months"


class Cadence(Timestamped, table=True):
    """Every `every` `unit`s from `anchor_at`, a round opens for `open_days` days."""

    id: int | None = Field(default=None, primary_key=True)
    collaboration_id: int = Field(foreign_key="collaboration.id", unique=True, ondelete="CASCADE")
    questionnaire_id: int = Field(foreign_key="questionnaire.id", index=True, ondelete="RESTRICT")
    every: int
    unit: CadenceUnit = enum_field(CadenceUnit)
    open_days: int
    label: str = Field(max_length=200)
    phase: Phase = enum_field(Phase, Phase.OTHER)
    anchor_at: datetime = timestamp()
    # Occurrences are counted from the anchor, so months never drift (31 Jan, 28 Feb, 31 Mar).
    next_index: int = 0
    next_opens_at: datetime = timestamp(index=True)
    paused_at: datetime | None = timestamp(nullable=True)


class AlertMailMode(StrEnum):
    IMMEDIATE = "immediate"
    DIGEST = "digest"
    NONE = "none"


class AlertSubscription(Timestamped, table=True):
    """One user's choice for one collaboration; without a row, coaches and admins get
    immediate e-mails (so a cadence set up once reaches its coach without more clicks)."""

    __tablename__ = "alert_subscription"
    __table_args__ = (UniqueConstraint("user_id", "collaboration_id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    collaboration_id: int = Field(foreign_key="collaboration.id", index=True, ondelete="CASCADE")
    mode: AlertMailMode = enum_field(AlertMailMode, AlertMailMode.IMMEDIATE)
    # When the last digest went out (the next is due a week later), and the newest alert it
    # covered: ids, not times, so no alert is left out or sent twice whatever the clocks say.
    digested_until: datetime = timestamp(default_now=True)
    digested_alert_id: int = 0


# --- API shapes -------------------------------------------------------------------------------


class CadenceSet(StrictInput):
    every: StrictInt = PydField(ge=1, le=52, description="How many units between openings.")
    unit: CadenceUnit = PydField(description="`weeks` or `months`.")
    open_days: StrictInt = PydField(
        ge=1, le=90, description="How many days each round stays open; shorter than the interval."
    )
    questionnaire_id: StrictInt = PydField(ge=1, le=2_147_483_647)
    label: Line = PydField(
        default="Meting {n}",
        min_length=1,
        max_length=200,
        description="The rounds' label; `{n}` becomes the round's number in the collaboration.",
    )
    phase: Phase = Phase.OTHER
    starts_at: datetime = PydField(description="When the first round opens (with a timezone).")
    paused: StrictBool = PydField(default=False, description="True: no rounds are made for now.")

    @field_validator("starts_at", mode="before")
    @classmethod
    def _text_only(cls, value: object) -> object:
        if isinstance(value, int | float):
            raise ValueError("give the time as text, e.g. 2026-03-01T09:00:00Z")
        return value

    @field_validator("starts_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("needs a timezone, e.g. 2026-03-01T09:00:00Z")
        return value

    @model_validator(mode="after")
    def _closes_before_the_next(self) -> Self:
        if self.open_days >= self.every * DAYS_PER_UNIT[self.unit.value]:
            raise ValueError("open_days must be shorter than the interval between rounds")
        return self


class CadencePublic(SQLModel):
    collaboration_id: int
    every: int
    unit: CadenceUnit
    open_days: int
    questionnaire_id: int
    label: str
    phase: Phase
    paused: bool
    next_opens_at: datetime | None = PydField(description="Null while paused.")
    upcoming: list["UpcomingRound"] = PydField(
        description="The next rounds the cadence will make (none while paused)."
    )
    created_at: datetime
    updated_at: datetime


class UpcomingRound(SQLModel):
    label: str
    opens_at: datetime
    closes_at: datetime


CadencePublic.model_rebuild()
