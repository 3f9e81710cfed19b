"""Share links: a read-only, revocable view of chosen sections of one round's results."""

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, field_validator
from pydantic import Field as PydField
from sqlmodel import Field

from app.models.base import StrictInput, Timestamped, json_field, timestamp


class ShareSection(StrEnum):
    MATRIX = "matrix"
    MIRROR = "mirror"
    CHANGES = "changes"
    AGREEMENTS = "agreements"


class Share(Timestamped, table=True):
    """Only the token's hash is stored; the token is derived from SECRET_KEY and the salt."""

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="round.id", index=True, ondelete="CASCADE")
    token_hash: str = Field(max_length=64, unique=True)
    token_salt: str = Field(max_length=64)
    sections: list[str] = json_field(default_factory=list)
    expires_at: datetime | None = timestamp(nullable=True)
    revoked_at: datetime | None = timestamp(nullable=True)


# --- API shapes -------------------------------------------------------------------------------


class ShareCreate(StrictInput):
    sections: list[ShareSection] = PydField(
        min_length=1,
        max_length=4,
        description="What partners may see: `matrix`, `mirror`, `changes`, `agreements`.",
        json_schema_extra={"uniqueItems": True},
    )
    expires_at: datetime | None = PydField(
        default=None, description="When the link stops working (with timezone); null: never."
    )

    @field_validator("sections")
    @classmethod
    def _no_repeats(cls, sections: list[ShareSection]) -> list[ShareSection]:
        if len(set(sections)) != len(sections):
            raise ValueError("each section may be listed once")
        return sections

    @field_validator("expires_at", mode="before")
    @classmethod
    def _text_only(cls, value: object) -> object:
        if isinstance(value, int | float):
            raise ValueError("give the time as text, e.g. 2026-03-01T09:00:00Z")
        return value

    @field_validator("expires_at")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("needs a timezone, e.g. 2026-03-01T09:00:00Z")
        return value


class SharePublic(BaseModel):
    id: int
    round_id: int
    sections: list[ShareSection]
    url: str = PydField(description="The read-only page partners open, /r/{token}.")
    expires_at: datetime | None
    revoked_at: datetime | None
    created_at: datetime


class ShareCreated(SharePublic):
    token: str = PydField(description="The link's secret; it is part of `url`.")
