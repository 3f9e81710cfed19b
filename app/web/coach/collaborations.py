"""/coach and /coach/collaborations: the list, a new collaboration, its overview and settings."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from app.errors import InvalidInput
from app.models.collaboration import CollaborationCreate, CollaborationUpdate
from app.services.identity.auth import Principal
from app.services.results import home
from app.services.setup import coach, collaborations
from app.web import i18n
from app.web.coach.deps import EditorDep, EditorFormDep, PrincipalDep
from app.web.coach.forms import Errors, checked, number, text, translator, validate
from app.web.coach.pages import page, see_other
from app.web.deps import SessionDep

router = APIRouter(include_in_schema=False)

DEFAULTS: dict[str, Any] = {
    "name": "",
    "description": "",
    "language": "nl",
    "anonymity_threshold": 3,
    "propensity_cutoff": 50,
    "analysis_cutoff": 50,
    "borderline_margin": 5,
    "reminder_days_before_close": 3,
    "show_own_position": False,
    "alert_decline_points": 5,
    "alert_participation_percent": 50,
    "comment_threshold": 5,
}
# Emptying one of these is a mistake, not "keep the old value".
REQUIRED_NUMBERS = ("alert_decline_points", "alert_participation_percent", "comment_threshold")


@router.get("/coach")
def list_collaborations(request: Request, principal: PrincipalDep, session: SessionDep) -> Response:
    rows = home.collaboration_statuses(session, organisation_id=principal.organisation_id)
    return page(request, "coach/collaborations.html", principal, {"rows": rows})


@router.get("/coach/collaborations/new")
def new_collaboration(request: Request, principal: EditorDep) -> Response:
    return _form(request, principal, DEFAULTS, {})


def _form(
    request: Request,
    principal: Principal,
    values: dict[str, Any],
    errors: Errors,
    *,
    collaboration_id: int | None = None,
) -> Response:
    context = {"values": values, "errors": errors, "collaboration_id": collaboration_id}
    status = 422 if errors else 200
    return page(request, "coach/collaboration_form.html", principal, context, status_code=status)


def _values(form: FormData) -> dict[str, Any]:
    return {
        "name": text(form, "name"),
        "description": text(form, "description"),
        "language": text(form, "language") or "nl",
        "anonymity_threshold": number(form, "anonymity_threshold"),
        "propensity_cutoff": number(form, "propensity_cutoff"),
        "analysis_cutoff": number(form, "analysis_cutoff"),
        "borderline_margin": number(form, "borderline_margin"),
        "reminder_days_before_close": number(form, "reminder_days_before_close"),
        "show_own_position": checked(form, "show_own_position"),
        "alert_decline_points": number(form, "alert_decline_points"),
        "alert_participation_percent": number(form, "alert_participation_percent"),
        "comment_threshold": number(form, "comment_threshold"),
    }


def _without_missing(values: dict[str, Any]) -> dict[str, Any]:
    # An emptied number field means "the default" on creation, not "nothing".
    return {k: v for k, v in values.items() if v is not None or k == "reminder_days_before_close"}


@router.post("/coach/collaborations/new")
def create_collaboration(
    request: Request, principal: EditorDep, form: EditorFormDep, session: SessionDep
) -> Response:
    values = _values(form)
    data, errors = validate(
        CollaborationCreate, _without_missing(values), translator(principal.language)
    )
    if data is None:
        return _form(request, principal, values, errors)
    created = collaborations.create_collaboration(
        session, organisation_id=principal.organisation_id, data=data
    )
    return see_other(f"/coach/collaborations/{created.id}", "created")


@router.get("/coach/collaborations/{collaboration_id}")
def show_collaboration(
    request: Request, collaboration_id: int, principal: PrincipalDep, session: SessionDep
) -> Response:
    found = coach.overview(
        session, organisation_id=principal.organisation_id, collaboration_id=collaboration_id
    )
    return page(request, "coach/collaboration.html", principal, {"overview": found})


@router.get("/coach/collaborations/{collaboration_id}/edit")
def edit_collaboration(
    request: Request, collaboration_id: int, principal: EditorDep, session: SessionDep
) -> Response:
    found = collaborations.get_collaboration(
        session, organisation_id=principal.organisation_id, collaboration_id=collaboration_id
    )
    values = {key: getattr(found, key) for key in DEFAULTS}
    return _form(request, principal, values, {}, collaboration_id=collaboration_id)


@router.post("/coach/collaborations/{collaboration_id}/edit")
def update_collaboration(
    request: Request,
    collaboration_id: int,
    principal: EditorDep,
    form: EditorFormDep,
    session: SessionDep,
) -> Response:
    values = _values(form)
    _ = translator(principal.language)
    changes = {k: v for k, v in values.items() if k != "reminder_days_before_close"}
    data, errors = validate(CollaborationUpdate, changes, _)
    reminders = values["reminder_days_before_close"]
    if reminders is not None and (not isinstance(reminders, int) or not 0 <= reminders <= 60):
        errors["reminder_days_before_close"] = _(
            "Enter a whole number from 0 to 60, or leave it empty."
        )
    for name in REQUIRED_NUMBERS:
        if name in form and values[name] is None:
            errors[name] = _("Fill this in.")
    if data is None or errors:
        return _form(request, principal, values, errors, collaboration_id=collaboration_id)
    try:
        coach.update_settings(
            session,
            organisation_id=principal.organisation_id,
            collaboration_id=collaboration_id,
            data=data,
            reminder_days=reminders,
        )
    except InvalidInput as exc:  # a looser anonymity promise after answers: nothing changed
        refused = {p.field: i18n.gettext(principal.language, p.message) for p in exc.problems}
        return _form(request, principal, values, refused, collaboration_id=collaboration_id)
    return see_other(f"/coach/collaborations/{collaboration_id}", "saved")
