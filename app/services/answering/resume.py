"""The partner's resume code: the second factor that guards saved answers behind a link.

A personal link lets whoever holds it answer (it has to: partners have no account). What was
saved with it is shown, changed or submitted only for whoever also holds the resume code:
the browser that first saved keeps it in a cookie, on another device the partner types it in.
Trustmeter stores only its hash, so no coach or administrator can look it up (docs/privacy.md).
"""

import hmac
import secrets

from sqlmodel import Session, col, delete

from app.errors import PermissionDenied, RateLimited
from app.infra.unit_of_work import unit_of_work
from app.models import (
    AgreementCheck,
    Comment,
    Invitation,
    InvitationStatus,
    PageTiming,
    Response,
    utcnow,
)
from app.security import hash_token
from app.services.answering.invitation_state import (
    InvitationContext,
    ensure_accepting,
    refresh_state,
)
from app.services.identity import rate_limits

# No 0/O or 1/I/L: a code read off a phone is typed without doubt. 31^12 is about 2^59.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 12
GROUP = 4


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise(raw: str) -> str:
    """What the partner typed, without spaces, dashes or case."""
    return "".join(ch for ch in raw.upper() if ch.isascii() and ch.isalnum())


def shown(code: str) -> str:
    """ABCD-EFGH-JKLM: easier to copy by hand than twelve letters in a row."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def _hash(invitation: Invitation, code: str) -> str:
    # Salted with the link's own hash, so one code's hash says nothing about another link;
    # after a new link, with the hash of the link the code was first tied to (`keep_code`).
    salt = invitation.resume_salt or invitation.token_hash
    return hash_token(f"{salt}:{normalise(code)}")


def keep_code(invitation: Invitation) -> None:
    """Before the invitation's token changes: its resume code stays the partner's code.

    Only the hash of the code is stored, so it cannot be hashed again with the new link;
    the salt it was made with is kept instead.
    """
    if invitation.resume_hash is not None and invitation.resume_salt is None:
        invitation.resume_salt = invitation.token_hash


def holds(invitation: Invitation, code: str | None) -> bool:
    """Whether `code` is this invitation's resume code."""
    if not code or invitation.resume_hash is None:
        return False
    return hmac.compare_digest(_hash(invitation, code), invitation.resume_hash)


def guarded(invitation: Invitation) -> bool:
    """Whether answers (or a claim on them) exist that only the code's holder may see."""
    return invitation.resume_hash is not None or invitation.status != InvitationStatus.PENDING


def claim(session: Session, *, context: InvitationContext, code: str) -> None:
    """Within the caller's unit of work: tie a first save to `code`, or check it is the one.

    The caller has read the invitation's state under the write lock (`refresh_state`).
    """
    invitation = context.invitation
    if invitation.resume_hash is None and invitation.status == InvitationStatus.PENDING:
        invitation.resume_hash = _hash(invitation, code)
        session.add(invitation)
    else:
        ensure_holder(invitation, code)


def ensure_holder(invitation: Invitation, code: str) -> None:
    """PermissionDenied unless `code` is the code answers were saved with."""
    if not holds(invitation, code):
        raise PermissionDenied(
            "Answers were saved with this link: they need the partner's resume code.",
            code="survey.resume_needed",
        )


def try_code(
    session: Session, *, context: InvitationContext, code: str, limit: int, window_seconds: int
) -> bool:
    """Check a typed code; wrong codes are counted per link, and past `limit` none is tried."""
    bucket = f"survey-resume:{context.invitation.id}"
    if rate_limits.is_limited(session, bucket=bucket, limit=limit, window_seconds=window_seconds):
        raise RateLimited("Too many wrong resume codes for this link.", retry_after=window_seconds)
    if holds(context.invitation, code):
        return True
    rate_limits.hit(session, bucket=bucket, window_seconds=window_seconds)
    return False


def start_again(session: Session, *, context: InvitationContext, code: str) -> None:
    """Delete what was saved (never a submission) and tie the link to a new code.

    For a partner who lost their code: nothing saved is shown, it is only thrown away.
    """
    with unit_of_work(session):
        refresh_state(session, context)
        ensure_accepting(context, now=utcnow())
        invitation = context.invitation
        # The trust items, the comments, the follow-up question, and the time they took.
        for saved in (Response, Comment, AgreementCheck, PageTiming):
            session.exec(delete(saved).where(col(saved.invitation_id) == invitation.id))
        invitation.status = InvitationStatus.PENDING
        invitation.last_saved_at = None
        invitation.resume_hash = _hash(invitation, code)
        session.add(invitation)
