"""A collaboration, the parties in it and the people who answer for them."""

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    ConfigDict,
    EmailStr,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    StringConstraints,
)
from pydantic import Field as PydField
from sqlalchemy import JSON
from sqlmodel import Field, SQLModel

from app.models.base import StrictInput, Timestamped, enum_field, timestamp


class PartyKind(StrEnum):
    CLIENT = "client"
    CONTRACTOR = "contractor"
    PARTNER = "partner"
    OTHER = "other"


class Collaboration(Timestamped, table=True):
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=200)
    description: str = Field(default="", max_length=4000)
    language: str = Field(default="nl", max_length=5)
    anonymity_threshold: int = 3
    propensity_cutoff: float = 50.0
    analysis_cutoff: float = 50.0
    borderline_margin: float = 5.0
    show_own_position: bool = False  # partners see their own zone after submitting
    identified_mode: bool = False  # exports may contain individual rows
    # No default here: SQLAlchemy would put it in place of an explicit None ("reminders off").
    reminder_days_before_close: int | None = None
    # Alert thresholds: a drop of at least this many points; a response rate under this %.
    alert_decline_points: float = 5.0
    alert_participation_percent: float = 50.0
    # Comments are shown per group of at least this many commenters (and never below k).
    comment_threshold: int = 5
    archived_at: datetime | None = timestamp(nullable=True)


class Party(Timestamped, table=True):
    id: int | None = Field(default=None, primary_key=True)
    collaboration_id: int = Field(foreign_key="collaboration.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=200)
    kind: PartyKind = enum_field(PartyKind, PartyKind.PARTNER)


class Participant(Timestamped, table=True):
    """A person in a party; the pseudonym stays stable across rounds and survives erasure."""

    id: int | None = Field(default=None, primary_key=True)
    party_id: int = Field(foreign_key="party.id", index=True, ondelete="CASCADE")
    pseudonym: str = Field(max_length=32, unique=True)
    name: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=320)
    external_ref: str | None = Field(default=None, max_length=200, index=True)
    language: str | None = Field(default=None, max_length=5)
    erased_at: datetime | None = timestamp(nullable=True)
    # The parties this person rates; None: every other party of the collaboration.
    target_party_ids: list[int] | None = Field(default=None, sa_type=JSON, nullable=True)

    @property
    def erased(self) -> bool:
        """What the API reports: ParticipantPublic reads this attribute, not `erased_at`."""
        return self.erased_at is not None


# --- API shapes -------------------------------------------------------------------------------

Language = Annotated[str, StringConstraints(pattern="^(nl|en)$")]


class CollaborationCreate(StrictInput):
    name: StrictStr = PydField(min_length=1, max_length=200)
    description: StrictStr = PydField(default="", max_length=4000)
    language: Language = "nl"
    anonymity_threshold: StrictInt = PydField(default=3, ge=2, le=50)
    propensity_cutoff: StrictFloat = PydField(default=50, gt=0, lt=100)
    analysis_cutoff: StrictFloat = PydField(default=50, gt=0, lt=100)
    borderline_margin: StrictFloat = PydField(default=5, ge=0, le=25)
    show_own_position: StrictBool = False
    identified_mode: StrictBool = False
    reminder_days_before_close: StrictInt | None = PydField(default=3, ge=0, le=60)
    alert_decline_points: StrictFloat = PydField(default=5, gt=0, le=50)
    alert_participation_percent: StrictFloat = PydField(default=50, ge=0, le=100)
    comment_threshold: StrictInt = PydField(
        default=5,
        ge=2,
        le=100,
        description="Comments are shown only for groups of at least this many commenters; "
        "a value below the anonymity threshold acts as the threshold.",
    )


# The one setting a null changes ("no reminders"); the others keep their value when left out.
CLEARABLE_SETTINGS = frozenset({"reminder_days_before_close"})


