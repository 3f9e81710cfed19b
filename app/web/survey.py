"""/s/{token}: the partner's questionnaire, server-rendered; every POST saves, then redirects."""

import re
import time
from collections.abc import Sequence

from fastapi import APIRouter, Request
from starlette.datastructures import FormData
from starlette.responses import Response

from app.errors import Conflict, FieldProblem, InvalidSubmission, PermissionDenied, RoundNotOpen
from app.infra.messages import N_
from app.services.agreements import follow_up
from app.services.answering import comments, page_batches, resume, survey, survey_views
from app.services.answering.survey import SurveyState
from app.web import csrf, i18n, survey_follow_up
from app.web.deps import AnswerWriterDep, FormDep, SessionDep, SettingsDep
from app.web.errors import error_page
from app.web.survey_deps import (
    Survey,
    SurveyDep,
    form_is_ours,
    keep_code,
    redirect,
    unavailable,
)
from app.web.templating import render

router = APIRouter(prefix="/s/{token}", include_in_schema=False)

_NEXT_PAGE = re.compile(r"^(|welcome|review|thanks|resume|page/\d{1,4})$")
_ACTIONS = ("next", "previous")
EXPIRED_FORM = N_(
    "Your answers were not saved: this form did not come from this questionnaire, or it was "
    "changed. Check your answers and send the page again."
)
UNKNOWN_FIELD = survey.UNKNOWN_FIELD


@router.get("")
def entry(request: Request, current: SurveyDep, session: SessionDep) -> Response:
    """The link in the e-mail: a welcome the first time, afterwards straight back to work."""
    blocked = unavailable(request, current)
    if blocked is not None:
        return blocked
    started, furthest = survey.resume_point(session, current.context)
    if not started:
        return show_welcome(request, current, session)
    target = current.urls.page(furthest) if furthest else current.urls.review
    return redirect(f"{target}?resumed=1")


@router.get("/welcome")
def show_welcome(request: Request, current: SurveyDep, session: SessionDep) -> Response:
    blocked = unavailable(request, current)
    if blocked is not None:
        return blocked
    welcome = survey_views.welcome(session, current.context, language=current.language)
    return render(request, "survey/welcome.html", {"survey": current, "welcome": welcome})


@router.get("/page/{number:int}")
def show_page(request: Request, number: int, current: SurveyDep, session: SessionDep) -> Response:
    blocked = unavailable(request, current)
    if blocked is not None:
        return blocked
    page = survey_views.question_page(
        session, current.context, number=number, language=current.language
    )
    resumed = request.query_params.get("resumed") == "1"
    return _page_response(request, current, page, resumed=resumed)


def _page_response(
    request: Request,
    current: Survey,
    page: survey_views.QuestionPage,
    *,
    problems: Sequence[FieldProblem] = (),
    resumed: bool = False,
    status_code: int = 200,
) -> Response:
    numbers = {question.item_id: index for index, question in enumerate(page.questions, 1)}
    scale = current.context.definition.range
    summary: list[tuple[str, int | None, str]] = []
    errors: dict[str, str] = {}
    for problem in problems:
        text = i18n.gettext(current.language, problem.message, min=scale.min, max=scale.max)
        number = numbers.get(problem.field)
        if problem.field == comments.FIELD:
            summary.append((comments.FIELD, None, text))
            errors[comments.FIELD] = text
        elif number is None:
            summary.append(("", None, text))
        else:
            summary.append((f"q-{problem.field}", number, text))
            errors[problem.field] = text
    context = {
        "survey": current,
        "page": page,
        "problems": summary,
        "errors": errors,
        "resumed": resumed,
        # When the page was shown: its answer adds the difference to the answering time.
        "shown_at": int(time.time()),
    }
    return render(request, "survey/page.html", context, status_code=status_code)


@router.post("/page/{number:int}")
def save_page(
    request: Request,
    number: int,
    current: SurveyDep,
    session: SessionDep,
    settings: SettingsDep,
    form: FormDep,
    writer: AnswerWriterDep,
) -> Response:
    """Save this page (never submitting), then go where the partner asked; all or nothing."""
    if current.state == SurveyState.SUBMITTED:
        return _thanks_page(request, current, session, already_submitted=True, status_code=409)
    blocked = unavailable(request, current)
    if blocked is not None:
        return blocked
    fields, problems = _answer_fields(form)
    shown = {name.removeprefix(survey.FIELD_PREFIX): value for name, value in fields}
    comment, shown_at = (
        _text_field(form, comments.FIELD, problems),
        _text_field(form, "shown_at", problems),
    )
    if comment is not None:
        shown[comments.FIELD] = comment
    if not form_is_ours(request, current, form, settings):
        problems = [FieldProblem(survey.PAGE_FIELD, EXPIRED_FORM)]
        return _refused(request, current, session, number, shown, problems, status_code=403)
    action, language = form.get("action", "next"), form.get("language")
    if action not in _ACTIONS or not (language is None or isinstance(language, str)):
        problems.append(FieldProblem(survey.PAGE_FIELD, UNKNOWN_FIELD))
        language = None
    # The first save ties the link to a new resume code, which this browser then keeps.
    code = current.resume_code or resume.new_code()
    try:
        if problems:
            raise InvalidSubmission("The form was changed.", problems=problems)
        page_batches.save_page(
            writer,
            session,
            context=current.context,
            token=current.token,
            form=page_batches.PageForm(number, tuple(fields), code, shown_at),
            language=language,
            comment=comment,
        )
    except InvalidSubmission as exc:
        return _refused(request, current, session, number, shown, exc.problems, status_code=422)
    except Conflict:  # submitted from another tab in the meantime
        return redirect(current.urls.thanks)
    except RoundNotOpen:  # closed in the meantime; the entry page says so
        return redirect(current.urls.root)
    except PermissionDenied:  # someone else saved with this link first
        return redirect(current.urls.resume)
    target = _destination(current, number, action=str(action), switched=bool(language))
    if target is None:  # past the last page: the follow-up question when there is one
        target = survey_follow_up.after_items(session, current)
    return keep_code(redirect(target), current, code, settings)


