"""The partner's questionnaire as pages: state, resume point, saving and submitting.

Which statements each page asks is the page plan's (app/services/answering/pages.py).
"""

from collections.abc import Mapping, Sequence
from datetime import datetime
from enum import StrEnum

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from app.errors import (
    Conflict,
    FieldProblem,
    InvalidSubmission,
    PermissionDenied,
)
from app.infra.messages import LANGUAGES, N_
from app.infra.unit_of_work import unit_of_work
from app.models import InvitationStatus, Response, RoundStatus, utcnow
from app.models.response import AnswerIn
from app.scoring.questionnaire import ItemDefinition
from app.services.answering import comments, invitation_state, pages, responses, resume, timing
from app.services.answering.invitation_state import InvitationContext
from app.services.answering.pages import PageRef, plan_pages

FIELD_PREFIX = "q-"
DONT_KNOW = "dk"
PAGE_FIELD = ""  # a problem with the form as a whole, not with one question
UNKNOWN_FIELD = N_("The form contained an unknown field.")
OUT_OF_SCALE = N_('Choose one of the answers from %(min)s to %(max)s, or "Don\'t know".')


class SurveyState(StrEnum):
    OPEN = "open"
    NOT_YET_OPEN = "not_yet_open"
    CLOSED = "closed"
    SUBMITTED = "submitted"


def page_plan(context: InvitationContext) -> list[PageRef]:
    """The invitation's pages (see `pages.plan_pages`)."""
    invitation = context.invitation
    return plan_pages(context.definition, invitation.target_party_ids, invitation.target_kinds)


def page_items(context: InvitationContext, ref: PageRef) -> list[ItemDefinition]:
    """The statements of one page: its scales' items that fit the target's kind."""
    return list(ref.items)


def page_ref(context: InvitationContext, number: int) -> PageRef:
    return pages.page_ref(page_plan(context), number)


def survey_state(context: InvitationContext, *, now: datetime) -> SurveyState:
    """Where the invitation stands; the same rules as `invitation_state.ensure_accepting`."""
    round_ = context.round
    if context.invitation.status == InvitationStatus.SUBMITTED:
        return SurveyState.SUBMITTED
    if round_.status == RoundStatus.DRAFT or (round_.opens_at and now < round_.opens_at):
        return SurveyState.NOT_YET_OPEN
    if round_.status == RoundStatus.CLOSED or (round_.closes_at and now >= round_.closes_at):
        return SurveyState.CLOSED
    return SurveyState.OPEN


def survey_language(context: InvitationContext) -> str:
    """The invitation's chosen language, else the collaboration's default."""
    for candidate in (context.invitation.language, context.collaboration.language):
        if candidate in LANGUAGES:
            return candidate
    return LANGUAGES[0]


# Only the answers, not whole rows (scores and all): read on most survey requests.
_SAVED = select(col(Response.target_party_id), col(Response.answers)).where(
    col(Response.invitation_id) == bindparam("invitation_id")
)


def saved_answers(session: Session, context: InvitationContext) -> dict[int, dict[str, int | None]]:
    """What was saved so far, per target party. A pending invitation has saved nothing
    (saving answers marks it started), so that needs no query."""
    invitation = context.invitation
    if invitation.status == InvitationStatus.PENDING:
        return {}
    rows = session.execute(_SAVED, {"invitation_id": invitation.id})
    return {target: dict(answers) for target, answers in rows}


def resume_page(
    session: Session,
    context: InvitationContext,
    *,
    saved: Mapping[int, Mapping[str, int | None]] | None = None,
) -> int | None:
    """The page after the furthest one with a saved answer; None when that is the review."""
    if saved is None:
        saved = saved_answers(session, context)
    plan = page_plan(context)
    furthest = 0
    for ref in plan:
        answered = saved.get(ref.target_party_id, {})
        if any(item.id in answered for item in ref.items):
            furthest = ref.number
    return furthest + 1 if furthest < len(plan) else None


def has_started(session: Session, context: InvitationContext) -> bool:
    return any(saved_answers(session, context).values())


def resume_point(session: Session, context: InvitationContext) -> tuple[bool, int | None]:
    """Whether anything was saved and, if so, the page to go on with (None: the review)."""
    saved = saved_answers(session, context)
    if not any(saved.values()):
        return False, 1
    return True, resume_page(session, context, saved=saved)


