"""The partner's page saves by group commit: prepared in the request, stored in a shared batch.

A plain page save (this browser holds the link's resume code; no language switch, no comment)
needs no lock to be checked and scored: its answers are parsed, merged with what was saved and
scored again, and its answering time measured, in the request (`prepare`). The process's writer
(`submission_batches`, shared with the API) stores it with whatever else is waiting, and the
request waits for the outcome. Every other save (the first, which ties the link to a code; a
language; a comment) takes the careful path, `survey.save_page`. So does a plain save whose
invitation changed after it was prepared, on a context the writer loads afresh in its own
session: its outcome is exactly the one `survey.save_page` gives.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session

from app.infra.group_commit import result_within
from app.infra.unit_of_work import end_read
from app.infra.write_lock import DEFAULT_TIMEOUT_SECONDS
from app.models import InvitationStatus, utcnow
from app.services.answering import invitation_state, response_writes, resume, survey, timing
from app.services.answering.invitation_state import InvitationContext, WriteState
from app.services.answering.response_writes import AnswerPlan
from app.services.answering.submission_batches import AnswerWriter

# As long as a request waits for the write lock where it writes for itself; then a 503.
WAIT_SECONDS = DEFAULT_TIMEOUT_SECONDS


@dataclass(frozen=True, slots=True)
class PageSaved:
    """What the save left on the invitation, for the request's own copy of it."""

    status: InvitationStatus
    last_saved_at: datetime | None


@dataclass(frozen=True, slots=True)
class PageForm:
    """What the partner sent for one page, as `survey.save_page` takes it."""

    number: int
    fields: tuple[tuple[str, str], ...]
    resume_code: str  # the code this browser holds, or a new one for a first save
    shown_at: str | None = None

    def save_carefully(
        self,
        session: Session,
        context: InvitationContext,
        *,
        language: str | None = None,
        comment: str | None = None,
    ) -> None:
        survey.save_page(
            session,
            context=context,
            number=self.number,
            fields=self.fields,
            language=language,
            resume_code=self.resume_code,
            comment=comment,
            shown_at=self.shown_at,
        )


@dataclass(frozen=True, slots=True)
class PreparedPage:
    """A checked and scored page save, and the invitation state it was prepared against."""

    token: str
    context: InvitationContext
    seen: WriteState
    form: PageForm  # as sent, for the careful path
    plan: AnswerPlan | None  # None: no answers on the page (its time is still recorded)
    visit: dict[str, Any] | None  # the page's answering time, when the form said when it was shown
    asks: bool  # the page has statements: then the round must take answers, as in save_page

    @property
    def invitation_id(self) -> int:
        assert self.context.invitation.id is not None
        return self.context.invitation.id

    def visits(self) -> Sequence[dict[str, Any]]:
        return () if self.visit is None else (self.visit,)

    def check(self, *, now: datetime) -> None:
        if self.asks:
            invitation_state.ensure_accepting(self.context, now=now)

    def written(self, *, now: datetime) -> PageSaved:
        if self.plan is None:  # as survey.save_page: only answers mark the invitation saved
            invitation = self.context.invitation
            return PageSaved(invitation.status, invitation.last_saved_at)
        saved = invitation_state.saved_status(final=False, now=now)
        return PageSaved(saved.status, saved.last_saved_at)

    def write_carefully(self, session: Session) -> PageSaved:
        # Never the request's objects: they belong to its session (and thread).
        context = invitation_state.load_invitation(session, token=self.token)
        self.form.save_carefully(session, context)
        return PageSaved(context.invitation.status, context.invitation.last_saved_at)


def save_page(
    writer: AnswerWriter,
    session: Session,
    *,
    context: InvitationContext,
    token: str,
    form: PageForm,
    language: str | None = None,
    comment: str | None = None,
) -> None:
    """`survey.save_page`, with its outcomes; a plain save is written by `writer`.

    Waits at most about `WAIT_SECONDS` for the write, then WriteUnavailable (503).
    """
    code = form.resume_code
    if language is not None or comment is not None or not resume.holds(context.invitation, code):
        form.save_carefully(session, context, language=language, comment=comment)
        return
    prepared = prepare(session, context=context, token=token, form=form)
    end_read(session)  # the rest of the request reads what the writer stored, not this snapshot
    saved = result_within(writer.queue(prepared), timeout=WAIT_SECONDS)
    assert isinstance(saved, PageSaved)
    # What the careful path would have left on the request's invitation; nothing to flush.
    set_committed_value(context.invitation, "status", saved.status)
    set_committed_value(context.invitation, "last_saved_at", saved.last_saved_at)


def prepare(
    session: Session, *, context: InvitationContext, token: str, form: PageForm
) -> PreparedPage:
    """Everything a plain page save needs that takes no lock; refusals come from here already.

    The answering time ends now, when the partner sent the page, not when the batch is written.
    """
    seen = invitation_state.state_of(context)  # before the saved answers are read
    resume.ensure_holder(context.invitation, form.resume_code)
    ref = survey.page_ref(context, form.number)
    by_target = survey.page_answers(context, ref, form.fields)
    seconds = timing.seconds_since(form.shown_at, now=utcnow())
    visit = None
    if seconds is not None:
        items = len(ref.items)
        visit = timing.visit(context.invitation, page=form.number, items=items, seconds=seconds)
    plan = (
        response_writes.plan_answers(session, context, by_target, final=False)
        if by_target
        else None
    )
    return PreparedPage(token, context, seen, form, plan, visit, asks=bool(ref.items))
