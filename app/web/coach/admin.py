"""Administrators' pages: the organisation's users and its API keys."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.errors import Conflict, InvalidInput
from app.models import Role
from app.models.base import has_control_characters
from app.services.identity import api_keys, users
from app.services.identity.auth import Principal
from app.web.coach.deps import AdminDep, AdminFormDep
from app.web.coach.forms import Errors, checked, optional, text, translator
from app.web.coach.pages import page, see_other
from app.web.coach.refusals import refusal
from app.web.deps import PathId, SessionDep

router = APIRouter(include_in_schema=False)
ROLES = tuple(role.value for role in Role)


def _users_page(
    request: Request,
    session: SessionDep,
    principal: Principal,
    *,
    values: dict[str, Any] | None = None,
    errors: Errors | None = None,
    status_code: int = 200,
) -> Response:
    context = {
        "users": users.list_users(session, organisation_id=principal.organisation_id),
        "values": values or {"email": "", "name": "", "role": "coach"},
        "errors": errors or {},
        "roles": ROLES,
        "nav": "users",
    }
    return page(request, "coach/users.html", principal, context, status_code=status_code)


@router.get("/coach/users")
def list_users(request: Request, principal: AdminDep, session: SessionDep) -> Response:
    return _users_page(request, session, principal)


@router.post("/coach/users")
def add_user(
    request: Request, principal: AdminDep, form: AdminFormDep, session: SessionDep
) -> Response:
    _ = translator(principal.language)
    values = {"email": text(form, "email"), "name": text(form, "name"), "role": text(form, "role")}
    errors: Errors = {}
    if values["role"] not in ROLES:
        errors["role"] = _("Choose one of the options.")
    if "@" not in values["email"]:
        errors["email"] = _("Enter an e-mail address like name@example.org.")
    if not errors:
        try:
            users.add_user(
                session,
                organisation_id=principal.organisation_id,
                email=values["email"],
                password=str(form.get("password") or ""),
                role=Role(values["role"]),
                name=optional(form, "name"),
            )
            return see_other("/coach/users", "user_added")
        except Conflict as refused:
            errors["email"] = refusal(refused, _)
        except InvalidInput as refused:
            for problem in refused.problems:
                if problem.field == "password":
                    errors["password"] = _(
                        "Use at least 12 characters, and not a password that is common."
                    )
                elif problem.field == "name":
                    errors["name"] = _(
                        "Use one line of text, without line breaks or invisible control characters."
                    )
                else:
                    errors[problem.field] = _("This value is not valid.")
    return _users_page(request, session, principal, values=values, errors=errors, status_code=422)


@router.post("/coach/users/{user_id}/role")
def change_role(
    request: Request, user_id: PathId, principal: AdminDep, form: AdminFormDep, session: SessionDep
) -> Response:
    _ = translator(principal.language)
    role = text(form, "role")
    if role not in ROLES:
        errors = {f"role-{user_id}": _("Choose one of the options.")}
        return _users_page(request, session, principal, errors=errors, status_code=422)
    try:
        users.change_role(
            session, organisation_id=principal.organisation_id, user_id=user_id, role=Role(role)
        )
    except Conflict as refused:
        errors = {f"role-{user_id}": refusal(refused, _)}
        return _users_page(request, session, principal, errors=errors, status_code=409)
    return see_other("/coach/users", "user_changed")


@router.post("/coach/users/{user_id}/active")
def set_active(
    request: Request, user_id: PathId, principal: AdminDep, form: AdminFormDep, session: SessionDep
) -> Response:
    _ = translator(principal.language)
    try:
        users.set_active(
            session,
            organisation_id=principal.organisation_id,
            user_id=user_id,
            active=checked(form, "active"),
            acting_user_id=principal.user_id,
        )
    except Conflict as refused:
        errors = {f"active-{user_id}": refusal(refused, _)}
        return _users_page(request, session, principal, errors=errors, status_code=409)
    return see_other("/coach/users", "user_changed")


def _keys_page(
    request: Request,
    session: SessionDep,
    principal: Principal,
    *,
    created: api_keys.CreatedApiKey | None = None,
    errors: Errors | None = None,
    status_code: int = 200,
) -> Response:
    context = {
        "keys": api_keys.list_api_keys(session, organisation_id=principal.organisation_id),
        "created": created,
        "errors": errors or {},
        "nav": "api_keys",
    }
    return page(request, "coach/api_keys.html", principal, context, status_code=status_code)


@router.get("/coach/api-keys")
def list_keys(request: Request, principal: AdminDep, session: SessionDep) -> Response:
    return _keys_page(request, session, principal)


@router.post("/coach/api-keys")
def create_key(
    request: Request, principal: AdminDep, form: AdminFormDep, session: SessionDep
) -> Response:
    """The new key is shown once, on this response; it is never stored or shown again."""
    _ = translator(principal.language)
    name = text(form, "name")
    if not name or len(name) > 200:
        errors = {"name": _("Give the key a name of at most 200 characters, such as its use.")}
        return _keys_page(request, session, principal, errors=errors, status_code=422)
    if has_control_characters(name):
        message = _("Use one line of text, without line breaks or invisible control characters.")
        return _keys_page(request, session, principal, errors={"name": message}, status_code=422)
    scopes = ("read",) if checked(form, "read_only") else ("read", "write")
    created = api_keys.create_api_key(
        session, organisation_id=principal.organisation_id, name=name, scopes=scopes
    )
    return _keys_page(request, session, principal, created=created, status_code=201)


@router.post("/coach/api-keys/{key_id}/revoke")
def revoke_key(
    key_id: PathId, principal: AdminDep, form: AdminFormDep, session: SessionDep
) -> Response:
    api_keys.revoke_api_key(session, organisation_id=principal.organisation_id, api_key_id=key_id)
    return see_other("/coach/api-keys", "key_revoked")