def parse_page(
    context: InvitationContext, ref: PageRef, fields: Sequence[tuple[str, str]]
) -> dict[str, int | None]:
    """The answers a page form carries, checked against that page's questions.

    InvalidSubmission names the question (item id) or, for fields that are no question of
    this page, the form as a whole. Its messages are msgids for the web layer to translate.
    """
    item_ids = {item.id for item in page_items(context, ref)}
    answers: dict[str, int | None] = {}
    problems: list[FieldProblem] = []
    seen: set[str] = set()
    for name, raw in fields:
        item_id = name.removeprefix(FIELD_PREFIX)
        if not name.startswith(FIELD_PREFIX) or item_id not in item_ids:
            problems.append(FieldProblem(PAGE_FIELD, UNKNOWN_FIELD))
            continue
        if item_id in seen:
            problems.append(FieldProblem(item_id, N_("Choose only one answer.")))
            continue
        seen.add(item_id)
        try:
            answers[item_id] = _parse_value(context, raw)
        except ValueError:
            problems.append(FieldProblem(item_id, OUT_OF_SCALE))
    if problems:
        message = "Some answers on this page could not be accepted."
        raise InvalidSubmission(message, problems=problems)
    return answers


def _parse_value(context: InvitationContext, raw: str) -> int | None:
    scale = context.definition.range
    if raw == DONT_KNOW and scale.dont_know:
        return None
    if raw.isascii() and raw.isdigit() and scale.min <= int(raw) <= scale.max:
        return int(raw)
    raise ValueError(raw)


def page_answers(
    context: InvitationContext, ref: PageRef, fields: Sequence[tuple[str, str]]
) -> dict[int, dict[str, int | None]]:
    """A page form's answers, checked (InvalidSubmission), by target as the writers take them."""
    answers = parse_page(context, ref, fields)
    return responses.validated_answers(
        context,
        [
            AnswerIn(target_party_id=ref.target_party_id, item_id=item_id, value=value)
            for item_id, value in answers.items()
        ],
    )


def save_page(
    session: Session,
    *,
    context: InvitationContext,
    number: int,
    fields: Sequence[tuple[str, str]],
    language: str | None = None,
    resume_code: str,
    comment: str | None = None,
    shown_at: str | None = None,
) -> None:
    """Save one page's answers and, on a target's last page, its comment (not submitting);
    if given, the language too.

    All or nothing: a refused answer saves nothing, the language choice included. The time
    since the page was shown (`shown_at`, Unix seconds) is added to the page's answering time.
    The first save ties the link to `resume_code`; later ones need it (PermissionDenied).
    A comment field that was not sent leaves the saved comment as it is.
    """
    ref = page_ref(context, number)
    by_target = page_answers(context, ref, fields)
    with unit_of_work(session):
        invitation_state.refresh_state(session, context)
        resume.claim(session, context=context, code=resume_code)
        if language is not None:
            _store_language(session, context=context, language=language)
        if ref.comment and comment is not None:
            comments.save_comment(
                session, context=context, target_party_id=ref.target_party_id, text=comment
            )
        now = utcnow()
        seconds = timing.seconds_since(shown_at, now=now)
        if seconds is not None and language is None:  # switching language is no answering
            timing.record_page(
                session,
                invitation=context.invitation,
                page=number,
                items=len(ref.items),
                seconds=seconds,
                now=now,
            )
        if ref.items:
            invitation_state.ensure_accepting(context, now=now)  # as read under the lock
        if by_target:
            responses.write_answers(
                session, context=context, by_target=by_target, final=False, now=now
            )


def set_language(session: Session, *, context: InvitationContext, language: str) -> None:
    """Remember the partner's language on the invitation (allowed in every state but revoked)."""
    with unit_of_work(session):
        _store_language(session, context=context, language=language)


def _store_language(session: Session, *, context: InvitationContext, language: str) -> None:
    if language not in LANGUAGES:
        raise InvalidSubmission(
            f"Unsupported language {language!r}.",
            problems=[FieldProblem("language", N_("Choose Dutch or English."))],
        )
    invitation_state.refresh_state(session, context)
    context.invitation.language = language
    session.add(context.invitation)


def submit(session: Session, *, context: InvitationContext, resume_code: str | None) -> None:
    """Submit every target's answers; Conflict when they were already submitted.

    Only the holder of the resume code submits what was saved (PermissionDenied otherwise).
    """
    with unit_of_work(session):
        invitation_state.refresh_state(session, context)
        invitation = context.invitation
        if resume.guarded(invitation) and not resume.holds(invitation, resume_code):
            if invitation.status == InvitationStatus.SUBMITTED:
                raise Conflict("These answers were already submitted.")
            raise PermissionDenied(
                "Only the partner who saved these answers can submit them.",
                code="survey.resume_needed",
            )
        now = utcnow()
        invitation_state.ensure_accepting(context, now=now)  # as read under the lock
        responses.write_answers(session, context=context, by_target={}, final=True, now=now)