def _null_only_where_clearable(schema: dict[str, Any]) -> None:
    """Document what the update accepts: leave a setting out to keep it; null is no value."""
    for name, field in schema.get("properties", {}).items():
        options = field.get("anyOf")
        if name in CLEARABLE_SETTINGS or not options:
            continue
        kept = [option for option in options if option.get("type") != "null"]
        del field["anyOf"]
        field.update(kept[0] if len(kept) == 1 else {"anyOf": kept})
        field.pop("default", None)


class CollaborationUpdate(StrictInput):
    model_config = ConfigDict(json_schema_extra=_null_only_where_clearable)

    name: StrictStr | None = PydField(default=None, min_length=1, max_length=200)
    description: StrictStr | None = PydField(default=None, max_length=4000)
    language: Language | None = None
    anonymity_threshold: StrictInt | None = PydField(default=None, ge=2, le=50)
    propensity_cutoff: StrictFloat | None = PydField(default=None, gt=0, lt=100)
    analysis_cutoff: StrictFloat | None = PydField(default=None, gt=0, lt=100)
    borderline_margin: StrictFloat | None = PydField(default=None, ge=0, le=25)
    show_own_position: StrictBool | None = None
    identified_mode: StrictBool | None = None
    reminder_days_before_close: StrictInt | None = PydField(default=None, ge=0, le=60)
    alert_decline_points: StrictFloat | None = PydField(default=None, gt=0, le=50)
    alert_participation_percent: StrictFloat | None = PydField(default=None, ge=0, le=100)
    comment_threshold: StrictInt | None = PydField(default=None, ge=2, le=100)


class CollaborationPublic(SQLModel):
    id: int
    name: str
    description: str
    language: str
    anonymity_threshold: int
    propensity_cutoff: float
    analysis_cutoff: float
    borderline_margin: float
    show_own_position: bool
    identified_mode: bool
    reminder_days_before_close: int | None
    alert_decline_points: float = 5.0
    alert_participation_percent: float = 50.0
    comment_threshold: int = 5
    created_at: datetime
    updated_at: datetime


class PartyCreate(StrictInput):
    name: StrictStr = PydField(min_length=1, max_length=200)
    kind: PartyKind = PartyKind.PARTNER


class PartyPublic(SQLModel):
    id: int
    collaboration_id: int
    name: str
    kind: PartyKind
    created_at: datetime
    updated_at: datetime


class ParticipantCreate(StrictInput):
    name: StrictStr | None = PydField(default=None, max_length=200)
    email: EmailStr | None = None
    external_ref: StrictStr | None = PydField(default=None, min_length=1, max_length=200)
    language: Language | None = None


class ParticipantPublic(SQLModel):
    id: int
    party_id: int
    pseudonym: str
    name: str | None
    email: str | None
    external_ref: str | None
    language: str | None
    target_party_ids: list[int] | None = PydField(
        default=None, description="The parties this person rates; null: every other party."
    )
    erased: bool = PydField(
        default=False, description="True once the person was erased: their details are gone."
    )
    created_at: datetime
    updated_at: datetime


MAX_BATCH_PARTICIPANTS = 5000


class ParticipantBatch(StrictInput):
    participants: list[ParticipantCreate] = PydField(
        min_length=1,
        max_length=MAX_BATCH_PARTICIPANTS,
        description=f"1 to {MAX_BATCH_PARTICIPANTS} participants, added all together or not at"
        " all. A problem in any row is reported per row (`participants.<index>.<field>`).",
    )


class ParticipantBatchPublic(SQLModel):
    created: int = PydField(description="How many participants were added.")
    items: list[ParticipantPublic] = PydField(description="The new participants, in body order.")


class TargetsUpdate(StrictInput):
    """Who rates whom: the parties to rate, or null for every other party (the default)."""

    target_party_ids: list[StrictInt] | None = PydField(
        max_length=200,
        description="Ids of other parties in the same collaboration; null restores the default.",
    )


class PartyTargetsPublic(SQLModel):
    updated: int = PydField(description="How many participants of the party were changed.")
    items: list[ParticipantPublic] = PydField(description="The party's participants, oldest first.")
