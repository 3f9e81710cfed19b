"""Secrets kept out of stored idempotent responses, and derived again from SECRET_KEY on replay.

Survey tokens and webhook signing secrets are derived from SECRET_KEY and a stored salt, so
the database never holds a usable one; a stored response must not either. It keeps a marker
in their place, and a replay derives the same values again.
"""

from typing import Any

from sqlmodel import Session, col, select

from app.config import Settings
from app.models import Invitation, Webhook
from app.services.messaging.webhooks import signing_secret
from app.services.setup.invitation_tokens import survey_url, token_for

MARKER = "__derived-on-replay__"


class InvitationTokens:
    """`invitations[].token` and `.url` of an opened round."""

    def redact(self, body: Any) -> Any:
        for invitation in body["invitations"]:
            if invitation.get("token"):
                invitation["token"] = invitation["url"] = MARKER
        return body

    def restore(self, session: Session, body: Any, settings: Settings) -> Any:
        wanted = [inv["id"] for inv in body["invitations"] if inv.get("token") == MARKER]
        salts = dict(
            session.exec(
                select(Invitation.id, Invitation.token_salt).where(col(Invitation.id).in_(wanted))
            ).all()
        )
        for invitation in body["invitations"]:
            if invitation.get("token") != MARKER:
                continue
            salt = salts.get(invitation["id"])
            token = token_for(settings.secret_key, salt) if salt else None
            invitation["token"] = token
            invitation["url"] = survey_url(settings.base_url, token) if token else None
        return body


class WebhookSecret:
    """`secret` of a new webhook."""

    def redact(self, body: Any) -> Any:
        body["secret"] = MARKER
        return body

    def restore(self, session: Session, body: Any, settings: Settings) -> Any:
        webhook = session.get(Webhook, body["id"])
        body["secret"] = signing_secret(settings, webhook) if webhook else None
        return body


INVITATION_TOKENS = InvitationTokens()
WEBHOOK_SECRET = WebhookSecret()
