"""Dependencies of the coach pages: who is signed in, what they may do, and checked forms."""

from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData

from app.errors import PermissionDenied
from app.services.identity import auth
from app.services.identity.auth import Principal
from app.web.csrf import FIELD, same_origin, token_matches
from app.web.deps import SessionDep, SettingsDep
from app.web.errors import PageResponse


class FormRefused(PermissionDenied):
    """A form that did not come from our own page (CSRF) gets a 403 and changes nothing."""


def session_token(request: Request, settings: SettingsDep) -> str | None:
    return request.cookies.get(auth.cookie_name(settings))


def current_principal(
    request: Request, session: SessionDep, token: Annotated[str | None, Depends(session_token)]
) -> Principal:
    """The signed-in user; anyone else is sent to the sign-in page and brought back after."""
    principal = auth.authenticate(session, token=token)
    if principal is None:
        back = quote(request.url.path) if request.method == "GET" else ""
        target = f"/login?next={back}" if back else "/login"
        raise PageResponse(RedirectResponse(target, status_code=303))
    request.state.language = principal.language
    request.state.principal = principal
    return principal


PrincipalDep = Annotated[Principal, Depends(current_principal)]


def editor(principal: PrincipalDep) -> Principal:
    auth.require_editor(principal)
    return principal


def admin(principal: PrincipalDep) -> Principal:
    auth.require_admin(principal)
    return principal


async def _checked_form(request: Request, settings: SettingsDep, principal: Principal) -> FormData:
    form = await request.form()
    given = form.get(FIELD)
    if not same_origin(request, settings) or not token_matches(
        principal.csrf_token, given if isinstance(given, str) else None
    ):
        raise FormRefused("The form did not come from this site; nothing was changed.")
    return form


async def any_form(request: Request, settings: SettingsDep, principal: PrincipalDep) -> FormData:
    """A form any signed-in user may send (sign out, language)."""
    return await _checked_form(request, settings, principal)


async def editor_form(
    request: Request, settings: SettingsDep, principal: Annotated[Principal, Depends(editor)]
) -> FormData:
    return await _checked_form(request, settings, principal)


async def admin_form(
    request: Request, settings: SettingsDep, principal: Annotated[Principal, Depends(admin)]
) -> FormData:
    return await _checked_form(request, settings, principal)


EditorDep = Annotated[Principal, Depends(editor)]
AdminDep = Annotated[Principal, Depends(admin)]
AnyFormDep = Annotated[FormData, Depends(any_form)]
EditorFormDep = Annotated[FormData, Depends(editor_form)]
AdminFormDep = Annotated[FormData, Depends(admin_form)]