def _answer_fields(form: FormData) -> tuple[list[tuple[str, str]], list[FieldProblem]]:
    """The answer fields of a page form; anything that is not plain text is a problem."""
    fields: list[tuple[str, str]] = []
    problems: list[FieldProblem] = []
    for name, value in form.multi_items():
        if name in (csrf.FIELD, "action", "language", comments.FIELD, "shown_at"):
            continue
        if isinstance(value, str):
            fields.append((name, value))
        else:
            problems.append(FieldProblem(survey.PAGE_FIELD, UNKNOWN_FIELD))
    return fields, problems


def _text_field(form: FormData, name: str, problems: list[FieldProblem]) -> str | None:
    """One plain-text field sent at most once; anything else is a problem with the form."""
    values = form.getlist(name)
    if len(values) > 1 or not all(isinstance(value, str) for value in values):
        problems.append(FieldProblem(survey.PAGE_FIELD, UNKNOWN_FIELD))
        return None
    return str(values[0]) if values else None


def _refused(
    request: Request,
    current: Survey,
    session: SessionDep,
    number: int,
    shown: dict[str, str],
    problems: list[FieldProblem],
    *,
    status_code: int,
) -> Response:
    """The same page again with the partner's choices kept and each problem at its field."""
    page = survey_views.question_page(
        session, current.context, number=number, language=current.language, shown=shown
    )
    return _page_response(request, current, page, problems=problems, status_code=status_code)


def _destination(current: Survey, number: int, *, action: str, switched: bool) -> str | None:
    """The page to go to after saving page `number`; None after the last one."""
    total = len(survey.page_plan(current.context))
    if switched:
        return current.urls.page(number)
    if action == "previous":
        return current.urls.page(number - 1) if number > 1 else current.urls.welcome
    return current.urls.page(number + 1) if number < total else None


@router.get("/review")
def show_review(request: Request, current: SurveyDep, session: SessionDep) -> Response:
    blocked = unavailable(request, current)
    if blocked is not None:
        return blocked
    return _review_page(request, current, session)


def _review_page(
    request: Request,
    current: Survey,
    session: SessionDep,
    *,
    problem: str | None = None,
    status_code: int = 200,
) -> Response:
    targets = survey_views.review(session, current.context, language=current.language)
    context = {
        "survey": current,
        "targets": targets,
        "last_page": len(survey.page_plan(current.context)),
        "all_answered": all(not target.unanswered for target in targets),
        "nothing_answered": not any(target.answered for target in targets),
        "problem": i18n.gettext(current.language, problem) if problem else None,
        "follow_up": follow_up.follow_up_items(session, current.context),
        "follow_up_url": survey_follow_up.follow_up_url(current),
    }
    return render(request, "survey/review.html", context, status_code=status_code)


@router.post("/submit")
def submit(
    request: Request,
    current: SurveyDep,
    session: SessionDep,
    settings: SettingsDep,
    form: FormDep,
) -> Response:
    """Submit once. A second submit (another tab, a double click) lands on the same thanks."""
    blocked = unavailable(request, current)
    if blocked is not None:
        return blocked
    if not form_is_ours(request, current, form, settings):
        return error_page(request, 403)
    try:
        survey.submit(session, context=current.context, resume_code=current.resume_code)
    except PermissionDenied:
        return redirect(current.urls.resume)
    except InvalidSubmission as exc:  # nothing answered: the review says so, nothing changes
        message = exc.problems[0].message if exc.problems else exc.message
        return _review_page(request, current, session, problem=message, status_code=422)
    except Conflict:
        pass  # the other tab was first; its submission is the one that counts
    except RoundNotOpen:
        return redirect(current.urls.root)
    return redirect(current.urls.thanks)


@router.get("/thanks")
def show_thanks(request: Request, current: SurveyDep, session: SessionDep) -> Response:
    if current.state != SurveyState.SUBMITTED:
        return redirect(current.urls.root)
    return _thanks_page(request, current, session)


def _thanks_page(
    request: Request,
    current: Survey,
    session: SessionDep,
    *,
    already_submitted: bool = False,
    status_code: int = 200,
) -> Response:
    # A partner's own zones are for the browser holding their code, not for any link holder.
    own = current.resume_code is not None
    thanks = survey_views.thanks(session, current.context, own_device=own)
    context = {"survey": current, "thanks": thanks, "already_submitted": already_submitted}
    return render(request, "survey/thanks.html", context, status_code=status_code)


@router.post("/language")
def switch_language(
    request: Request,
    current: SurveyDep,
    session: SessionDep,
    settings: SettingsDep,
    form: FormDep,
) -> Response:
    """Remember the partner's language and show the page they were on in it."""
    if not form_is_ours(request, current, form, settings):
        return error_page(request, 403)
    language, next_page = form.get("language"), form.get("next", "")
    if not isinstance(language, str):
        return error_page(request, 422)
    try:
        survey.set_language(session, context=current.context, language=language)
    except InvalidSubmission:
        return error_page(request, 422)
    if not (isinstance(next_page, str) and _NEXT_PAGE.match(next_page)):
        next_page = ""
    return redirect(f"{current.urls.root}/{next_page}" if next_page else current.urls.root)
