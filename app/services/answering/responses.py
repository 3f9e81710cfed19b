"""A partner's answers: validate, merge with what was saved, score, and store in one transaction."""

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime

from sqlmodel import Session, col, select

from app.errors import FieldProblem, InvalidSubmission, NotFound
from app.infra.unit_of_work import unit_of_work
from app.models import (
    Collaboration,
    Invitation,
    Response,
    Round,
    utcnow,
)
from app.models.response import AnswerIn, CommentIn, SubmissionResult, TargetProgress
from app.scoring.questionnaire import QuestionnaireDefinition
from app.scoring.scores import validate_answers
from app.scoring.zones import ZoneRules
from app.services.access.scoring_rules import zone_rules
from app.services.answering import comments as open_comments
from app.services.answering import response_writes
from app.services.answering.comments import NOT_A_TARGET
from app.services.answering.invitation_state import (
    InvitationContext,
    ensure_accepting,
    load_invitation,
    mark_saved,
    refresh_state,
)
from app.services.messaging import events
from app.services.setup import questionnaires


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
    comments: Sequence[CommentIn] = (),
) -> SubmissionResult:
    """Save (with `final`, submit) answers given by link token: the invitation is loaded once
    and handed to `save_answers`."""
    context = load_invitation(session, token=token, organisation_id=organisation_id)
    return save_answers(session, context=context, answers=answers, final=final, comments=comments)


def save_answers(
    session: Session,
    *,
    context: InvitationContext,
    answers: Sequence[AnswerIn],
    final: bool,
    comments: Sequence[CommentIn] = (),
) -> SubmissionResult:
    """Save (and with `final`, submit) answers and comments. All or nothing: one bad answer
    or comment changes nothing.

    Answers are checked before the write lock is taken, so writers queue only for the write
    itself; under the lock the invitation's and round's state is read again, so a round
    closed or an invitation submitted or revoked meanwhile is still refused.
    """
    ensure_accepting(context, now=utcnow())
    by_target, texts = validated_submission(context, answers, comments)
    with unit_of_work(session):
        refresh_state(session, context)
        now = utcnow()
        ensure_accepting(context, now=now)
        progress = write_answers(
            session, context=context, by_target=by_target, final=final, now=now, comments=texts
        )
    return submission_result(context, progress)


def write_answers(
    session: Session,
    *,
    context: InvitationContext,
    by_target: dict[int, dict[str, int | None]],
    final: bool,
    now: datetime,
    comments: Mapping[int, str] | None = None,
) -> dict[int, tuple[int, str | None]]:
    """Store validated answers (and comments) inside the caller's unit of work, which has read
    the state again under the write lock (`refresh_state`) and found it accepting; returns
    the progress per target."""
    invitation = context.invitation
    progress = response_writes.store_answers(
        session, context, by_target, final=final, now=now, comments=comments
    )
    if final or by_target or comments:  # an empty save does not start the invitation
        mark_saved(invitation, final=final, now=now)
    if final:
        events.emit(
            session,
            organisation_id=context.collaboration.organisation_id,
            event="response.submitted",
            data={"round_id": context.round.id, "invitation_id": invitation.id},
        )
    session.add(invitation)
    return progress


def validated_submission(
    context: InvitationContext, answers: Sequence[AnswerIn], comments: Sequence[CommentIn]
) -> tuple[dict[int, dict[str, int | None]], dict[int, str]]:
    """Answers and comments per target party; one InvalidSubmission naming every problem of
    both, so a client fixes its request in one go."""
    refusals: list[InvalidSubmission] = []
    by_target: dict[int, dict[str, int | None]] = {}
    texts: dict[int, str] = {}
    try:
        by_target = validated_answers(context, answers)
    except InvalidSubmission as error:
        refusals.append(error)
    try:
        texts = open_comments.validated_comments(context, comments)
    except InvalidSubmission as error:
        refusals.append(error)
    if len(refusals) == 1:
        raise refusals[0]
    if refusals:
        problems = [problem for error in refusals for problem in error.problems]
        raise InvalidSubmission(
            f"{len(problems)} answer(s) and comment(s) could not be accepted; nothing was saved.",
            problems=problems,
        )
    return by_target, texts


def validated_answers(
    context: InvitationContext, answers: Sequence[AnswerIn]
) -> dict[int, dict[str, int | None]]:
    """The answers per target party; InvalidSubmission naming every offending answer."""
    by_target: dict[int, dict[str, int | None]] = defaultdict(dict)
    for answer in answers:
        by_target[answer.target_party_id][answer.item_id] = answer.value
    allowed = context.invitation.target_party_ids
    kind_of = context.invitation.target_kinds
    if all(target in allowed for target in by_target) and not any(
        validate_answers(context.definition, values, target_kind=kind_of.get(str(target)))
        for target, values in by_target.items()
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
            yield FieldProblem(f"answers.{index}.target_party_id", NOT_A_TARGET)
            continue
        kind = context.invitation.target_kinds.get(str(answer.target_party_id))
        answer_only = {answer.item_id: answer.value}
        for problem in validate_answers(context.definition, answer_only, target_kind=kind):
            field = "item_id" if problem.message.startswith("unknown item") else "value"
            yield FieldProblem(f"answers.{index}.{field}", problem.message)


def _rescore(
    row: Response, definition: QuestionnaireDefinition, rules: ZoneRules, kind: str | None
) -> None:
    scored = response_writes.scored_columns(row.answers, definition, rules, target_kind=kind)
    for name, value in scored.items():
        setattr(row, name, value)


def submission_result(
    context: InvitationContext, progress: dict[int, tuple[int, str | None]]
) -> SubmissionResult:
    invitation = context.invitation
    show_zone = context.collaboration.show_own_position and invitation.submitted_at is not None
    targets = []
    for target in invitation.target_party_ids:
        answered, zone = progress.get(target, (0, None))  # "don't know" counts as answered
        kind = response_writes.target_kind(invitation, target)
        total = sum(1 for item in context.definition.items if item.fits(kind))
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
    with unit_of_work(session):
        round_ = session.get(Round, round_id)
        if round_ is None:
            raise NotFound(f"No round {round_id}.")
        collaboration = session.get(Collaboration, round_.collaboration_id)
        assert collaboration is not None
        definition = questionnaires.definition_by_id(session, round_.questionnaire_id)
        rules = zone_rules(collaboration)
        rows = session.exec(select(Response).where(col(Response.round_id) == round_id)).all()
        invitations = {
            invitation.id: invitation
            for invitation in session.exec(
                select(Invitation).where(Invitation.round_id == round_id)
            )
        }
        for row in rows:
            kind = response_writes.target_kind(invitations[row.invitation_id], row.target_party_id)
            _rescore(row, definition, rules, kind)
            session.add(row)
    return len(rows)
