"""API submissions by group commit: checked and scored in the request, stored many at a time.

A request reads its invitation, validates and scores the answers without any lock (`prepare`),
then hands the result to its process's writer thread (`SubmissionWriter`). The writer stores
every submission that is waiting in one transaction: one state query, one INSERT, one UPDATE.
A submission whose invitation changed after it was prepared (a save from another tab, a
revocation, new cut-offs) or that appears twice in a batch is instead written the careful way,
`responses.submit_answers` inside a savepoint, so it is judged on the state it meets. The
caller hears its outcome only after the commit: an acknowledged submission is stored.
"""

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Engine, bindparam, update
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from app.db import new_session
from app.errors import TrustmeterError
from app.infra.group_commit import GroupCommitWriter
from app.infra.unit_of_work import unit_of_work
from app.models import Invitation, utcnow
from app.models.response import AnswerIn, CommentIn, SubmissionResult
from app.services.answering import invitation_state, response_writes, responses
from app.services.answering.invitation_state import InvitationContext, WriteState
from app.services.answering.response_writes import AnswerPlan
from app.services.messaging import events

logger = logging.getLogger(__name__)

Outcome = SubmissionResult | BaseException


@dataclass(frozen=True, slots=True)
class PreparedSubmission:
    """A checked and scored submission, and the invitation state it was prepared against."""

    token: str
    answers: tuple[AnswerIn, ...]
    organisation_id: int | None
    context: InvitationContext
    seen: WriteState
    plan: AnswerPlan  # with the checked comments, written in the same transaction
    comments: tuple[CommentIn, ...] = ()  # as sent, for the careful path

    @property
    def invitation_id(self) -> int:
        assert self.context.invitation.id is not None
        return self.context.invitation.id


