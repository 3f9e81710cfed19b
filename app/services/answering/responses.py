"""A partner's answers: validate, merge with what was saved, score, and store in one transaction."""

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from app.db import begin_write
from app.errors import Conflict, FieldProblem, InvalidSubmission, NotFound, RoundNotOpen
from app.models import (
    Collaboration,
    Invitation,
    InvitationStatus,
    Response,
    Round,
    RoundStatus,
    utcnow,
)
from app.models.response import AnswerIn, SubmissionResult, TargetProgress
from app.scoring.questionnaire import QuestionnaireDefinition
from app.scoring.scores import validate_answers
from app.scoring.zones import ZoneRules
from app.security import hash_token
from app.services.access.scoring_rules import zone_rules
from app.services.answering import response_writes
from app.services.messaging import events
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
    (Round, "status"),
    (Round, "opens_at"),
    (Round, "closes_at"),
    (Collaboration, "updated_at"),  # scoring rules (cut-offs) live on the collaboration
)
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


def saved_answers(session: Session, invitation_id: int) -> dict[int, dict[str, int | None]]:
    """What was saved so far, per target party."""
    rows = session.exec(select(Response).where(Response.invitation_id == invitation_id)).all()
    return {row.target_party_id: dict(row.answers) for row in rows}


def submit_answers(
    session: Session,
    *,
    token: str,
    answers: Sequence[AnswerIn],
    final: bool,
    organisation_id: int | None = None,
) -> SubmissionResult:
    """Save (and with `final`, submit) answers. All or nothing: one bad answer changes nothing.

    Answers are checked before the write lock is taken, so writers queue only for the write
    itself; under the lock the invitation's and round's state is read again, so a round
    closed or an invitation submitted or revoked meanwhile is still refused.
    """
    token_hash = hash_token(token)
    context = _load_context(
        session, token_hash=token_hash, organisation_id=organisation_id, lock=False
    )
    ensure_accepting(context, now=utcnow())
    by_target = validated_answers(context, answers)
    begin_write(session)
    assert context.invitation.id is not None
    apply_state(context, read_states(session, [context.invitation.id]).get(context.invitation.id))
    now = utcnow()
    ensure_accepting(context, now=now)
    invitation = context.invitation
    progress = response_writes.store_answers(
        session,
        invitation=invitation,
        collaboration=context.collaboration,
        definition=context.definition,
        by_target=by_target,
        final=final,
        now=now,
    )
    invitation.last_saved_at = now
    invitation.status = InvitationStatus.SUBMITTED if final else InvitationStatus.STARTED
    if final:
        invitation.submitted_at = now
        events.emit(
            session,
            organisation_id=context.collaboration.organisation_id,
            event="response.submitted",
            data={"round_id": context.round.id, "invitation_id": invitation.id},
        )
    session.add(invitation)
    session.commit()
    return submission_result(context, progress)


def validated_answers(
    context: InvitationContext, answers: Sequence[AnswerIn]
) -> dict[int, dict[str, int | None]]:
    """The answers per target party; InvalidSubmission naming every offending answer."""
    by_target: dict[int, dict[str, int | None]] = defaultdict(dict)
    for answer in answers:
        by_target[answer.target_party_id][answer.item_id] = answer.value
    allowed = context.invitation.target_party_ids
    if all(target in allowed for target in by_target) and not any(
        validate_answers(context.definition, values) for values in by_target.values()
    ):
        return by_target
    problems = list(_answer_problems(context, answers))
    raise InvalidSubmission(
        f"{len(problems)} answer(s) could not be accepted; nothing was saved.", problems=problems
    )


def _answer_problems(
    context: InvitationContext, answers: Sequence[AnswerIn]
) -> Iterator[FieldProblem]:
    """Each problem under the name of its answer (`answers.3.value`): the slow, exact way."""
    allowed = set(context.invitation.target_party_ids)
    for index, answer in enumerate(answers):
        if answer.target_party_id not in allowed:
            yield FieldProblem(f"answers.{index}.target_party_id", "not a party you rate")
            continue
        for problem in validate_answers(context.definition, {answer.item_id: answer.value}):
            field = "item_id" if problem.message.startswith("unknown item") else "value"
            yield FieldProblem(f"answers.{index}.{field}", problem.message)


def _rescore(row: Response, definition: QuestionnaireDefinition, rules: ZoneRules) -> None:
    for name, value in response_writes.scored_columns(row.answers, definition, rules).items():
        setattr(row, name, value)


def submission_result(
    context: InvitationContext, progress: dict[int, tuple[int, str | None]]
) -> SubmissionResult:
    invitation = context.invitation
    total = len(context.definition.items)
    show_zone = context.collaboration.show_own_position and invitation.submitted_at is not None
    targets = []
    for target in invitation.target_party_ids:
        answered, zone = progress.get(target, (0, None))  # "don't know" counts as answered
        targets.append(
            TargetProgress(
                target_party_id=target,
                answered=answered,
                total=total,
                zone=zone if show_zone else None,
            )
        )
    assert invitation.id is not None
    return SubmissionResult(
        invitation_id=invitation.id,
        status=invitation.status.value,
        submitted_at=invitation.submitted_at,
        targets=targets,
    )


def rescore_round(session: Session, *, round_id: int) -> int:
    """Recompute stored scores of a round (after a cut-off change); returns rows touched."""
    begin_write(session)
    round_ = session.get(Round, round_id)
    if round_ is None:
        raise NotFound(f"No round {round_id}.")
    collaboration = session.get(Collaboration, round_.collaboration_id)
    assert collaboration is not None
    definition = questionnaires.definition_by_id(session, round_.questionnaire_id)
    rules = zone_rules(collaboration)
    rows = session.exec(select(Response).where(col(Response.round_id) == round_id)).all()
    for row in rows:
        _rescore(row, definition, rules)
        session.add(row)
    session.commit()
    return len(rows)
