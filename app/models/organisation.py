"""Tenants and who may act for them: organisations, users, web sessions and API keys."""

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel, UniqueConstraint

from app.models.base import Timestamped, enum_field, json_field, timestamp


class Role(StrEnum):
    ADMIN = "admin"
    COACH = "coach"
    VIEWER = "viewer"


class Organisation(Timestamped, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)


class User(Timestamped, table=True):
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    email: str = Field(max_length=320, unique=True)
    name: str | None = Field(default=None, max_length=200)
    password_hash: str = Field(max_length=255)
    role: Role = enum_field(Role, Role.COACH)
    is_active: bool = True
    language: str = Field(default="nl", max_length=5)
    last_login_at: datetime | None = timestamp(nullable=True)


class WebSession(SQLModel, table=True):
    """A signed-in browser. The cookie carries a random id; only its hash is stored."""

    __tablename__ = "web_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    csrf_token: str = Field(max_length=64)
    created_at: datetime = timestamp(default_now=True)
    expires_at: datetime = timestamp(index=True)
    last_seen_at: datetime = timestamp(default_now=True)


class ApiKey(Timestamped, table=True):
    __tablename__ = "api_key"

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=200)
    prefix: str = Field(max_length=16, index=True)  # shown in lists to tell keys apart
    key_hash: str = Field(max_length=64, unique=True)
    scopes: list[str] = json_field(default_factory=lambda: ["read", "write"])
    last_used_at: datetime | None = timestamp(nullable=True)
    revoked_at: datetime | None = timestamp(nullable=True)


class RateLimitHit(SQLModel, table=True):
    """One counted attempt (a failed login, an unknown token), shared by every app instance."""

    __tablename__ = "rate_limit_hit"

    id: int | None = Field(default=None, primary_key=True)
    bucket: str = Field(max_length=200, index=True)
    created_at: datetime = timestamp(default_now=True, index=True)


class AuditEvent(SQLModel, table=True):
    """Who in an organisation viewed or exported what (GDPR accountability)."""

    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    user_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    api_key_id: int | None = Field(default=None, foreign_key="api_key.id", ondelete="SET NULL")
    action: str = Field(max_length=64)
    subject: str = Field(max_length=200)
    created_at: datetime = timestamp(default_now=True, index=True)


class IdempotencyRecord(SQLModel, table=True):
    """The first answer to a POST with an Idempotency-Key, replayed for retries."""

    __tablename__ = "idempotency_record"
    __table_args__ = (UniqueConstraint("scope", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    scope: str = Field(max_length=200)  # who may replay it: an API key or a survey token hash
    key: str = Field(max_length=255)
    request_hash: str = Field(max_length=64)
    status_code: int | None = None  # None only in claims left by older versions
    response_body: str | None = None
    created_at: datetime = timestamp(default_now=True, index=True)
