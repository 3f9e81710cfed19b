"""Questionnaire versions: immutable definitions a round locks so trends stay comparable."""

from datetime import datetime
from typing import Any

from sqlmodel import Field, SQLModel, UniqueConstraint

from app.models.base import Timestamped, json_field


class Questionnaire(Timestamped, table=True):
    """One version of a questionnaire. `organisation_id` is None for the built-in ones."""

    __table_args__ = (UniqueConstraint("organisation_id", "key", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int | None = Field(
        default=None, foreign_key="organisation.id", index=True, ondelete="CASCADE"
    )
    key: str = Field(max_length=100)
    version: int
    title: str = Field(max_length=200)
    definition: dict[str, Any] = json_field()


# --- API shapes -------------------------------------------------------------------------------


class QuestionnairePublic(SQLModel):
    """A stored version: its definition (range, scales, items) plus where it comes from."""

    id: int
    key: str
    version: int
    builtin: bool
    min: int
    max: int
    title: dict[str, str]
    range: dict[str, Any]
    anchors: list[dict[str, Any]]
    scales: list[dict[str, Any]]
    items: list[dict[str, Any]]
    comment_prompt: dict[str, str] | None = None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_row(cls, row: Questionnaire) -> "QuestionnairePublic":
        definition = row.definition
        assert row.id is not None
        return cls(
            id=row.id,
            key=row.key,
            version=row.version,
            builtin=row.organisation_id is None,
            min=definition["range"]["min"],
            max=definition["range"]["max"],
            title=definition["title"],
            range=definition["range"],
            anchors=definition.get("anchors", []),
            scales=definition["scales"],
            items=definition["items"],
            comment_prompt=definition.get("comment_prompt"),
            created_at=row.created_at,
            updated_at=row.updated_at,
        )
