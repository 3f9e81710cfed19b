"""/s/{token}/agreements: the follow-up question after the trust items, in the checking round."""

from collections.abc import Sequence

from fastapi import APIRouter, Request
from starlette.responses import Response

from app.errors import Conflict, FieldProblem, InvalidSubmission, PermissionDenied, RoundNotOpen
from app.scoring.agreements import VERDICT_MAX, VERDICT_MIN
from app.services.agreements import follow_up
from app.services.answering import resume
from app.services.answering.survey import page_plan
from app.web import csrf, i18n
from app.web.deps import FormDep, SessionDep, SettingsDep
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


def follow_up_url(current: Survey) -> str:
    return f"{current.urls.root}/agreements"


def after_items(session: SessionDep, current: Survey) -> str:
    """Where the last question page leads: the follow-up when there is one, else the review."""
    asked = follow_up.agreements_to_check(session, current.context)
    return follow_up_url(current) if asked else current.urls.review


@router.get("/agreements")
def show_follow_up(request: Request, current: SurveyDep, session: SessionDep) -> Response:
    blocked = unavailable(request, current)
    if blocked is not None:
        return blocked
    items = follow_up.follow_up_items(session, current.context)
    if not items:
        return redirect(current.urls.review)
    return _page(request, current, items)


def _page(
    request: Request,
    current: Survey,
    items: Sequence[follow_up.FollowUpItem],
    *,
    problems: Sequence[FieldProblem] = (),
    shown: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    errors = {
        problem.field: i18n.gettext(
            current.language, problem.message, min=VERDICT_MIN, max=VERDICT_MAX
        )
        for problem in problems
    }
    context = {
        "survey": current,
        "items": items,
        "errors": errors,
        "shown": shown or {},
        "action_url": follow_up_url(current),
        "points": list(range(VERDICT_MIN, VERDICT_MAX + 1)),
    }
    return render(request, "survey/follow_up.html", context, status_code=status_code)


def _last_page(current: Survey) -> int:
    return len(page_plan(current.context))


@router.post("/agreements")
def save_follow_up(
    request: Request,
    current: SurveyDep,
    session: SessionDep,
    settings: SettingsDep,
    form: FormDep,
) -> Response:
    """Save the answers, then go on to the review (or back to the last question page)."""
    blocked = unavailable(request, current)
    if blocked is not None:
        return blocked
    if not form_is_ours(request, current, form, settings):
        return error_page(request, 403)
    action = form.get("action", "next")
    fields = [
        (name, value)
        for name, value in form.multi_items()
        if name not in (csrf.FIELD, "action") and isinstance(value, str)
    ]
    code = current.resume_code or resume.new_code()  # the first save ties the link to it
    try:
        follow_up.save_follow_up(session, token=current.token, fields=fields, resume_code=code)
    except PermissionDenied:
        return redirect(current.urls.resume)
    except InvalidSubmission as exc:
        items = follow_up.follow_up_items(session, current.context)
        return _page(
            request, current, items, problems=exc.problems, shown=dict(fields), status_code=422
        )
    except Conflict:
        return redirect(current.urls.thanks)
    except RoundNotOpen:
        return redirect(current.urls.root)
    target = current.urls.page(_last_page(current)) if action == "previous" else current.urls.review
    return keep_code(redirect(target), current, code, settings)
