"""Queued side effects (e-mail, webhooks) and the webhook subscriptions that produce them."""

import re
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


# The URL's shape as a pattern (a host name or IP literal, a port from 1 to 65535, a path
# without spaces); the service parses it again and names what is wrong in words.
_LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_PORT = "(?:6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3})"
URL_PATTERN = (
    rf"^https?://(?:{_LABEL}(?:\.{_LABEL})*\.?|\[[0-9A-Fa-f:.]+\])(?::{_PORT})?"
    r"(?:[/?#][\x21-\x5b\x5d-\x7e]*)?$"
)


class WebhookCreate(StrictInput):
    url: StrictStr = PydField(
        min_length=8,
        max_length=2000,
        json_schema_extra={"pattern": URL_PATTERN},
        description=(
            "Where deliveries are POSTed: http(s)://host[:port][/path], the host a DNS name "
            "(IDNA names in their xn-- form, at most 253 characters) or an IP literal that is "
            "a valid address; no user name or password. In production only https, and only "
            "hosts that resolve to public addresses (checked again at every delivery). The "
            "pattern cannot express all of this: such URLs are refused with 422 naming `url`."
        ),
    )
    events: list[WebhookEvent] = PydField(
        min_length=1,
        max_length=4,
        description="The events to receive, each once.",
        json_schema_extra={"uniqueItems": True},
    )

    @field_validator("url")
    @classmethod
    def _url_shape(cls, url: str) -> str:
        if not re.match(URL_PATTERN, url):
            raise ValueError(
                "must be a URL like https://hooks.example.org/trustmeter: a host name or IP "
                "address, an optional port from 1 to 65535, and no spaces or backslashes"
            )
        return url

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
