"""/s/{token}/resume and /restart: a partner on another device proves their resume code.

A link alone opens only what nothing was saved with yet. Saved answers are shown to the
browser holding the resume code; here the partner types it in, or, having lost it, throws
the saved answers away and starts again. No route here shows or takes over an answer.
"""

from fastapi import APIRouter, Request
from starlette.responses import Response

from app.errors import Conflict, NotFound, RateLimited, RoundNotOpen
from app.infra.messages import N_
from app.services.answering import resume
from app.services.answering.survey import SurveyState
from app.web import i18n
from app.web.deps import FormDep, SessionDep, SettingsDep
from app.web.errors import error_page
from app.web.survey_deps import Survey, SurveyDep, form_is_ours, keep_code, redirect
from app.web.templating import render

router = APIRouter(prefix="/s/{token}", include_in_schema=False)

# Twelve characters from 31 leave guessing hopeless; the limit keeps it so for typed codes.
ATTEMPTS = 10
WINDOW_SECONDS = 3600

NO_CODE = N_("Enter your resume code.")
WRONG_CODE = N_("This is not the resume code of this link. Check it and try again.")
TOO_MANY = N_("Too many wrong codes. Try again in an hour, or start again below.")
NOT_CONFIRMED = N_("Tick the box to confirm that the saved answers may be deleted.")


def _not_locked(current: Survey) -> Response | None:
    """Where to go instead when there is nothing to unlock (the entry page knows the state)."""
    if current.state != SurveyState.OPEN or not current.locked:
        return redirect(current.urls.root)
    return None


def _page(
    request: Request,
    current: Survey,
    errors: dict[str, str] | None = None,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    texts = {field: i18n.gettext(current.language, msg) for field, msg in (errors or {}).items()}
    context = {"survey": current, "errors": texts}
    return render(request, "survey/resume.html", context, status_code=status_code, headers=headers)


@router.get("/resume")
def show_resume(request: Request, current: SurveyDep) -> Response:
    return _not_locked(current) or _page(request, current)


@router.post("/resume")
def enter_code(
    request: Request,
    current: SurveyDep,
    session: SessionDep,
    settings: SettingsDep,
    form: FormDep,
) -> Response:
    """The right code lets this browser keep it and continue; a wrong one changes nothing."""
    if not form_is_ours(request, current, form, settings):
        return error_page(request, 403)
    elsewhere = _not_locked(current)
    if elsewhere is not None:
        return elsewhere
    raw = form.get("code")
    code = resume.normalise(raw) if isinstance(raw, str) else ""
    if not code:
        return _page(request, current, {"code": NO_CODE}, status_code=422)
    try:
        right = resume.try_code(
            session,
            context=current.context,
            code=code,
            limit=ATTEMPTS,
            window_seconds=WINDOW_SECONDS,
        )
    except RateLimited as exc:
        headers = {"Retry-After": str(exc.retry_after)}
        return _page(request, current, {"code": TOO_MANY}, status_code=429, headers=headers)
    if not right:
        return _page(request, current, {"code": WRONG_CODE}, status_code=422)
    return keep_code(redirect(current.urls.root), current, code, settings)


@router.post("/restart")
def start_again(
    request: Request,
    current: SurveyDep,
    session: SessionDep,
    settings: SettingsDep,
    form: FormDep,
) -> Response:
    """Delete the saved (never submitted) answers and begin again, with a new code."""
    if not form_is_ours(request, current, form, settings):
        return error_page(request, 403)
    elsewhere = _not_locked(current)
    if elsewhere is not None:
        return elsewhere
    if form.get("confirm") != "yes":
        return _page(request, current, {"confirm": NOT_CONFIRMED}, status_code=422)
    code = resume.new_code()
    try:
        resume.start_again(session, context=current.context, code=code)
    except (Conflict, RoundNotOpen, NotFound):  # submitted, closed or withdrawn meanwhile
        return redirect(current.urls.root)
    return keep_code(redirect(current.urls.welcome), current, code, settings)
