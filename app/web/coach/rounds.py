"""Measurement rounds: create a draft, open it (invitations go out), remind, close."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.errors import Conflict, InvalidInput, NotFound, RoundNotOpen
from app.models import Round, utcnow
from app.models.round import RoundCreate
from app.services.identity.auth import Principal
from app.services.messaging import invitation_delivery, reminders
from app.services.setup import coach, questionnaires, rounds
from app.web.coach.deps import EditorDep, EditorFormDep
from app.web.coach.forms import Errors, local_moment, text, translator, validate
from app.web.coach.pages import page, see_other
from app.web.coach.refusals import refusal
from app.web.deps import SessionDep, SettingsDep

router = APIRouter(include_in_schema=False)
PHASES = ("preparation", "tender", "execution", "evaluation", "other")


def _form(
    request: Request,
    session: SessionDep,
    principal: Principal,
    collaboration_id: int,
    values: dict[str, Any],
    errors: Errors,
) -> Response:
    found = coach.overview(
        session, organisation_id=principal.organisation_id, collaboration_id=collaboration_id
    )
    options = questionnaires.list_questionnaires(
        session, organisation_id=principal.organisation_id, limit=500
    )
    context = {
        "overview": found,
        "values": values,
        "errors": errors,
        "questionnaires": [(q.id, f"{q.title} (v{q.version})") for q in options],
        "phases": PHASES,
    }
    status = 422 if errors else 200
    return page(request, "coach/round_form.html", principal, context, status_code=status)


@router.get("/coach/collaborations/{collaboration_id}/rounds/new")
def new_round(
    request: Request, collaboration_id: int, principal: EditorDep, session: SessionDep
) -> Response:
    # New rounds start on the current full form; the pulse form is one choice away.
    default = questionnaires.builtin_questionnaire(session, key="smart-trust", version=2)
    values = {
        "label": "",
        "phase": "preparation",
        "questionnaire_id": default.id,
        "opens_at": "",
        "closes_at": "",
    }
    return _form(request, session, principal, collaboration_id, values, {})


@router.post("/coach/collaborations/{collaboration_id}/rounds/new")
def create_round(
    request: Request,
    collaboration_id: int,
    principal: EditorDep,
    form: EditorFormDep,
    session: SessionDep,
) -> Response:
    _ = translator(principal.language)
    questionnaire = text(form, "questionnaire_id")
    values: dict[str, Any] = {
        "label": text(form, "label"),
        "phase": text(form, "phase") or "other",
        "questionnaire_id": int(questionnaire) if questionnaire.isdigit() else questionnaire,
        "opens_at": local_moment(form, "opens_at"),
        "closes_at": local_moment(form, "closes_at"),
    }
    data, errors = validate(RoundCreate, values, _)
    if "form" in errors:  # the model's own check: the dates are in the wrong order
        errors = {"closes_at": _("The closing date must be after the opening date.")}
    if data is not None:
        try:
            rounds.create_round(
                session,
                organisation_id=principal.organisation_id,
                collaboration_id=collaboration_id,
                data=data,
            )
            return see_other(f"/coach/collaborations/{collaboration_id}", "round_created")
        except InvalidInput:
            errors = {"questionnaire_id": _("Choose one of the questionnaires.")}
    shown = {**values, "opens_at": text(form, "opens_at"), "closes_at": text(form, "closes_at")}
    return _form(request, session, principal, collaboration_id, shown, errors)


def _round_in(
    session: SessionDep, principal: Principal, collaboration_id: int, round_id: int
) -> Round:
    round_ = rounds.get_round(session, organisation_id=principal.organisation_id, round_id=round_id)
    if round_.collaboration_id != collaboration_id:
        raise NotFound(f"No round {round_id} in collaboration {collaboration_id}.")
    return round_


def _refused(
    request: Request, session: SessionDep, principal: Principal, collaboration_id: int, message: str
) -> Response:
    found = coach.overview(
        session, organisation_id=principal.organisation_id, collaboration_id=collaboration_id
    )
    context = {"overview": found, "round_error": message}
    return page(request, "coach/collaboration.html", principal, context, status_code=409)


@router.post("/coach/collaborations/{collaboration_id}/rounds/{round_id}/open")
def open_round(
    request: Request,
    collaboration_id: int,
    round_id: int,
    principal: EditorDep,
    form: EditorFormDep,
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    _ = translator(principal.language)
    _round_in(session, principal, collaboration_id, round_id)
    try:
        issued = rounds.open_round(
            session, organisation_id=principal.organisation_id, round_id=round_id, settings=settings
        )
    except Conflict as refused:
        return _refused(request, session, principal, collaboration_id, refusal(refused, _))
    queued = invitation_delivery.newly_emailed(session, issued=issued)
    url = f"/coach/collaborations/{collaboration_id}/rounds/{round_id}"
    return see_other(url, "invitations_queued", count=queued)


@router.post("/coach/collaborations/{collaboration_id}/rounds/{round_id}/close")
def close_round(
    request: Request,
    collaboration_id: int,
    round_id: int,
    principal: EditorDep,
    form: EditorFormDep,
    session: SessionDep,
) -> Response:
    _ = translator(principal.language)
    _round_in(session, principal, collaboration_id, round_id)
    try:
        rounds.close_round(session, organisation_id=principal.organisation_id, round_id=round_id)
    except Conflict as refused:
        message = refusal(refused, _)
        return _refused(request, session, principal, collaboration_id, message)
    return see_other(f"/coach/collaborations/{collaboration_id}", "round_closed")


@router.post("/coach/collaborations/{collaboration_id}/rounds/{round_id}/remind")
def remind(
    request: Request,
    collaboration_id: int,
    round_id: int,
    principal: EditorDep,
    form: EditorFormDep,
    session: SessionDep,
) -> Response:
    _ = translator(principal.language)
    _round_in(session, principal, collaboration_id, round_id)
    try:
        queued = reminders.send_reminders(
            session, organisation_id=principal.organisation_id, round_id=round_id, now=utcnow()
        )
    except RoundNotOpen as refused:
        message = refusal(refused, _)
        return _refused(request, session, principal, collaboration_id, message)
    if not queued.queued:
        return see_other(f"/coach/collaborations/{collaboration_id}", "no_reminders")
    # Say how many were queued: the worker has yet to send them.
    url = f"/coach/collaborations/{collaboration_id}"
    return see_other(url, "reminders_queued", count=queued.queued)
