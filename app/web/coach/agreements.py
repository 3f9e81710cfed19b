"""/coach/collaborations/{id}/agreements: the action loop on the coach's pages."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session
from starlette.datastructures import FormData

from app.errors import Conflict, InvalidInput, NotFound
from app.infra.messages import N_
from app.models import Agreement, AgreementStatus
from app.models.agreement import AgreementCreate, AgreementUpdate
from app.services.agreements import agreements, coach_views
from app.services.identity.auth import Principal
from app.web.coach.deps import EditorDep, EditorFormDep, PrincipalDep
from app.web.coach.forms import Errors, Translate, optional, text, translator, validate
from app.web.coach.pages import page, see_other
from app.web.deps import SessionDep

router = APIRouter(include_in_schema=False)
BASE = "/coach/collaborations/{collaboration_id}/agreements"
PARTIES = "committing_party_ids"

# The service names the field and the rule it applied; the page says it in the coach's words.
FIELD_MESSAGES = {
    "title": N_("Fill this in."),
    PARTIES: N_("Choose at least one party of this collaboration that commits to it."),
    "target_party_id": N_("Choose another party of this collaboration, or none."),
    "round_id": N_("Choose a round of this collaboration that was opened."),
    "area": N_("Choose one of the areas of the round's questionnaire, or none."),
    "check_round_id": N_("Choose a later round that is not closed, or none."),
    "status": N_("Choose one of the options."),
}
RULE_MESSAGES = {
    "is one of the committing parties": N_(
        "The other side of the relationship cannot also be a committing party."
    ),
    "must be a round after the one it was made in": N_(
        "The checking round must come after the round the agreement was made in."
    ),
    "is closed: nobody can be asked any more": N_(
        "This round is closed: nobody can be asked any more."
    ),
}
ANSWERED = N_(
    "Partners already answered the follow-up question about this agreement, so its parties and"
    " checking round stay as they are. You can still change its title, description, area and"
    " status."
)


@router.get(BASE)
def list_agreements(
    request: Request, collaboration_id: int, principal: PrincipalDep, session: SessionDep
) -> Response:
    found = coach_views.agreements_page(
        session, organisation_id=principal.organisation_id, collaboration_id=collaboration_id
    )
    return page(request, "coach/agreements.html", principal, {"found": found})


@router.get(BASE + "/new")
def new_agreement(
    request: Request,
    collaboration_id: int,
    principal: EditorDep,
    session: SessionDep,
    round: int | None = None,
) -> Response:
    found = _choices(session, principal, collaboration_id)
    made = [r for r, _label in found.choices.made_after]
    values: dict[str, Any] = {
        "title": "",
        "description": "",
        "round_id": round if round in made else (made[-1] if made else ""),
        "area": "",
        PARTIES: [],
        "target_party_id": "",
        "check_round_id": "",
        "status": AgreementStatus.OPEN.value,
    }
    return _form(request, principal, found, values, {}, collaboration_id=collaboration_id)


@router.post(BASE + "/new")
def create_agreement(
    request: Request,
    collaboration_id: int,
    principal: EditorDep,
    form: EditorFormDep,
    session: SessionDep,
) -> Response:
    _ = translator(principal.language)
    values = _values(form, with_round=True)
    data, errors = validate(AgreementCreate, values, _)
    errors = _ours(errors, _)
    if data is not None:
        try:
            agreements.create_agreement(
                session,
                organisation_id=principal.organisation_id,
                collaboration_id=collaboration_id,
                data=data,
            )
            return see_other(BASE.format(collaboration_id=collaboration_id), "agreement_created")
        except InvalidInput as refused:
            errors = _problems(refused, _)
    found = _choices(session, principal, collaboration_id)
    return _form(request, principal, found, values, errors, collaboration_id=collaboration_id)


@router.get(BASE + "/{agreement_id}/edit")
def edit_agreement(
    request: Request,
    collaboration_id: int,
    agreement_id: int,
    principal: EditorDep,
    session: SessionDep,
) -> Response:
    agreement = _agreement_in(session, principal, collaboration_id, agreement_id)
    values: dict[str, Any] = {
        **agreement.model_dump(),
        "area": agreement.area or "",
        "target_party_id": agreement.target_party_id or "",
        "check_round_id": agreement.check_round_id or "",
        "status": agreement.status.value,
    }
    found = _choices(session, principal, collaboration_id, agreement)
    return _form(request, principal, found, values, {}, agreement=agreement)


@router.post(BASE + "/{agreement_id}/edit")
def update_agreement(
    request: Request,
    collaboration_id: int,
    agreement_id: int,
    principal: EditorDep,
    form: EditorFormDep,
    session: SessionDep,
) -> Response:
    _ = translator(principal.language)
    agreement = _agreement_in(session, principal, collaboration_id, agreement_id)
    values = _values(form, with_round=False)
    data, errors = validate(AgreementUpdate, values, _)
    errors = _ours(errors, _)
    if data is not None:
        try:
            agreements.update_agreement(
                session,
                organisation_id=principal.organisation_id,
                agreement_id=agreement_id,
                data=data,
            )
            return see_other(BASE.format(collaboration_id=collaboration_id), "agreement_saved")
        except InvalidInput as refused:
            errors = _problems(refused, _)
        except Conflict:
            errors = {"form": _(ANSWERED)}
        session.refresh(agreement)  # the refused change was rolled back; show the stored one
    found = _choices(session, principal, collaboration_id, agreement)
    shown = {**values, "round_id": agreement.round_id}
    return _form(request, principal, found, shown, errors, agreement=agreement)


def _agreement_in(
    session: Session, principal: Principal, collaboration_id: int, agreement_id: int
) -> Agreement:
    agreement = agreements.get_agreement(
        session, organisation_id=principal.organisation_id, agreement_id=agreement_id
    )
    if agreement.collaboration_id != collaboration_id:
        raise NotFound(f"No agreement {agreement_id} in collaboration {collaboration_id}.")
    return agreement


def _choices(
    session: Session,
    principal: Principal,
    collaboration_id: int,
    agreement: Agreement | None = None,
) -> coach_views.AgreementForm:
    return coach_views.agreement_form(
        session,
        organisation_id=principal.organisation_id,
        collaboration_id=collaboration_id,
        agreement=agreement,
    )


def _values(form: FormData, *, with_round: bool) -> dict[str, Any]:
    values: dict[str, Any] = {
        "title": text(form, "title"),
        "description": text(form, "description"),
        "area": optional(form, "area"),
        PARTIES: [_id(v) for v in form.getlist(PARTIES) if isinstance(v, str)],
        "target_party_id": _id(optional(form, "target_party_id")),
        "check_round_id": _id(optional(form, "check_round_id")),
        "status": text(form, "status") or AgreementStatus.OPEN.value,
    }
    if with_round:
        values["round_id"] = _id(optional(form, "round_id"))
    return values


def _id(raw: str | None) -> int | str | None:
    """A chosen option's id; anything else as it came, so validation names the field."""
    if raw is None:
        return None
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else raw


def _problems(refused: InvalidInput, _: Translate) -> Errors:
    errors: Errors = {}
    for problem in refused.problems:
        message = RULE_MESSAGES.get(problem.message) or FIELD_MESSAGES.get(problem.field)
        errors.setdefault(
            problem.field, _(message) if message else _(N_("This value is not valid."))
        )
    return errors


def _ours(errors: Errors, _: Translate) -> Errors:
    """A choice that does not fit gets the field's own sentence instead of a generic one."""
    return {
        field: _(FIELD_MESSAGES[field]) if field in FIELD_MESSAGES and field != "title" else text
        for field, text in errors.items()
    }


def _form(
    request: Request,
    principal: Principal,
    found: coach_views.AgreementForm,
    values: dict[str, Any],
    errors: Errors,
    *,
    collaboration_id: int | None = None,
    agreement: Agreement | None = None,
) -> Response:
    context = {"found": found, "values": values, "errors": errors, "agreement": agreement}
    status = 422 if errors else 200
    return page(request, "coach/agreement_form.html", principal, context, status_code=status)