class SubmissionWriter:
    """The process's writer of API submissions for one engine (see the module docstring)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        # An SQLite read is a fraction of a millisecond in this process, cheaper done at once
        # than through the thread pool and back (measured: ~12 % more submissions per second).
        # A PostgreSQL read waits on the network, so there the thread pool keeps the loop free.
        self._read_in_loop = engine.dialect.name == "sqlite"
        self._writer: GroupCommitWriter[PreparedSubmission, SubmissionResult] = GroupCommitWriter(
            self._write, name="submission-writer"
        )

    async def submit(
        self,
        *,
        token: str,
        answers: Sequence[AnswerIn],
        final: bool,
        organisation_id: int | None = None,
        comments: Sequence[CommentIn] = (),
    ) -> SubmissionResult:
        """Save (with `final`, submit) answers and comments; the same rules and errors as
        `submit_answers`."""
        args = (token, tuple(answers), final, organisation_id, tuple(comments))
        if self._read_in_loop:
            prepared = self._prepare(*args)
        else:
            prepared = await run_in_threadpool(self._prepare, *args)
        return await asyncio.wrap_future(self._writer.submit(prepared))

    def _prepare(
        self,
        token: str,
        answers: tuple[AnswerIn, ...],
        final: bool,
        organisation_id: int | None,
        comments: tuple[CommentIn, ...],
    ) -> PreparedSubmission:
        with new_session(self._engine) as session:
            return prepare(
                session,
                token=token,
                answers=answers,
                final=final,
                organisation_id=organisation_id,
                comments=comments,
            )

    def _write(self, jobs: Sequence[PreparedSubmission]) -> list[Outcome]:
        return write_batch(self._engine, jobs)


def prepare(
    session: Session,
    *,
    token: str,
    answers: tuple[AnswerIn, ...],
    final: bool,
    organisation_id: int | None = None,
    comments: tuple[CommentIn, ...] = (),
) -> PreparedSubmission:
    """Everything a submission needs that takes no lock: refusals come from here already."""
    context = invitation_state.load_invitation(
        session, token=token, organisation_id=organisation_id
    )
    invitation_state.ensure_accepting(context, now=utcnow())
    by_target, texts = responses.validated_submission(context, answers, comments)
    plan = response_writes.plan_answers(
        session,
        invitation=context.invitation,
        collaboration=context.collaboration,
        definition=context.definition,
        by_target=by_target,
        final=final,
        comments=texts,
    )
    seen = invitation_state.state_of(context)
    return PreparedSubmission(token, answers, organisation_id, context, seen, plan, comments)


def write_batch(engine: Engine, jobs: Sequence[PreparedSubmission]) -> list[Outcome]:
    """Store `jobs` in one transaction; one outcome per job, in order.

    Should the batch fail as a whole (a constraint nobody foresaw, a lost connection), each
    job is tried again on its own, so one bad submission cannot fail the others.
    """
    try:
        with new_session(engine) as session, unit_of_work(session):
            outcomes = _write_together(session, jobs)
        return outcomes
    except Exception:
        logger.warning("a batch of %d submissions failed; writing each alone", len(jobs))
        return [_write_alone(engine, job) for job in jobs]


def _write_together(session: Session, jobs: Sequence[PreparedSubmission]) -> list[Outcome]:
    states = invitation_state.read_states(session, sorted({job.invitation_id for job in jobs}))
    now = utcnow()
    outcomes: list[Outcome | None] = [None] * len(jobs)
    claimed: set[int] = set()  # invitations written the quick way in this batch
    quick: list[tuple[int, PreparedSubmission]] = []
    careful: list[int] = []
    for index, job in enumerate(jobs):
        if states.get(job.invitation_id) != job.seen or job.invitation_id in claimed:
            careful.append(index)
            continue
        try:  # the state is as prepared; only the time may have closed the round since
            invitation_state.ensure_accepting(job.context, now=now)
        except TrustmeterError as error:
            outcomes[index] = error
            continue
        quick.append((index, job))
        claimed.add(job.invitation_id)
    plans = [job.plan for _, job in quick]
    response_writes.write_plans(session, plans, now=now)
    _mark_saved(session, plans, now=now)
    events.emit_all(
        session,
        event="response.submitted",
        occurrences=[_submitted_event(job) for _, job in quick if job.plan.final],
    )
    for index, job in quick:
        outcomes[index] = _result(job, now=now)
    for index in careful:  # after the quick ones: a repeated invitation sees their writes
        outcomes[index] = _write_in_savepoint(session, jobs[index])
    assert all(outcome is not None for outcome in outcomes)
    return cast(list[Outcome], outcomes)


_invitations = Invitation.__table__  # type: ignore[attr-defined]
# A Core statement, run as one executemany: the ORM's bulk update by primary key cost as much
# as the rest of the batch's bookkeeping together.
_MARK_SAVED = (
    update(_invitations)
    .where(_invitations.c.id == bindparam("invitation_id"))
    .values(
        status=bindparam("new_status"),
        submitted_at=bindparam("new_submitted_at"),
        last_saved_at=bindparam("saved_at"),
        updated_at=bindparam("saved_at"),
    )
)


def _mark_saved(session: Session, plans: Sequence[AnswerPlan], *, now: datetime) -> None:
    if not plans:
        return
    rows = []
    for plan in plans:
        if plan.empty:
            continue
        saved = invitation_state.saved_status(final=plan.final, now=now)
        rows.append(
            {
                "invitation_id": plan.invitation.id,
                "new_status": saved.status,
                "new_submitted_at": saved.submitted_at,
                "saved_at": saved.last_saved_at,
            }
        )
    if rows:
        session.execute(_MARK_SAVED, rows)


def _submitted_event(job: PreparedSubmission) -> tuple[int, dict[str, Any]]:
    data = {"round_id": job.context.round.id, "invitation_id": job.invitation_id}
    return job.context.collaboration.organisation_id, data


def _result(job: PreparedSubmission, *, now: datetime) -> SubmissionResult:
    # The context's invitation is detached: updating it writes nothing, it only reports.
    if not job.plan.empty:
        invitation_state.mark_saved(job.context.invitation, final=job.plan.final, now=now)
    return responses.submission_result(job.context, job.plan.progress)


def _write_in_savepoint(session: Session, job: PreparedSubmission) -> Outcome:
    """The careful path inside the batch's unit of work: a failure undoes only this job."""
    try:
        with session.begin_nested():
            return _submit_answers(session, job)
    except Exception as error:
        return error


def _write_alone(engine: Engine, job: PreparedSubmission) -> Outcome:
    with new_session(engine) as session:
        try:
            return _submit_answers(session, job)
        except Exception as error:
            return error


def _submit_answers(session: Session, job: PreparedSubmission) -> SubmissionResult:
    return responses.submit_answers(
        session,
        token=job.token,
        answers=job.answers,
        final=job.plan.final,
        organisation_id=job.organisation_id,
        comments=job.comments,
    )
