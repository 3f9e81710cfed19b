"""Who rates whom, from the collaboration page: per participant, or for a whole party at once."""

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from app.errors import InvalidInput
from app.services.identity.auth import Principal
from app.services.setup import targets
from app.services.setup.targets import TargetsChoice
from app.web.coach.deps import EditorDep, EditorFormDep
from app.web.coach.forms import translator
from app.web.coach.pages import page, see_other
from app.web.deps import SessionDep

router = APIRouter(include_in_schema=False)
PARTICIPANT = "/coach/collaborations/{collaboration_id}/participants/{participant_id}/targets"
PARTY = "/coach/collaborations/{collaboration_id}/parties/{party_id}/targets"
FIELD = "target"


@router.get(PARTICIPANT)
def participant_form(
    request: Request,
    collaboration_id: int,
    participant_id: int,
    principal: EditorDep,
    session: SessionDep,
) -> Response:
    choice = targets.participant_choice(
        session,
        organisation_id=principal.organisation_id,
        collaboration_id=collaboration_id,
        participant_id=participant_id,
    )
    return _form(request, principal, choice, collaboration_id, bulk=False)


@router.post(PARTICIPANT)
def save_participant(
    request: Request,
    collaboration_id: int,
    participant_id: int,
    principal: EditorDep,
    form: EditorFormDep,
    session: SessionDep,
) -> Response:
    choice = targets.participant_choice(
        session,
        organisation_id=principal.organisation_id,
        collaboration_id=collaboration_id,
        participant_id=participant_id,
    )

    def save(wanted: list[int] | None) -> None:
        targets.set_participant_targets(
            session,
            organisation_id=principal.organisation_id,
            participant_id=participant_id,
            target_party_ids=wanted,
        )

    return _save(request, principal, form, choice, collaboration_id, save, bulk=False)


@router.get(PARTY)
def party_form(
    request: Request,
    collaboration_id: int,
    party_id: int,
    principal: EditorDep,
    session: SessionDep,
) -> Response:
    choice = targets.party_choice(
        session,
        organisation_id=principal.organisation_id,
        collaboration_id=collaboration_id,
        party_id=party_id,
    )
    return _form(request, principal, choice, collaboration_id, bulk=True)


@router.post(PARTY)
def save_party(
    request: Request,
    collaboration_id: int,
    party_id: int,
    principal: EditorDep,
    form: EditorFormDep,
    session: SessionDep,
) -> Response:
    choice = targets.party_choice(
        session,
        organisation_id=principal.organisation_id,
        collaboration_id=collaboration_id,
        party_id=party_id,
    )

    def save(wanted: list[int] | None) -> None:
        targets.set_party_targets(
            session,
            organisation_id=principal.organisation_id,
            party_id=party_id,
            target_party_ids=wanted,
        )

    return _save(request, principal, form, choice, collaboration_id, save, bulk=True)


def _save(
    request: Request,
    principal: Principal,
    form: FormData,
    choice: TargetsChoice,
    collaboration_id: int,
    save: Callable[[list[int] | None], None],
    *,
    bulk: bool,
) -> Response:
    _ = translator(principal.language)
    others = [p.id for p in choice.others if p.id is not None]
    raw = form.getlist(FIELD)
    ticked = {int(v) for v in raw if isinstance(v, str) and v.isdigit() and int(v) in others}
    shown = TargetsChoice(choice.who, choice.party, choice.others, ticked)
    if len(ticked) != len(raw):
        error = _("Choose only from the parties listed.")
    elif not ticked:
        error = _("Tick at least one party: everyone rates someone.")
    else:
        # Every party ticked is the default, which also covers parties added later.
        wanted = None if ticked == set(others) else [p for p in others if p in ticked]
        try:
            save(wanted)
        except InvalidInput:
            error = _("Choose only from the parties listed.")
        else:
            return see_other(f"/coach/collaborations/{collaboration_id}", "saved")
    return _form(request, principal, shown, collaboration_id, bulk=bulk, error=error)


def _form(
    request: Request,
    principal: Principal,
    choice: TargetsChoice,
    collaboration_id: int,
    *,
    bulk: bool,
    error: str | None = None,
) -> Response:
    context: dict[str, Any] = {
        "choice": choice,
        "collaboration_id": collaboration_id,
        "bulk": bulk,
        "error": error,
    }
    return page(
        request, "coach/targets.html", principal, context, status_code=422 if error else 200
    )
