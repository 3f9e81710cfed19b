"""Alerts a coach must see: zone moves, significant declines, low participation."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlmodel import Field, UniqueConstraint

from app.models.base import Timestamped, enum_field, json_field, timestamp

NOTE_MAX_LENGTH = 500


class AlertKind(StrEnum):
    ZONE_MOVE = "zone_move"
    DECLINE = "decline"
    LOW_PARTICIPATION = "low_participation"


class Alert(Timestamped, table=True):
    # One alert per finding: recomputing trends never raises the same alert twice.
    __table_args__ = (
        UniqueConstraint("round_id", "party_id", "target_party_id", "kind", "measure"),
    )

    id: int | None = Field(default=None, primary_key=True)
    collaboration_id: int = Field(foreign_key="collaboration.id", index=True, ondelete="CASCADE")
    round_id: int = Field(foreign_key="round.id", index=True, ondelete="CASCADE")
    party_id: int = Field(foreign_key="party.id", index=True, ondelete="CASCADE")
    target_party_id: int | None = Field(default=None, foreign_key="party.id", ondelete="CASCADE")
    kind: AlertKind = enum_field(AlertKind)
    measure: str = Field(default="", max_length=64)
    detail: dict[str, Any] = json_field()
    acknowledged_at: datetime | None = timestamp(nullable=True)
    acknowledged_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    # What the coach did or decided about it; shown next to the alert for as long as it exists.
    acknowledged_note: str | None = Field(default=None, max_length=NOTE_MAX_LENGTH)
