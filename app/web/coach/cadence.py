"""The collaboration's cadence (set, pause, remove) and each user's choice of alert e-mails."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.errors import InvalidInput
from app.models import utcnow
from app.models.schedule import CadenceSet
from app.services.identity.auth import Principal
from app.services.messaging import alert_preferences
from app.services.schedule import cadences
from app.services.setup import coach, questionnaires
from app.web import i18n
from app.web.coach.deps import AnyFormDep, EditorDep, EditorFormDep, PrincipalDep
from app.web.coach.forms import Errors, checked, local_moment, number, text, translator, validate
from app.web.coach.pages import page, see_other
from app.web.deps import SessionDep

router = APIRouter(include_in_schema=False)
CADENCE = "/coach/collaborations/{collaboration_id}/cadence"
NOTIFICATIONS = "/coach/collaborations/{collaboration_id}/notifications"
PHASES = ("preparation", "tender", "execution", "evaluation", "other")


def _form(
    request: Request,
    session: SessionDep,
    principal: Principal,
    collaboration_id: int,
    values: dict[str, Any] | None,
    errors: Errors,
) -> Response:
    found = coach.overview(
        session, organisation_id=principal.organisation_id, collaboration_id=collaboration_id
    )
    view = cadences.find_cadence(
        session, organisation_id=principal.organisation_id, collaboration_id=collaboration_id
    )
    options = questionnaires.list_questionnaires(
        session, organisation_id=principal.organisation_id, limit=500
    )
    context = {
        "overview": found,
        "view": view,
        "values": values or _values_of(view, session),
        "errors": errors,
        "questionnaires": [(q.id, f"{q.title} (v{q.version})") for q in options],
        "phases": PHASES,
    }
    status = 422 if errors else 200
    return page(request, "coach/cadence_form.html", principal, context, status_code=status)


def _values_of(view: cadences.CadenceView | None, session: SessionDep) -> dict[str, Any]:
    if view is None:
        default = questionnaires.default_questionnaire(session)
        return {
            "every": 3,
            "unit": "months",
            "open_days": 14,
            "questionnaire_id": default.id,
            "label": "",
            "phase": "execution",
            "starts_at": "",
            "paused": False,
        }
    c = view.cadence
    return {
        "every": c.every,
        "unit": c.unit.value,
        "open_days": c.open_days,
        "questionnaire_id": c.questionnaire_id,
        "label": c.label,
        "phase": c.phase.value,
        "starts_at": c.anchor_at.astimezone(i18n.DISPLAY_TIMEZONE).strftime("%Y-%m-%dT%H:%M"),
        "paused": c.paused_at is not None,
    }


@router.get(CADENCE)
def edit_cadence(
    request: Request, collaboration_id: int, principal: EditorDep, session: SessionDep
) -> Response:
    return _form(request, session, principal, collaboration_id, None, {})


@router.post(CADENCE)
def save_cadence(
    request: Request,
    collaboration_id: int,
    principal: EditorDep,
    form: EditorFormDep,
    session: SessionDep,
) -> Response:
    _ = translator(principal.language)
    questionnaire = text(form, "questionnaire_id")
    values: dict[str, Any] = {
        "every": number(form, "every"),
        "unit": text(form, "unit"),
        "open_days": number(form, "open_days"),
        "questionnaire_id": int(questionnaire) if questionnaire.isdigit() else questionnaire,
        "label": text(form, "label"),
        "phase": text(form, "phase") or "other",
        "starts_at": local_moment(form, "starts_at"),
        "paused": checked(form, "paused"),
    }
    data, errors = validate(CadenceSet, values, _)
    if "form" in errors:  # the model's own check: a round would still be open at the next
        errors = {"open_days": _("A round must close before the next one opens: use fewer days.")}
    if data is not None:
        try:
            cadences.set_cadence(
                session,
                organisation_id=principal.organisation_id,
                collaboration_id=collaboration_id,
                data=data,
                now=utcnow(),
            )
            return see_other(f"/coach/collaborations/{collaboration_id}", "cadence_saved")
        except InvalidInput as exc:
            errors = {p.field: _problem(p.field, _) for p in exc.problems}
    shown = {**values, "starts_at": text(form, "starts_at")}
    return _form(request, session, principal, collaboration_id, shown, errors)


def _problem(field: str, _: Any) -> str:
    if field == "starts_at":
        return str(_("The first round must open in the future."))
    return str(_("Choose one of the questionnaires."))


@router.post(CADENCE + "/delete")
def remove_cadence(
    collaboration_id: int, principal: EditorDep, form: EditorFormDep, session: SessionDep
) -> Response:
    # Removing twice is the same as once; another organisation's id is still a 404.
    cadences.remove_cadence(
        session, organisation_id=principal.organisation_id, collaboration_id=collaboration_id
    )
    return see_other(f"/coach/collaborations/{collaboration_id}", "cadence_removed")


@router.get(NOTIFICATIONS)
def notification_choice(
    request: Request, collaboration_id: int, principal: PrincipalDep, session: SessionDep
) -> Response:
    return _notifications(request, session, principal, collaboration_id, {})


@router.post(NOTIFICATIONS)
def save_notification_choice(
    request: Request,
    collaboration_id: int,
    principal: PrincipalDep,
    form: AnyFormDep,
    session: SessionDep,
) -> Response:
    _ = translator(principal.language)
    try:
        alert_preferences.set_alert_mode(
            session,
            organisation_id=principal.organisation_id,
            user_id=principal.user_id,
            collaboration_id=collaboration_id,
            mode=text(form, "mode"),
            now=utcnow(),
        )
    except InvalidInput:
        errors = {"mode": _("Choose one of the options.")}
        return _notifications(request, session, principal, collaboration_id, errors)
    return see_other(f"/coach/collaborations/{collaboration_id}", "notifications_saved")


def _notifications(
    request: Request,
    session: SessionDep,
    principal: Principal,
    collaboration_id: int,
    errors: Errors,
) -> Response:
    found = coach.overview(
        session, organisation_id=principal.organisation_id, collaboration_id=collaboration_id
    )
    mode = alert_preferences.alert_mode(
        session,
        organisation_id=principal.organisation_id,
        user_id=principal.user_id,
        collaboration_id=collaboration_id,
    )
    context = {"overview": found, "mode": mode.value, "errors": errors}
    status = 422 if errors else 200
    return page(request, "coach/notifications.html", principal, context, status_code=status)
