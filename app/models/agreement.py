"""Agreements made after a round, the partners' follow-up answers, and the coach's round notes."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, StrictInt, StrictStr
from pydantic import Field as PydField
from sqlmodel import Field, SQLModel, UniqueConstraint

from app.models.base import Line, StrictInput, Text, Timestamped, enum_field, json_field


class AgreementStatus(StrEnum):
    OPEN = "open"
    KEPT = "kept"
    NOT_KEPT = "not_kept"
    DROPPED = "dropped"


class Agreement(Timestamped, table=True):
    """What parties agreed after `round_id`; the partners judge it in `check_round_id`."""

    id: int | None = Field(default=None, primary_key=True)
    collaboration_id: int = Field(foreign_key="collaboration.id", index=True, ondelete="CASCADE")
    round_id: int = Field(foreign_key="round.id", index=True, ondelete="CASCADE")
    check_round_id: int | None = Field(
        default=None, foreign_key="round.id", index=True, ondelete="SET NULL"
    )
    title: str = Field(max_length=200)
    description: str = Field(default="", max_length=4000)
    area: str | None = Field(default=None, max_length=64)
    committing_party_ids: list[int] = json_field(default_factory=list)
    target_party_id: int | None = Field(
        default=None, foreign_key="party.id", index=True, ondelete="SET NULL"
    )
    status: AgreementStatus = enum_field(AgreementStatus, AgreementStatus.OPEN)


class AgreementCheck(Timestamped, table=True):
    """One partner's answer to "was it kept?"; `value` None is "don't know"."""

    __tablename__ = "agreement_check"
    __table_args__ = (UniqueConstraint("agreement_id", "invitation_id"),)

    id: int | None = Field(default=None, primary_key=True)
    agreement_id: int = Field(foreign_key="agreement.id", ondelete="CASCADE")
    invitation_id: int = Field(foreign_key="invitation.id", index=True, ondelete="CASCADE")
    value: int | None = None


class RoundNote(Timestamped, table=True):
    """The coach's own notes on a round: never shown to partners, never in a share."""

    __tablename__ = "round_note"

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="round.id", unique=True, ondelete="CASCADE")
    body: str = Field(default="", max_length=20000)


# --- API shapes -------------------------------------------------------------------------------

Id = StrictInt
MAX_ID = 2_147_483_647

# Fields a null empties in an update; leaving a field out keeps it.
CLEARABLE_AGREEMENT_FIELDS = frozenset({"area", "target_party_id", "check_round_id"})


class AgreementCreate(StrictInput):
    title: Line = PydField(min_length=1, max_length=200)
    description: Text = PydField(default="", max_length=4000)
    area: StrictStr | None = PydField(
        default=None,
        max_length=64,
        description="A scale key of the round's questionnaire, e.g. `commitments`.",
    )
    committing_party_ids: list[Id] = PydField(
        min_length=1,
        max_length=50,
        description="The parties that commit to it (at least one, each once).",
        json_schema_extra={"uniqueItems": True},
    )
    target_party_id: Id | None = PydField(
        default=None, ge=1, le=MAX_ID, description="The other side of the relationship it serves."
    )
    round_id: Id = PydField(ge=1, le=MAX_ID, description="The round after which it was made.")
    check_round_id: Id | None = PydField(
        default=None, ge=1, le=MAX_ID, description="A later round in which the partners judge it."
    )
    status: AgreementStatus = AgreementStatus.OPEN


def _null_only_where_clearable(schema: dict[str, Any]) -> None:
    for name, field in schema.get("properties", {}).items():
        options = field.get("anyOf")
        if name in CLEARABLE_AGREEMENT_FIELDS or not options:
            continue
        kept = [option for option in options if option.get("type") != "null"]
        del field["anyOf"]
        field.update(kept[0] if len(kept) == 1 else {"anyOf": kept})
        field.pop("default", None)


class AgreementUpdate(StrictInput):
    model_config = ConfigDict(json_schema_extra=_null_only_where_clearable)

    title: Line | None = PydField(default=None, min_length=1, max_length=200)
    description: Text | None = PydField(default=None, max_length=4000)
    area: StrictStr | None = PydField(default=None, max_length=64)
    committing_party_ids: list[Id] | None = PydField(
        default=None, min_length=1, max_length=50, json_schema_extra={"uniqueItems": True}
    )
    target_party_id: Id | None = PydField(default=None, ge=1, le=MAX_ID)
    check_round_id: Id | None = PydField(default=None, ge=1, le=MAX_ID)
    status: AgreementStatus | None = None


class AreaScoreOut(BaseModel):
    """The area's mean (0-100) in one round for the relationship the agreement serves."""

    round_id: int
    n: int | None = PydField(description="Respondents; null when suppressed.")
    suppressed: bool = PydField(description="Fewer than k respondents somewhere in the group.")
    mean: float | None
    ci_low: float | None
    ci_high: float | None


class VerdictOut(BaseModel):
    """The partners' answers to "was it kept?" in the checking round, on a 1-5 scale."""

    round_id: int
    n: int | None = PydField(description="Partners who gave a rating; null when suppressed.")
    suppressed: bool
    mean: float | None = PydField(description="1 = not at all kept ... 5 = fully kept.")
    dont_know: int | None = PydField(description="Partners who said they did not know.")
    scale_min: int = 1
    scale_max: int = 5


class AgreementOutcome(BaseModel):
    area: str | None
    before: AreaScoreOut | None = PydField(description="In the round the agreement was made.")
    after: AreaScoreOut | None = PydField(description="In the round it is checked.")
    verdict: VerdictOut | None = PydField(description="Null until a checking round is set.")


class AgreementPublic(SQLModel):
    id: int
    collaboration_id: int
    round_id: int
    check_round_id: int | None
    title: str
    description: str
    area: str | None
    committing_party_ids: list[int]
    target_party_id: int | None
    status: AgreementStatus
    outcome: AgreementOutcome
    created_at: datetime
    updated_at: datetime


# --- The follow-up question through the API -----------------------------------------------


class AgreementAnswerIn(StrictInput):
    agreement_id: Id = PydField(ge=1, le=MAX_ID, description="An agreement this partner is asked.")
    value: StrictInt | None = PydField(
        ge=1, le=5, description="1 = not at all kept ... 5 = fully kept; null = don't know."
    )


class AgreementAnswers(StrictInput):
    answers: list[AgreementAnswerIn] = PydField(
        default_factory=list,
        max_length=200,
        description="Each agreement at most once; an empty list saves nothing.",
    )


class PartyRef(BaseModel):
    id: int
    name: str


class FollowUpQuestion(BaseModel):
    """One agreement the partner is asked about, with what they saved so far."""

    agreement_id: int
    title: str
    description: str
    committing_parties: list[PartyRef]
    target_party: PartyRef | None
    answered: bool = PydField(description="Whether an answer (a rating or don't know) is saved.")
    value: int | None = PydField(description="The saved rating; null: don't know or no answer.")


class FollowUpQuestions(BaseModel):
    scale_min: int = 1
    scale_max: int = 5
    questions: list[FollowUpQuestion]


class RoundNoteIn(StrictInput):
    body: Text = PydField(
        max_length=20000,
        description="Plain text (line breaks and tabs, no other control characters); empty "
        "removes the note.",
    )


class RoundNotePublic(BaseModel):
    round_id: int
    body: str
