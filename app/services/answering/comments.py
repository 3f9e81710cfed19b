"""A partner's open comment about one target party: checked, saved with the answers, private.

The web survey saves one comment per page (`save_comment`); an integration sends them with
its answers (`validated_comments`, then `write_comments` inside the answers' transaction).
Both store the same rows, so coaches see them alike, under the same comment threshold.
"""

import unicodedata
from collections.abc import Iterator, Mapping, Sequence

from sqlmodel import Session, col, select

from app.errors import FieldProblem, InvalidSubmission
from app.infra.messages import N_
from app.infra.unit_of_work import unit_of_work
from app.models import Comment, Invitation, utcnow
from app.models.comment import COMMENT_MAX_LENGTH
from app.models.response import CommentIn
from app.services.answering.invitation_state import (
    InvitationContext,
    ensure_accepting,
    refresh_state,
)

FIELD = "comment"
NOT_A_TARGET = "not a party you rate"
TOO_LONG = N_("Your comment is too long: it can have at most 2,000 characters.")
CONTROL_CHARACTERS = N_(
    "Your comment contains invisible control characters that cannot be saved. "
    "Remove them, for example by typing the text again, and send it once more."
)
NO_COMMENTS_ASKED = "this round's questionnaire asks for no comments"
_LINE_BREAKS = {"\n", "\r", "\t"}


def comment_problem(text: str) -> str | None:
    """What is wrong with a comment's text (trimmed), or None when it can be stored."""
    if any(unicodedata.category(c) == "Cc" and c not in _LINE_BREAKS for c in text):
        return CONTROL_CHARACTERS
    # Windows line breaks count as one character, as the partner sees them.
    if len(text.replace("\r\n", "\n")) > COMMENT_MAX_LENGTH:
        return TOO_LONG
    return None


def checked_comment(text: str) -> str:
    """The comment as it will be stored (trimmed); InvalidSubmission naming the field."""
    text = text.strip()
    problem = comment_problem(text)
    if problem is not None:
        summary = (
            "The comment is too long."
            if problem == TOO_LONG
            else "The comment contains control characters."
        )
        raise InvalidSubmission(summary, problems=[FieldProblem(FIELD, problem)])
    return text.replace("\r\n", "\n")


def validated_comments(context: InvitationContext, comments: Sequence[CommentIn]) -> dict[int, str]:
    """An API submission's comments per target party, as stored ("" deletes a saved one).

    InvalidSubmission names every offending entry (`comments.2.text`); nothing is saved.
    """
    problems = list(_comment_problems(context, comments))
    if problems:
        raise InvalidSubmission(
            f"{len(problems)} comment(s) could not be accepted; nothing was saved.",
            problems=problems,
        )
    return {c.target_party_id: c.text.strip().replace("\r\n", "\n") for c in comments}


def _comment_problems(
    context: InvitationContext, comments: Sequence[CommentIn]
) -> Iterator[FieldProblem]:
    if comments and context.definition.comment_prompt is None:
        yield FieldProblem("comments", NO_COMMENTS_ASKED)
        return
    allowed = set(context.invitation.target_party_ids)
    first: dict[int, int] = {}
    for index, comment in enumerate(comments):
        target = comment.target_party_id
        if target not in allowed:
            yield FieldProblem(f"comments.{index}.target_party_id", NOT_A_TARGET)
        elif first.setdefault(target, index) != index:
            # Which of two texts the partner meant is theirs to say, not ours to guess.
            twice = f"a second comment about this party (see comments.{first[target]})"
            yield FieldProblem(f"comments.{index}.target_party_id", twice)
        if (problem := comment_problem(comment.text.strip())) is not None:
            yield FieldProblem(f"comments.{index}.text", problem)


def saved_comment(session: Session, *, invitation_id: int, target_party_id: int) -> str:
    rows = _rows(session, [invitation_id])
    row = rows.get((invitation_id, target_party_id))
    return row.text if row else ""


def save_comment(
    session: Session, *, context: InvitationContext, target_party_id: int, text: str
) -> None:
    """Store, replace or (when emptied) delete the comment; refused once submitted or closed."""
    text = checked_comment(text)
    invitation = context.invitation
    if target_party_id not in invitation.target_party_ids:
        raise InvalidSubmission(
            "Not a party you rate.", problems=[FieldProblem(FIELD, NOT_A_TARGET)]
        )
    with unit_of_work(session):
        # The round may have closed or the answers been submitted since the page was read.
        refresh_state(session, context)
        ensure_accepting(context, now=utcnow())
        write_comments(session, [(invitation, {target_party_id: text})])


def write_comments(
    session: Session, changes: Sequence[tuple[Invitation, Mapping[int, str]]]
) -> None:
    """Store, replace or (empty text) delete comments of many invitations, checked already.

    Runs inside the caller's unit of work, after the invitations' state was read under the
    write lock: the saved rows are read here, at write time, so a comment saved or deleted
    since the submission was checked is replaced, never stored twice or lost.
    """
    changes = [(invitation, texts) for invitation, texts in changes if texts]
    if not changes:
        return
    saved = _rows(session, [i.id for i, _ in changes if i.id is not None])
    for invitation, texts in changes:
        assert invitation.id is not None
        for target, text in texts.items():
            key = (invitation.id, target)
            row = saved.get(key)
            if not text:
                if row is not None:
                    session.delete(row)
                    del saved[key]
                continue
            if row is None:
                row = saved[key] = Comment(
                    invitation_id=invitation.id,
                    round_id=invitation.round_id,
                    participant_id=invitation.participant_id,
                    truster_party_id=invitation.party_id,
                    target_party_id=target,
                    text=text,
                )
            row.text = text
            session.add(row)


def _rows(session: Session, invitation_ids: list[int]) -> dict[tuple[int, int], Comment]:
    query = select(Comment).where(col(Comment.invitation_id).in_(invitation_ids))
    return {(row.invitation_id, row.target_party_id): row for row in session.exec(query)}
