"""Erasing a participant (GDPR) from the collaboration's page: confirm first, then erase."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.services.identity.auth import Principal
from app.services.privacy import coach_erasure as participant_erasure
from app.services.setup import coach
from app.web.coach.deps import EditorDep, EditorFormDep
from app.web.coach.forms import translator
from app.web.coach.pages import page, see_other
from app.web.deps import PathId, SessionDep

router = APIRouter(include_in_schema=False)
ERASE = "/coach/collaborations/{collaboration_id}/participants/{participant_id}/erase"


@router.get(ERASE)
def confirm_erasure(
    request: Request,
    collaboration_id: PathId,
    participant_id: PathId,
    principal: EditorDep,
    session: SessionDep,
) -> Response:
    try:
        candidate = participant_erasure.erasure_candidate(
            session,
            organisation_id=principal.organisation_id,
            collaboration_id=collaboration_id,
            participant_id=participant_id,
        )
    except participant_erasure.AlreadyErased:
        return _already_erased(request, session, principal, collaboration_id)
    context = {"candidate": candidate, "collaboration_id": collaboration_id}
    return page(request, "coach/participant_erase.html", principal, context)


@router.post(ERASE)
def erase_participant(
    request: Request,
    collaboration_id: PathId,
    participant_id: PathId,
    principal: EditorDep,
    form: EditorFormDep,
    session: SessionDep,
) -> Response:
    try:
        participant_erasure.erase_from_collaboration(
            session,
            organisation_id=principal.organisation_id,
            collaboration_id=collaboration_id,
            participant_id=participant_id,
            user_id=principal.user_id,
        )
    except participant_erasure.AlreadyErased:
        return _already_erased(request, session, principal, collaboration_id)
    return see_other(f"/coach/collaborations/{collaboration_id}", "participant_erased")


def _already_erased(
    request: Request, session: SessionDep, principal: Principal, collaboration_id: int
) -> Response:
    _ = translator(principal.language)
    found = coach.overview(
        session, organisation_id=principal.organisation_id, collaboration_id=collaboration_id
    )
    message = _("This participant has already been erased; there is nothing left to remove.")
    context = {"overview": found, "page_error": message}
    return page(request, "coach/collaboration.html", principal, context, status_code=409)
