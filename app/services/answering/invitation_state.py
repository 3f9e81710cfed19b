"""An invitation's context and write state: what it is, whether it accepts answers, its status.

The one place that decides whether an invitation takes answers now (`ensure_accepting`) and
what saving sets on it (`saved_status`), shared by the single writer and the batched one.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from app.errors import Conflict, NotFound, RoundNotOpen
from app.models import (
    Collaboration,
    Invitation,
    InvitationStatus,
    Round,
    RoundStatus,
)
from app.scoring.questionnaire import QuestionnaireDefinition
from app.security import hash_token
from app.services.setup import questionnaires

INVALID_LINK = "This link is not valid (any more)."


@dataclass(frozen=True, slots=True)
class InvitationContext:
    """Everything a survey page or submission needs about one invitation."""

    invitation: Invitation
    round: Round
    collaboration: Collaboration
    definition: QuestionnaireDefinition


def load_invitation(
    session: Session, *, token: str, organisation_id: int | None = None, for_update: bool = False
) -> InvitationContext:
    """The invitation behind a survey token; NotFound for unknown, revoked or foreign tokens."""
    return _load_context(
        session, token_hash=hash_token(token), organisation_id=organisation_id, lock=for_update
    )


# One query for invitation, round and collaboration: it runs on every survey request, so
# the statement is built once. The locked variant reads fresh state, not what an earlier read
# of the session left in its identity map.
_CONTEXT = (
    select(Invitation, Round, Collaboration)
    .join(Round, col(Round.id) == Invitation.round_id)
    .join(Collaboration, col(Collaboration.id) == Round.collaboration_id)
    .where(col(Invitation.token_hash) == bindparam("token_hash"))
)
_LOCKED_CONTEXT = _CONTEXT.with_for_update(of=Invitation).execution_options(populate_existing=True)
# What may change between the unlocked read and the write lock: a column query, not entities.
_STATE_COLUMNS = (
    (Invitation, "status"),
    (Invitation, "token_hash"),  # a reissued link: the old token is dead at once
    (Invitation, "submitted_at"),
    (Invitation, "last_saved_at"),
    (Invitation, "resume_hash"),  # who may see and change what was saved
    (Invitation, "resume_salt"),
    (Round, "status"),
    (Round, "opens_at"),
    (Round, "closes_at"),
    (Collaboration, "updated_at"),  # scoring rules (cut-offs) live on the collaboration
)
_TOKEN_HASH = _STATE_COLUMNS.index((Invitation, "token_hash"))
_STATES = (
    select(col(Invitation.id), *(col(getattr(model, name)) for model, name in _STATE_COLUMNS))
    .join(Round, col(Round.id) == Invitation.round_id)
    .join(Collaboration, col(Collaboration.id) == Round.collaboration_id)
    .where(col(Invitation.id).in_(bindparam("invitation_ids", expanding=True)))
    .order_by(col(Invitation.id))  # rows locked in one order: no deadlocks between batches
    .with_for_update(of=Invitation)
)

WriteState = tuple[Any, ...]  # the values of _STATE_COLUMNS, in that order


def _load_context(
    session: Session, *, token_hash: str, organisation_id: int | None, lock: bool
) -> InvitationContext:
    query = _LOCKED_CONTEXT if lock else _CONTEXT
    found = session.exec(query, params={"token_hash": token_hash}).first()
    if found is None:
        raise NotFound(INVALID_LINK)
    invitation, round_, collaboration = found
    if invitation.status == InvitationStatus.REVOKED or (
        organisation_id is not None and collaboration.organisation_id != organisation_id
    ):
        raise NotFound(INVALID_LINK)
    definition = questionnaires.definition_by_id(session, round_.questionnaire_id)
    return InvitationContext(invitation, round_, collaboration, definition)


def read_states(session: Session, invitation_ids: Sequence[int]) -> dict[int, WriteState]:
    """The write state of each invitation, read (and on PostgreSQL locked) in the write lock."""
    found = session.execute(_STATES, {"invitation_ids": list(invitation_ids)})
    return {row[0]: tuple(row[1:]) for row in found}


def _state_fields(context: InvitationContext) -> list[tuple[Any, str]]:
    """The objects and attribute names of `context` that hold its write state, in order."""
    holders = {
        Invitation: context.invitation,
        Round: context.round,
        Collaboration: context.collaboration,
    }
    return [(holders[model], name) for model, name in _STATE_COLUMNS]


def state_of(context: InvitationContext) -> WriteState:
    """The write state as `context` saw it."""
    return tuple(getattr(holder, name) for holder, name in _state_fields(context))


def apply_state(context: InvitationContext, state: WriteState | None) -> None:
    """Put a freshly read write state into `context`, in place; NotFound once revoked."""
    if state is None:
        raise NotFound(INVALID_LINK)
    for (holder, name), value in zip(_state_fields(context), state, strict=True):
        set_committed_value(holder, name, value)
    if context.invitation.status == InvitationStatus.REVOKED:
        raise NotFound(INVALID_LINK)


def ensure_accepting(context: InvitationContext, *, now: datetime) -> None:
    """Raise unless the round takes answers now and this invitation was not yet submitted."""
    round_ = context.round
    if round_.status == RoundStatus.DRAFT or (round_.opens_at and now < round_.opens_at):
        raise RoundNotOpen(f"Round '{round_.label}' is not open yet.")
    if round_.status == RoundStatus.CLOSED or (round_.closes_at and now >= round_.closes_at):
        raise RoundNotOpen(f"Round '{round_.label}' is closed; answers are no longer accepted.")
    if context.invitation.status == InvitationStatus.SUBMITTED:
        raise Conflict("These answers were already submitted; they can no longer be changed.")


def refresh_state(session: Session, context: InvitationContext) -> None:
    """Read the invitation's write state again inside the unit of work: NotFound if it was
    revoked, or if a new link replaced the one this request came in with (a save already on
    its way when the coach issued the new link must not be written through the old one); the
    collaboration afresh if it changed meanwhile (its scoring rules)."""
    assert context.invitation.id is not None
    came_with = context.invitation.token_hash
    rules_seen = context.collaboration.updated_at
    fresh = read_states(session, [context.invitation.id]).get(context.invitation.id)
    if fresh is not None and fresh[_TOKEN_HASH] != came_with:
        raise NotFound(INVALID_LINK)
    apply_state(context, fresh)
    if context.collaboration.updated_at != rules_seen:
        # The coach changed the collaboration (its cut-offs, say) after this request read it,
        # and the rescoring that came with the change has run: score with what holds now.
        session.refresh(context.collaboration)


@dataclass(frozen=True, slots=True)
class SavedStatus:
    """What saving answers sets on an invitation: the one rule for every write path."""

    status: InvitationStatus
    submitted_at: datetime | None
    last_saved_at: datetime


def saved_status(*, final: bool, now: datetime) -> SavedStatus:
    if final:
        return SavedStatus(InvitationStatus.SUBMITTED, now, now)
    return SavedStatus(InvitationStatus.STARTED, None, now)


def mark_saved(invitation: Invitation, *, final: bool, now: datetime) -> None:
    """Set the invitation's status after a save (submitted_at stays as it was on a draft)."""
    saved = saved_status(final=final, now=now)
    invitation.status = saved.status
    invitation.last_saved_at = saved.last_saved_at
    if saved.submitted_at is not None:
        invitation.submitted_at = saved.submitted_at
