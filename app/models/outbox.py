"""Queued side effects (e-mail, webhooks) and the webhook subscriptions that produce them."""

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import Field as PydField
from pydantic import StrictStr, field_validator
from sqlmodel import Field, Index, SQLModel

from app.models.base import StrictInput, Timestamped, enum_field, json_field, timestamp


class JobKind(StrEnum):
    EMAIL = "email"
    WEBHOOK = "webhook"


class JobStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    DONE = "done"
    FAILED = "failed"  # gave up after the last retry


class OutboxJob(Timestamped, table=True):
    __tablename__ = "outbox_job"
    __table_args__ = (Index("ix_outbox_job_due", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    kind: JobKind = enum_field(JobKind)
    payload: dict[str, Any] = json_field()
    status: JobStatus = enum_field(JobStatus, JobStatus.PENDING)
    attempts: int = 0
    next_attempt_at: datetime = timestamp(default_now=True)
    locked_until: datetime | None = timestamp(nullable=True)
    last_error: str | None = Field(default=None, max_length=2000)
    webhook_id: int | None = Field(
        default=None, foreign_key="webhook.id", index=True, ondelete="CASCADE"
    )
    invitation_id: int | None = Field(
        default=None, foreign_key="invitation.id", index=True, ondelete="SET NULL"
    )


class Webhook(Timestamped, table=True):
    """A subscription. The signing secret is derived from SECRET_KEY and `secret_salt`,
    so no usable secret is ever stored in the database."""

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    url: str = Field(max_length=2000)
    events: list[str] = json_field(default_factory=list)
    secret_salt: str = Field(max_length=64)
    is_active: bool = True
    last_status: str | None = Field(default=None, max_length=200)
    last_delivery_at: datetime | None = timestamp(nullable=True)


# --- API shapes -------------------------------------------------------------------------------

# The same names as app.services.messaging.events.EVENTS (a test keeps them equal).
WebhookEvent = Literal["response.submitted", "round.closed", "alert.raised", "agreement.changed"]


class WebhookCreate(StrictInput):
    url: StrictStr = PydField(
        min_length=8,
        max_length=2000,
        pattern=r"^https?://[^\s]+$",
        description="Where deliveries are POSTed (https; http only outside production).",
    )
    events: list[WebhookEvent] = PydField(
        min_length=1,
        max_length=4,
        description="The events to receive, each once.",
        json_schema_extra={"uniqueItems": True},
    )

    @field_validator("events")
    @classmethod
    def _no_repeats(cls, events: list[str]) -> list[str]:
        if len(set(events)) != len(events):
            raise ValueError("each event may be listed once")
        return events


class WebhookPublic(SQLModel):
    id: int
    url: str
    events: list[str]
    is_active: bool
    last_status: str | None = PydField(description="Outcome of the latest delivery attempt.")
    last_delivery_at: datetime | None
    created_at: datetime
    updated_at: datetime


class WebhookCreated(WebhookPublic):
    secret: str = PydField(
        description="The signing secret. Shown once, in this response only: store it now."
    )
