"""Every table, imported in one place so Alembic and the app see the whole schema."""

from app.models.agreement import Agreement, AgreementCheck, AgreementStatus, RoundNote
from app.models.alert import Alert, AlertKind
from app.models.base import metadata, utcnow
from app.models.caught_mail import CaughtMail
from app.models.collaboration import Collaboration, Participant, Party, PartyKind
from app.models.comment import Comment, PageTiming
from app.models.organisation import (
    ApiKey,
    AuditEvent,
    IdempotencyRecord,
    Organisation,
    RateLimitHit,
    Role,
    User,
    WebSession,
)
from app.models.outbox import JobKind, JobStatus, OutboxJob, Webhook
from app.models.questionnaire import Questionnaire
from app.models.response import Response
from app.models.round import Invitation, InvitationStatus, Phase, Round, RoundStatus
from app.models.schedule import AlertMailMode, AlertSubscription, Cadence, CadenceUnit
from app.models.share import Share, ShareSection

__all__ = [
    "Agreement",
    "AgreementCheck",
    "AgreementStatus",
    "Alert",
    "AlertKind",
    "AlertMailMode",
    "AlertSubscription",
    "ApiKey",
    "AuditEvent",
    "Cadence",
    "CadenceUnit",
    "CaughtMail",
    "Collaboration",
    "Comment",
    "IdempotencyRecord",
    "Invitation",
    "InvitationStatus",
    "JobKind",
    "JobStatus",
    "Organisation",
    "OutboxJob",
    "PageTiming",
    "Participant",
    "Party",
    "PartyKind",
    "Phase",
    "Questionnaire",
    "RateLimitHit",
    "Response",
    "Role",
    "Round",
    "RoundNote",
    "RoundStatus",
    "Share",
    "ShareSection",
    "User",
    "WebSession",
    "Webhook",
    "metadata",
    "utcnow",
]
