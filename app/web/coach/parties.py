"""Parties and participants of a collaboration: add one by one, or paste/upload a CSV list."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from app.errors import Conflict, InvalidInput, NotFound
from app.models.collaboration import ParticipantCreate, PartyCreate
from app.services.identity.auth import Principal
from app.services.setup import coach, collaborations, participant_import
from app.web.coach.deps import EditorDep, EditorFormDep
from app.web.coach.forms import Errors, Translate, optional, text, translator, validate
from app.web.coach.pages import page, see_other
from app.web.coach.refusals import refusal
from app.web.deps import PathId, SessionDep

router = APIRouter(include_in_schema=False)
MAX_UPLOAD_BYTES = 1_000_000


def _overview_again(
    request: Request,
    session: SessionDep,
    principal: Principal,
    collaboration_id: int,
    **errors: Any,
) -> Response:
    """The overview with the refused form's values and messages (nothing was changed)."""
    found = coach.overview(
        session, organisation_id=principal.organisation_id, collaboration_id=collaboration_id
    )
    context = {"overview": found, **errors}
    return page(request, "coach/collaboration.html", principal, context, status_code=422)


@router.post("/coach/collaborations/{collaboration_id}/parties")
def add_party(
    request: Request,
    collaboration_id: PathId,
    principal: EditorDep,
    form: EditorFormDep,
    session: SessionDep,
) -> Response:
    _ = translator(principal.language)
    values = {"name": text(form, "party_name"), "kind": text(form, "party_kind") or "partner"}
    data, errors = validate(PartyCreate, values, _)
    if data is not None:
        try:
            collaborations.create_party(
                session,
                organisation_id=principal.organisation_id,
                collaboration_id=collaboration_id,
                data=data,
            )
            return see_other(f"/coach/collaborations/{collaboration_id}", "party_added")
        except Conflict as refused:
            errors = {"name": refusal(refused, _)}
    party_errors = {f"party_{key}": message for key, message in errors.items()}
    return _overview_again(
        request, session, principal, collaboration_id, party_errors=party_errors, party=values
    )


@router.post("/coach/collaborations/{collaboration_id}/participants")
def add_participant(
    request: Request,
    collaboration_id: PathId,
    principal: EditorDep,
    form: EditorFormDep,
    session: SessionDep,
) -> Response:
    _ = translator(principal.language)
    values = {
        "name": optional(form, "participant_name"),
        "email": optional(form, "participant_email"),
        "language": optional(form, "participant_language"),
    }
    party_id = text(form, "participant_party")
    data, errors = validate(ParticipantCreate, values, _)
    if not values["name"] and not values["email"]:
        errors["name"] = _("Give a name, an e-mail address or both.")
    if not party_id.isdigit():
        errors["party"] = _("Choose the party this person belongs to.")
    if data is not None and not errors:
        try:
            _add(session, principal, collaboration_id, int(party_id), data)
            return see_other(f"/coach/collaborations/{collaboration_id}", "participant_added")
        except Conflict as refused:
            errors = {"email": refusal(refused, _)}
        except NotFound:
            errors = {"party": _("Choose the party this person belongs to.")}
    return _overview_again(
        request,
        session,
        principal,
        collaboration_id,
        participant_errors={f"participant_{k}": v for k, v in errors.items()},
        participant={**values, "party": party_id},
    )


def _add(
    session: SessionDep,
    principal: Principal,
    collaboration_id: int,
    party_id: int,
    data: ParticipantCreate,
) -> None:
    party = collaborations.get_party(
        session, organisation_id=principal.organisation_id, party_id=party_id
    )
    if party.collaboration_id != collaboration_id:
        raise NotFound("That party is not in this collaboration.")
    coach.add_participant(
        session, organisation_id=principal.organisation_id, party_id=party_id, data=data
    )


@router.get("/coach/collaborations/{collaboration_id}/participants/import")
def import_form(
    request: Request, collaboration_id: PathId, principal: EditorDep, session: SessionDep
) -> Response:
    found = coach.overview(
        session, organisation_id=principal.organisation_id, collaboration_id=collaboration_id
    )
    context = {"overview": found, "csv": "", "errors": {}, "rows": []}
    return page(request, "coach/participants_import.html", principal, context)


@router.post("/coach/collaborations/{collaboration_id}/participants/import")
def import_participants(
    request: Request,
    collaboration_id: PathId,
    principal: EditorDep,
    form: EditorFormDep,
    session: SessionDep,
) -> Response:
    _ = translator(principal.language)
    pasted = text(form, "csv")
    upload = form.get("file")
    errors: Errors = {}
    rows: list[str] = []
    if isinstance(upload, UploadFile) and upload.filename:
        content = upload.file.read(MAX_UPLOAD_BYTES + 1)
        pasted, problem = _decoded(content, _)
        if problem:
            errors["file"] = problem
    if not errors:
        try:
            participant_import.import_participants(
                session,
                organisation_id=principal.organisation_id,
                collaboration_id=collaboration_id,
                text=pasted,
            )
            return see_other(f"/coach/collaborations/{collaboration_id}", "participants_imported")
        except participant_import.ImportRefused as refused:
            rows = [_row_message(p, _) for p in refused.rows]
            errors["csv"] = _("Nothing was added. Correct these lines and try again.")
        except InvalidInput:
            errors["csv"] = _("Paste a list, or choose a file, with a line per person.")
    found = coach.overview(
        session, organisation_id=principal.organisation_id, collaboration_id=collaboration_id
    )
    context = {"overview": found, "csv": pasted, "errors": errors, "rows": rows}
    return page(request, "coach/participants_import.html", principal, context, status_code=422)


def _decoded(content: bytes, _: Translate) -> tuple[str, str | None]:
    if len(content) > MAX_UPLOAD_BYTES:
        return "", _("The file is larger than 1 MB. Split the list into smaller files.")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding), None
        except UnicodeDecodeError:
            continue
    return "", _("The file is not a text (CSV) file.")


def _row_message(problem: participant_import.RowProblem, _: Translate) -> str:
    messages = {
        "party_missing": _("line %(line)s: the party is missing"),
        "unknown_party": _("line %(line)s: there is no party called “%(value)s” here"),
        "no_name_or_email": _("line %(line)s: give a name, an e-mail address or both"),
        "name_too_long": _("line %(line)s: the name is longer than 200 characters"),
        "control_characters": _(
            "line %(line)s: the name holds a line break or an invisible control character"
        ),
        "bad_email": _("line %(line)s: “%(value)s” is not an e-mail address"),
        "duplicate_email": _("line %(line)s: %(value)s is already in the collaboration"),
    }
    template = messages.get(problem.kind, _("line %(line)s: this line is not valid"))
    return template % {"line": problem.line, "value": problem.value}
