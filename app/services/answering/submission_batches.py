"""Answers by group commit: checked and scored in the request, stored many at a time.

A request reads its invitation, validates and scores the answers without any lock (`prepare`),
then hands the result to its process's writer thread (`AnswerWriter`). The writer stores
every save that is waiting in one transaction: one state query, one INSERT, one UPDATE.
A save whose invitation changed after it was prepared (a save from another tab, a
revocation, new cut-offs) or that appears twice in a batch is instead written the careful way
(for an API submission `responses.submit_answers`) inside a savepoint, so it is judged on the
state it meets. The caller hears its outcome only after the commit: an acknowledged save is
stored. API submissions and the partner's page saves (`page_batches`) share the writer: both
kinds are `BatchedSave`s, and one batch holds whatever of either waits.
"""

import asyncio
import logging
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, cast

from sqlalchemy import Engine, bindparam, update
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from app.db import new_session
from app.errors import TrustmeterError, WriteUnavailable
from app.infra.group_commit import GroupCommitWriter
from app.infra.unit_of_work import unit_of_work
from app.models import Invitation, utcnow
from app.models.response import AnswerIn, CommentIn, SubmissionResult
from app.services.answering import invitation_state, response_writes, responses, timing
from app.services.answering.invitation_state import InvitationContext, WriteState
from app.services.answering.response_writes import AnswerPlan
from app.services.messaging import events

logger = logging.getLogger(__name__)

Outcome = object  # a save's result, or the error that refused it (a BaseException)


class BatchedSave(Protocol):
    """A save prepared without any lock, as the writer's batch takes it."""

    @property
    def context(self) -> InvitationContext: ...

    @property
    def seen(self) -> WriteState:
        """The invitation's write state when it was prepared: the plan holds while it does."""

    @property
    def plan(self) -> AnswerPlan | None:
        """The rows to write (None: no answers to save)."""

    @property
    def invitation_id(self) -> int: ...

    def visits(self) -> Sequence[dict[str, Any]]:
        """Page visits to add to the answering time (`timing.visit`)."""

    def check(self, *, now: datetime) -> None:
        """Raise the refusal the careful path would give for the state as prepared, at `now`."""

    def written(self, *, now: datetime) -> object:
        """The result once stored the quick way."""

    def write_carefully(self, session: Session) -> object:
        """Write it the one-at-a-time way in `session` (loaded afresh there): the result."""


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

    def visits(self) -> Sequence[dict[str, Any]]:
        return ()

    def check(self, *, now: datetime) -> None:
        invitation_state.ensure_accepting(self.context, now=now)

    def written(self, *, now: datetime) -> SubmissionResult:
        # The context's invitation is detached: updating it writes nothing, it only reports.
        if not self.plan.empty:
            invitation_state.mark_saved(self.context.invitation, final=self.plan.final, now=now)
        return responses.submission_result(self.context, self.plan.progress)

    def write_carefully(self, session: Session) -> SubmissionResult:
        return responses.submit_answers(
            session,
            token=self.token,
            answers=self.answers,
            final=self.plan.final,
            organisation_id=self.organisation_id,
            comments=self.comments,
        )


class AnswerWriter:
    """The process's writer of answers for one engine (see the module docstring). `create_app`
    makes one and gives it to the API and the survey pages: two writers would contend for the
    write lock with each other, batching half as much."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        # An SQLite read is a fraction of a millisecond in this process, cheaper done at once
        # than through the thread pool and back (measured: ~12 % more submissions per second).
        # A PostgreSQL read waits on the network, so there the thread pool keeps the loop free.
        self._read_in_loop = engine.dialect.name == "sqlite"
        self._writer: GroupCommitWriter[BatchedSave, object] = GroupCommitWriter(
            self._write, name="answer-writer"
        )

    def queue(self, save: BatchedSave) -> "Future[object]":
        """Queue a prepared save; the future has its result (or error) after the commit."""
        return self._writer.submit(save)

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
        return cast(SubmissionResult, await asyncio.wrap_future(self._writer.submit(prepared)))

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

    def _write(self, jobs: Sequence[BatchedSave]) -> list[Outcome]:
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
    plan = response_writes.plan_answers(session, context, by_target, final=final, comments=texts)
    seen = invitation_state.state_of(context)
    return PreparedSubmission(token, answers, organisation_id, context, seen, plan, comments)


def write_batch(engine: Engine, jobs: Sequence[BatchedSave]) -> list[Outcome]:
    """Store `jobs` in one transaction; one outcome per job, in order.

    Should the batch fail as a whole (a constraint nobody foresaw, a lost connection), each
    job is tried again on its own, so one bad save cannot fail the others. Not when the write
    lock could not be had: nothing was written, and each alone would only wait for it again.
    """
    try:
        with new_session(engine) as session, unit_of_work(session):
            outcomes = _write_together(session, jobs)
        return outcomes
    except WriteUnavailable:
        raise
    except Exception:
        logger.warning("a batch of %d saves failed; writing each alone", len(jobs))
        return [_write_alone(engine, job) for job in jobs]


def _write_together(session: Session, jobs: Sequence[BatchedSave]) -> list[Outcome]:
    states = invitation_state.read_states(session, sorted({job.invitation_id for job in jobs}))
    now = utcnow()
    outcomes: list[Outcome | None] = [None] * len(jobs)
    claimed: set[int] = set()  # invitations written the quick way in this batch
    quick: list[tuple[int, BatchedSave]] = []
    careful: list[int] = []
    for index, job in enumerate(jobs):
        if states.get(job.invitation_id) != job.seen or job.invitation_id in claimed:
            careful.append(index)
            continue
        try:  # the state is as prepared; only the time may have closed the round since
            job.check(now=now)
        except TrustmeterError as error:
            outcomes[index] = error
            continue
        quick.append((index, job))
        claimed.add(job.invitation_id)
    plans = [job.plan for _, job in quick if job.plan is not None]
    response_writes.write_plans(session, plans, now=now)
    _mark_saved(session, plans, now=now)
    timing.record_visits(session, [visit for _, job in quick for visit in job.visits()], now=now)
    events.emit_all(
        session,
        event="response.submitted",
        occurrences=[_submitted_event(job) for _, job in quick if job.plan and job.plan.final],
    )
    for index, job in quick:
        outcomes[index] = job.written(now=now)
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


def _submitted_event(job: BatchedSave) -> tuple[int, dict[str, Any]]:
    data = {"round_id": job.context.round.id, "invitation_id": job.invitation_id}
    return job.context.collaboration.organisation_id, data


def _write_in_savepoint(session: Session, job: BatchedSave) -> Outcome:
    """The careful path inside the batch's unit of work: a failure undoes only this job."""
    try:
        with session.begin_nested():
            return job.write_carefully(session)
    except Exception as error:
        return error


def _write_alone(engine: Engine, job: BatchedSave) -> Outcome:
    with new_session(engine) as session:
        try:
            return job.write_carefully(session)
        except Exception as error:
            return error
