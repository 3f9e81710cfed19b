"""A partner's open comment about one target party: checked, saved with the answers, private."""

import unicodedata

from sqlmodel import Session, select

from app.errors import FieldProblem, InvalidSubmission
from app.infra.messages import N_
from app.infra.unit_of_work import unit_of_work
from app.models import Comment, utcnow
from app.models.comment import COMMENT_MAX_LENGTH
from app.services.answering.invitation_state import (
    InvitationContext,
    ensure_accepting,
    refresh_state,
)
from app.services.answering.responses import NOT_A_TARGET

FIELD = "comment"
TOO_LONG = N_("Your comment is too long: it can have at most 2,000 characters.")
CONTROL_CHARACTERS = N_(
    "Your comment contains invisible control characters that cannot be saved. "
    "Remove them, for example by typing the text again, and send it once more."
)
_LINE_BREAKS = {"\n", "\r", "\t"}


def checked_comment(text: str) -> str:
    """The comment as it will be stored (trimmed); InvalidSubmission naming the field."""
    text = text.strip()
    if any(unicodedata.category(c) == "Cc" and c not in _LINE_BREAKS for c in text):
        raise InvalidSubmission(
            "The comment contains control characters.",
            problems=[FieldProblem(FIELD, CONTROL_CHARACTERS)],
        )
    # Windows line breaks count as one character, as the partner sees them.
    if len(text.replace("\r\n", "\n")) > COMMENT_MAX_LENGTH:
        raise InvalidSubmission(
            "The comment is too long.", problems=[FieldProblem(FIELD, TOO_LONG)]
        )
    return text.replace("\r\n", "\n")


def saved_comment(session: Session, *, invitation_id: int, target_party_id: int) -> str:
    row = _row(session, invitation_id, target_party_id)
    return row.text if row else ""


def save_comment(
    session: Session, *, context: InvitationContext, target_party_id: int, text: str
) -> None:
    """Store, replace or (when emptied) delete the comment; refused once submitted or closed."""
    text = checked_comment(text)
    invitation = context.invitation
    assert invitation.id is not None
    if target_party_id not in invitation.target_party_ids:
        raise InvalidSubmission(
            "Not a party you rate.", problems=[FieldProblem(FIELD, NOT_A_TARGET)]
        )
    with unit_of_work(session):
        # The round may have closed or the answers been submitted since the page was read.
        refresh_state(session, context)
        ensure_accepting(context, now=utcnow())
        row = _row(session, invitation.id, target_party_id)
        if not text:
            if row is not None:
                session.delete(row)
            return
        if row is None:
            row = Comment(
                invitation_id=invitation.id,
                round_id=invitation.round_id,
                participant_id=invitation.participant_id,
                truster_party_id=invitation.party_id,
                target_party_id=target_party_id,
                text=text,
            )
        row.text = text
        session.add(row)


def _row(session: Session, invitation_id: int, target_party_id: int) -> Comment | None:
    query = select(Comment).where(
        Comment.invitation_id == invitation_id, Comment.target_party_id == target_party_id
    )
    return session.exec(query).first()
