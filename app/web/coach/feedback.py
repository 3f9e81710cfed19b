"""A round's feedback session on the coach's pages: share links for partners, the coach's note."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session

from app.errors import Conflict, InvalidInput
from app.infra.messages import N_
from app.models.share import ShareCreate, ShareSection
from app.services.agreements import feedback_views, round_notes
from app.services.identity.auth import Principal
from app.services.results import shares
from app.web.coach.deps import EditorDep, EditorFormDep
from app.web.coach.forms import Errors, local_moment, text, translator, validate
from app.web.coach.pages import page, see_other
from app.web.deps import SessionDep, SettingsDep

router = APIRouter(include_in_schema=False)
BASE = "/coach/collaborations/{collaboration_id}/rounds/{round_id}/feedback"
SECTIONS = [section.value for section in ShareSection]
DEFAULT_SECTIONS = ["matrix", "mirror"]
NO_SECTION = N_("Choose at least one section partners may see.")
NOT_FUTURE = N_("Choose a moment in the future, or leave it empty.")
NEVER_OPENED = N_("This round was never opened: there are no results to share yet.")


def _page(
    request: Request,
    session: Session,
    principal: Principal,
    ids: tuple[int, int],
    extra: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
) -> Response:
    found = feedback_views.feedback_page(
        session,
        organisation_id=principal.organisation_id,
        collaboration_id=ids[0],
        round_id=ids[1],
    )
    context: dict[str, Any] = {
        "found": found,
        "sections": SECTIONS,
        "share_values": {"sections": DEFAULT_SECTIONS, "expires_at": ""},
        "share_errors": {},
        "note_errors": {},
        "note": found.note,
        **(extra or {}),
    }
    return page(request, "coach/feedback.html", principal, context, status_code=status_code)


@router.get(BASE)
def show_feedback(
    request: Request,
    collaboration_id: int,
    round_id: int,
    principal: EditorDep,
    session: SessionDep,
) -> Response:
    return _page(request, session, principal, (collaboration_id, round_id))


@router.post(BASE + "/shares")
def create_share(
    request: Request,
    collaboration_id: int,
    round_id: int,
    principal: EditorDep,
    form: EditorFormDep,
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    _ = translator(principal.language)
    ids = (collaboration_id, round_id)
    feedback_views.round_in(
        session,
        organisation_id=principal.organisation_id,
        collaboration_id=collaboration_id,
        round_id=round_id,
    )
    chosen = [v for v in form.getlist("sections") if isinstance(v, str)]
    values = {"sections": chosen, "expires_at": local_moment(form, "expires_at")}
    data, errors = validate(ShareCreate, values, _)
    if "sections" in errors:
        errors["sections"] = _(NO_SECTION)
    if data is not None:
        try:
            link = shares.create_share(
                session,
                organisation_id=principal.organisation_id,
                round_id=round_id,
                data=data,
                settings=settings,
            )
            return _page(request, session, principal, ids, {"created_url": link.url})
        except InvalidInput:
            errors = {"expires_at": _(NOT_FUTURE)}
        except Conflict:
            errors = {"sections": _(NEVER_OPENED)}
    shown = {"sections": chosen, "expires_at": text(form, "expires_at")}
    extra = {"share_values": shown, "share_errors": errors}
    return _page(request, session, principal, ids, extra, status_code=422)


@router.get(BASE + "/shares/{share_id}/revoke")
def confirm_revoke(
    request: Request,
    collaboration_id: int,
    round_id: int,
    share_id: int,
    principal: EditorDep,
    session: SessionDep,
) -> Response:
    row = feedback_views.share_in(
        session,
        organisation_id=principal.organisation_id,
        collaboration_id=collaboration_id,
        round_id=round_id,
        share_id=share_id,
    )
    found = feedback_views.feedback_page(
        session,
        organisation_id=principal.organisation_id,
        collaboration_id=collaboration_id,
        round_id=round_id,
    )
    context = {"found": found, "share": row}
    return page(request, "coach/share_revoke.html", principal, context)


@router.post(BASE + "/shares/{share_id}/revoke")
def revoke_share(
    collaboration_id: int,
    round_id: int,
    share_id: int,
    principal: EditorDep,
    form: EditorFormDep,
    session: SessionDep,
) -> Response:
    feedback_views.share_in(
        session,
        organisation_id=principal.organisation_id,
        collaboration_id=collaboration_id,
        round_id=round_id,
        share_id=share_id,
    )
    shares.revoke_share(session, organisation_id=principal.organisation_id, share_id=share_id)
    url = BASE.format(collaboration_id=collaboration_id, round_id=round_id)
    return see_other(url, "share_revoked")


@router.post(BASE + "/note")
def save_note(
    request: Request,
    collaboration_id: int,
    round_id: int,
    principal: EditorDep,
    form: EditorFormDep,
    session: SessionDep,
) -> Response:
    _ = translator(principal.language)
    feedback_views.round_in(
        session,
        organisation_id=principal.organisation_id,
        collaboration_id=collaboration_id,
        round_id=round_id,
    )
    body = form.get("note")
    written = body if isinstance(body, str) else ""
    try:
        round_notes.save_round_note(
            session, organisation_id=principal.organisation_id, round_id=round_id, body=written
        )
    except InvalidInput as refused:
        limit = round_notes.MAX_NOTE_LENGTH
        message = _("Use at most %(max)s characters.") % {"max": limit}
        if refused.code == round_notes.CONTROL_CHARACTERS:
            message = _("Use text without invisible control characters; line breaks are fine.")
        errors: Errors = {"note": message}
        extra = {"note": written, "note_errors": errors}
        ids = (collaboration_id, round_id)
        return _page(request, session, principal, ids, extra, status_code=422)
    url = BASE.format(collaboration_id=collaboration_id, round_id=round_id)
    return see_other(url, "note_saved")
