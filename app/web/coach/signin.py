"""/, /login and /logout, and the coach's interface language."""

import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from app.config import Settings
from app.errors import RateLimited
from app.services.identity import auth, users
from app.web import i18n
from app.web.coach.deps import AnyFormDep, PrincipalDep, session_token
from app.web.coach.forms import text, translator
from app.web.csrf import FIELD, form_token, same_origin, token_matches
from app.web.deps import FormDep, SessionDep, SettingsDep, client_address
from app.web.templating import render

router = APIRouter(include_in_schema=False)

# Before sign-in there is no session to bind the form token to: a random value in a cookie
# is, and the form carries this server's keyed token of it (a signed double submit).
LOGIN_NONCE_COOKIE = "trustmeter_login"
# Marks a browser where someone signed in before: strangers' failed guesses never slow its
# sign-in down (app.services.identity.sign_in_limits). Sent only to /login, kept a year.
DEVICE_COOKIE = "trustmeter_device"
DEVICE_MAX_AGE_SECONDS = 365 * 24 * 3600
NOTICES = ("signed_out", "expired")


def safe_next(value: str | None) -> str:
    """Only our own coach pages: never an open redirect to somebody else's site."""
    if value and value.startswith("/coach") and not value.startswith("//") and "\\" not in value:
        return value
    return "/coach"


def _login_page(
    request: Request,
    settings: Settings,
    *,
    language: str,
    email: str = "",
    next_url: str = "/coach",
    error: str | None = None,
    notice: str | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    nonce = request.cookies.get(LOGIN_NONCE_COOKIE) or secrets.token_urlsafe(16)
    page = render(
        request,
        "coach/login.html",
        {
            "email": email,
            "next_url": next_url,
            "error": error,
            "notice": notice if notice in NOTICES else None,
            "csrf_token": form_token(settings, purpose="login", subject=nonce),
        },
        language=language,
        status_code=status_code,
        headers=headers,
    )
    page.set_cookie(
        LOGIN_NONCE_COOKIE,
        nonce,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        path="/login",
    )
    return page


@router.get("/")
def home(session: SessionDep, token: Annotated[str | None, Depends(session_token)]) -> Response:
    """The address the README gives: a signed-in coach's collaborations, or the sign-in page."""
    signed_in = auth.authenticate(session, token=token) is not None
    return RedirectResponse("/coach" if signed_in else "/login", status_code=303)


@router.get("/login")
def login_form(
    request: Request,
    settings: SettingsDep,
    session: SessionDep,
    token: Annotated[str | None, Depends(session_token)],
    next: Annotated[str | None, Query()] = None,
    notice: Annotated[str | None, Query()] = None,
    lang: Annotated[str | None, Query()] = None,
) -> Response:
    if auth.authenticate(session, token=token) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    language = i18n.normalise_language(lang) or i18n.negotiate(
        request.headers.get("accept-language")
    )
    return _login_page(
        request, settings, language=language, next_url=safe_next(next), notice=notice
    )


@router.post("/login")
def login(
    request: Request,
    form: FormDep,
    settings: SettingsDep,
    session: SessionDep,
    token: Annotated[str | None, Depends(session_token)],
) -> Response:
    language = i18n.normalise_language(text(form, "language")) or i18n.negotiate(
        request.headers.get("accept-language")
    )
    _ = translator(language)
    email, next_url = text(form, "email"), safe_next(text(form, "next"))

    def again(error: str, status_code: int, headers: dict[str, str] | None = None) -> Response:
        return _login_page(
            request,
            settings,
            language=language,
            email=email,
            next_url=next_url,
            error=error,
            status_code=status_code,
            headers=headers,
        )

    if not _from_our_login_page(request, form, settings):
        return again(
            _("The sign-in form expired or did not come from this site. Please try again."), 403
        )
    if not email or not text(form, "password"):
        return again(_("Enter your e-mail address and your password."), 422)
    try:
        signed_in = auth.sign_in(
            session,
            email=email,
            password=str(form.get("password") or ""),
            client_address=client_address(request),
            settings=settings,
            previous_token=token,
            device_token=request.cookies.get(DEVICE_COOKIE),
        )
    except RateLimited as exc:
        message = _("Too many failed attempts. Wait a few minutes and try again.")
        return again(message, 429, {"Retry-After": str(exc.retry_after)})
    except auth.SignInFailed:
        return again(_("The e-mail address or the password is not right."), 401)
    return _signed_in_response(signed_in, next_url, settings)


def _from_our_login_page(request: Request, form: FormData, settings: Settings) -> bool:
    """The signed double submit: the cookie's nonce and the form's keyed token must match."""
    nonce = request.cookies.get(LOGIN_NONCE_COOKIE)
    if not nonce or not same_origin(request, settings):
        return False
    expected = form_token(settings, purpose="login", subject=nonce)
    return token_matches(expected, text(form, FIELD))


def _signed_in_response(signed_in: auth.SignedIn, next_url: str, settings: Settings) -> Response:
    """On to the page asked for, with the session cookie (HttpOnly, SameSite=Lax, Secure
    and `__Host-` over https) and, on a browser new to this account, its device cookie."""
    response = RedirectResponse(next_url, status_code=303)
    response.set_cookie(
        auth.cookie_name(settings),
        signed_in.token,
        max_age=settings.session_max_age_seconds,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        path="/",
    )
    response.delete_cookie(LOGIN_NONCE_COOKIE, path="/login")
    if signed_in.device_token:
        response.set_cookie(
            DEVICE_COOKIE,
            signed_in.device_token,
            max_age=DEVICE_MAX_AGE_SECONDS,
            httponly=True,
            samesite="strict",
            secure=settings.secure_cookies,
            path="/login",
        )
    return response


@router.post("/logout")
def logout(
    form: AnyFormDep,
    settings: SettingsDep,
    session: SessionDep,
    token: Annotated[str | None, Depends(session_token)],
) -> Response:
    auth.sign_out(session, token=token)
    response = RedirectResponse("/login?notice=signed_out", status_code=303)
    response.delete_cookie(
        auth.cookie_name(settings),
        path="/",
        secure=settings.secure_cookies,
        httponly=True,
        samesite="lax",
    )
    return response


@router.post("/coach/language")
def choose_language(form: AnyFormDep, principal: PrincipalDep, session: SessionDep) -> Response:
    language = i18n.normalise_language(text(form, "language")) or principal.language
    users.set_language(session, user_id=principal.user_id, language=language)
    return RedirectResponse(safe_next(text(form, "next")), status_code=303)
