"""What every /s/{token} route starts from: the invitation behind the link, checked and located."""

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.responses import Response

from app.config import Settings
from app.errors import NotFound, RateLimited
from app.models import utcnow
from app.services.answering import links, resume, survey
from app.services.answering.invitation_state import InvitationContext
from app.services.answering.survey import SurveyState
from app.web import csrf
from app.web.deps import SessionDep, SettingsDep, client_address
from app.web.errors import PageResponse, error_page
from app.web.templating import render


@dataclass(frozen=True, slots=True)
class SurveyUrls:
    root: str

    def page(self, number: int) -> str:
        return f"{self.root}/page/{number}"

    @property
    def welcome(self) -> str:
        return f"{self.root}/welcome"

    @property
    def review(self) -> str:
        return f"{self.root}/review"

    @property
    def submit(self) -> str:
        return f"{self.root}/submit"

    @property
    def thanks(self) -> str:
        return f"{self.root}/thanks"

    @property
    def language(self) -> str:
        return f"{self.root}/language"

    @property
    def resume(self) -> str:
        return f"{self.root}/resume"

    @property
    def restart(self) -> str:
        return f"{self.root}/restart"


@dataclass(frozen=True, slots=True)
class Survey:
    """One request's view of an invitation: its context, language, URLs and form token."""

    token: str
    context: InvitationContext
    state: SurveyState
    language: str
    urls: SurveyUrls
    form_token: str
    resume_code: str | None  # the partner's code, when this browser holds it
    locked: bool  # answers were saved, and this browser does not hold their code

    @property
    def shown_code(self) -> str | None:
        return resume.shown(self.resume_code) if self.resume_code else None


# Kept by the browser that saved, for this link's path only; Lax so the e-mail link sends it.
RESUME_COOKIE = "tm_resume"
RESUME_COOKIE_DAYS = 200


async def load_survey(
    token: str, request: Request, session: SessionDep, settings: SettingsDep
) -> Survey:
    """The survey behind the link, or a helpful 404/429 page that changes nothing else.

    Every survey request starts here. On SQLite a known link costs one or two indexed
    in-process reads, less than the hop to the thread pool and back, so they run in the
    event loop (as the session is opened there, see `get_session`); on PostgreSQL (network
    round trips) and for an unknown link (its count is a write, which may wait for the write
    lock) the lookup runs in a thread.
    """
    cookie = request.cookies.get(RESUME_COOKIE)
    client_key = client_address(request)
    limit, window = settings.token_rate_limit, settings.token_rate_window_seconds
    try:
        context = None
        if session.get_bind().dialect.name == "sqlite":
            context = links.find_survey(
                session,
                token=token,
                client_key=client_key,
                limit=limit,
                window_seconds=window,
                resume_code=cookie,
            )
        if context is None:
            context = await run_in_threadpool(
                links.open_survey,
                session,
                token=token,
                client_key=client_key,
                limit=limit,
                window_seconds=window,
                resume_code=cookie,
            )
    except NotFound:
        page = render(request, "errors/link_not_found.html", status_code=404)
        raise PageResponse(page) from None
    except RateLimited as exc:
        headers = {"Retry-After": str(exc.retry_after)}
        raise PageResponse(error_page(request, 429, headers=headers)) from None
    language = survey.survey_language(context)
    request.state.language = language
    subject = context.invitation.token_hash
    held = cookie if resume.holds(context.invitation, cookie) else None
    return Survey(
        token=token,
        context=context,
        state=survey.survey_state(context, now=utcnow()),
        language=language,
        urls=SurveyUrls("/s/" + quote(token, safe="")),
        form_token=csrf.form_token(settings, purpose="survey", subject=subject),
        resume_code=held,
        locked=resume.guarded(context.invitation) and held is None,
    )


def keep_code(response: Response, current: Survey, code: str, settings: Settings) -> Response:
    """Let this browser hold the resume code for this link (and only for it)."""
    response.set_cookie(
        RESUME_COOKIE,
        resume.normalise(code),
        max_age=RESUME_COOKIE_DAYS * 24 * 3600,
        path=current.urls.root,
        secure=settings.secure_cookies,
        httponly=True,
        samesite="lax",
    )
    return response


SurveyDep = Annotated[Survey, Depends(load_survey)]


def redirect(url: str) -> RedirectResponse:
    """Redirect-after-POST (and to the right page after GET): always 303 See Other."""
    return RedirectResponse(url, status_code=303)


def unavailable(request: Request, current: Survey) -> Response | None:
    """The answer for a survey that does not take answers now; None when it does."""
    if current.state == SurveyState.SUBMITTED:
        return redirect(current.urls.thanks)
    if current.state == SurveyState.OPEN:
        return redirect(current.urls.resume) if current.locked else None
    round_ = current.context.round
    closed = current.state == SurveyState.CLOSED
    return render(
        request,
        "survey/unavailable.html",
        {
            "survey": current,
            "closed": closed,
            "opens_at": round_.opens_at,
            "closed_at": (round_.closed_at or round_.closes_at) if closed else None,
        },
        status_code=410 if closed else 409,
    )


def form_is_ours(request: Request, current: Survey, form: FormData, settings: Settings) -> bool:
    """The posted form came from this site and carries this invitation's form token."""
    if not csrf.same_origin(request, settings):
        return False
    given = form.get(csrf.FIELD)
    return isinstance(given, str) and csrf.token_matches(current.form_token, given)
