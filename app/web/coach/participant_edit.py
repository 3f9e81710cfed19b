"""Correcting a participant, and giving one person a new personal link (the old one dies)."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.errors import Conflict, InvalidInput
from app.models.participant_changes import ParticipantUpdate
from app.services.identity.auth import Principal
from app.services.setup import participant_changes, round_changes
from app.web.coach.deps import EditorDep, EditorFormDep
from app.web.coach.forms import Errors, checked, text, translator, validate
from app.web.coach.pages import page, see_other
from app.web.deps import SessionDep, SettingsDep

router = APIRouter(include_in_schema=False)
EDIT = "/coach/collaborations/{collaboration_id}/participants/{participant_id}/edit"
LINK = "/coach/collaborations/{collaboration_id}/rounds/{round_id}/invitations/{invitation_id}/link"


def _form(
    request: Request,
    session: SessionDep,
    principal: Principal,
    ids: tuple[int, int],
    values: dict[str, Any] | None,
    errors: Errors,
) -> Response:
    found = participant_changes.participant_form(
        session,
        organisation_id=principal.organisation_id,
        collaboration_id=ids[0],
        participant_id=ids[1],
    )
    person = found.participant
    shown = values or {
        "name": person.name or "",
        "email": person.email or "",
        "language": person.language or "",
        "party_id": person.party_id,
    }
    context = {"form": found, "values": shown, "errors": errors}
    return page(
        request,
        "coach/participant_form.html",
        principal,
        context,
        status_code=422 if errors else 200,
    )


@router.get(EDIT)
def edit_participant(
    request: Request,
    collaboration_id: int,
    participant_id: int,
    principal: EditorDep,
    session: SessionDep,
) -> Response:
    return _form(request, session, principal, (collaboration_id, participant_id), None, {})


@router.post(EDIT)
def save_participant(
    request: Request,
    collaboration_id: int,
    participant_id: int,
    principal: EditorDep,
    form: EditorFormDep,
    session: SessionDep,
) -> Response:
    _ = translator(principal.language)
    ids = (collaboration_id, participant_id)
    participant_changes.participant_form(
        session,
        organisation_id=principal.organisation_id,
        collaboration_id=collaboration_id,
        participant_id=participant_id,
    )
    party = text(form, "party_id")
    shown = {k: text(form, k) for k in ("name", "email", "language", "party_id")}
    values = {
        "name": shown["name"] or None,
        "email": shown["email"] or None,
        "language": shown["language"] or None,
        "party_id": int(party) if party.isdigit() else party,
    }
    data, errors = validate(ParticipantUpdate, values, _)
    if data is not None:
        try:
            participant_changes.update_participant(
                session,
                organisation_id=principal.organisation_id,
                participant_id=participant_id,
                data=data,
            )
            return see_other(f"/coach/collaborations/{collaboration_id}", "participant_saved")
        except InvalidInput:
            errors = {"party_id": _("Choose one of the parties of this collaboration.")}
    return _form(request, session, principal, ids, shown, errors)


@router.get(LINK)
def confirm_new_link(
    request: Request,
    collaboration_id: int,
    round_id: int,
    invitation_id: int,
    principal: EditorDep,
    session: SessionDep,
) -> Response:
    view = round_changes.round_page(
        session,
        organisation_id=principal.organisation_id,
        collaboration_id=collaboration_id,
        round_id=round_id,
    )
    delivery = next((d for d in view.deliveries if d.invitation_id == invitation_id), None)
    if delivery is None:
        return see_other(f"/coach/collaborations/{collaboration_id}/rounds/{round_id}")
    return page(request, "coach/link_reissue.html", principal, {"view": view, "delivery": delivery})


@router.post(LINK)
def issue_new_link(
    request: Request,
    collaboration_id: int,
    round_id: int,
    invitation_id: int,
    principal: EditorDep,
    form: EditorFormDep,
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    _ = translator(principal.language)
    view = round_changes.round_page(
        session,
        organisation_id=principal.organisation_id,
        collaboration_id=collaboration_id,
        round_id=round_id,
    )
    delivery = next((d for d in view.deliveries if d.invitation_id == invitation_id), None)
    if delivery is None:
        return see_other(f"/coach/collaborations/{collaboration_id}/rounds/{round_id}")
    try:
        issued = participant_changes.reissue_link(
            session,
            organisation_id=principal.organisation_id,
            invitation_id=invitation_id,
            settings=settings,
            user_id=principal.user_id,
            send_email=checked(form, "send_email"),
        )
    except Conflict:
        message = _("Links can only be renewed while the round is open.")
        context = {"view": view, "delivery": delivery, "page_error": message}
        return page(request, "coach/link_reissue.html", principal, context, status_code=409)
    context = {"view": view, "delivery": delivery, "issued": issued}
    return page(request, "coach/link_reissued.html", principal, context)
