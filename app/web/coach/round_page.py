"""A round's own page: e-mail delivery with "send again", closing with confirmation, reopening."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.errors import Conflict, InvalidInput
from app.models import utcnow
from app.services.identity.auth import Principal
from app.services.messaging import invitation_delivery
from app.services.setup import round_changes
from app.web.coach.deps import AdminDep, AdminFormDep, EditorDep, EditorFormDep, PrincipalDep
from app.web.coach.forms import Errors, Translate, local_moment, text, translator
from app.web.coach.pages import page, see_other
from app.web.deps import SessionDep

router = APIRouter(include_in_schema=False)
ROUND = "/coach/collaborations/{collaboration_id}/rounds/{round_id}"


def _page(
    request: Request,
    session: SessionDep,
    principal: Principal,
    collaboration_id: int,
    round_id: int,
    *,
    error: str | None = None,
) -> Response:
    found = round_changes.round_page(
        session,
        organisation_id=principal.organisation_id,
        collaboration_id=collaboration_id,
        round_id=round_id,
    )
    context = {"view": found, "page_error": error}
    return page(request, "coach/round.html", principal, context, status_code=409 if error else 200)


@router.get(ROUND)
def show_round(
    request: Request,
    collaboration_id: int,
    round_id: int,
    principal: PrincipalDep,
    session: SessionDep,
) -> Response:
    return _page(request, session, principal, collaboration_id, round_id)


@router.post(ROUND + "/resend")
def send_again(
    request: Request,
    collaboration_id: int,
    round_id: int,
    principal: EditorDep,
    form: EditorFormDep,
    session: SessionDep,
) -> Response:
    _ = translator(principal.language)
    _collaboration, round_ = round_changes.round_in(
        session,
        organisation_id=principal.organisation_id,
        collaboration_id=collaboration_id,
        round_id=round_id,
    )
    chosen = text(form, "invitation_id")
    if chosen and not chosen.isdigit():
        return _page(
            request,
            session,
            principal,
            collaboration_id,
            round_id,
            error=_("Choose an invitation on this page."),
        )
    try:
        queued = invitation_delivery.send_again(
            session, round_=round_, invitation_ids=[int(chosen)] if chosen else None, now=utcnow()
        )
    except Conflict:
        message = _("That e-mail did not fail, so there is nothing to send again.")
        return _page(request, session, principal, collaboration_id, round_id, error=message)
    url = ROUND.format(collaboration_id=collaboration_id, round_id=round_id)
    return see_other(url, "resent" if queued else "nothing_to_resend", count=queued)


@router.get(ROUND + "/close")
def confirm_close(
    request: Request,
    collaboration_id: int,
    round_id: int,
    principal: EditorDep,
    session: SessionDep,
) -> Response:
    found = round_changes.round_page(
        session,
        organisation_id=principal.organisation_id,
        collaboration_id=collaboration_id,
        round_id=round_id,
    )
    return page(request, "coach/round_close.html", principal, {"view": found})


@router.get(ROUND + "/reopen")
def reopen_form(
    request: Request,
    collaboration_id: int,
    round_id: int,
    principal: AdminDep,
    session: SessionDep,
) -> Response:
    return _reopen_page(request, session, principal, collaboration_id, round_id, {}, {})


@router.post(ROUND + "/reopen")
def reopen_round(
    request: Request,
    collaboration_id: int,
    round_id: int,
    principal: AdminDep,
    form: AdminFormDep,
    session: SessionDep,
) -> Response:
    _ = translator(principal.language)
    values = {"reason": text(form, "reason"), "closes_at": text(form, "closes_at")}
    closes_at = local_moment(form, "closes_at")
    if isinstance(closes_at, str):
        errors = {"closes_at": _("Enter a date and time.")}
        return _reopen_page(request, session, principal, collaboration_id, round_id, values, errors)
    try:
        round_changes.reopen_round(
            session,
            organisation_id=principal.organisation_id,
            collaboration_id=collaboration_id,
            round_id=round_id,
            reason=values["reason"],
            closes_at=closes_at,
            user_id=principal.user_id,
            now=utcnow(),
        )
    except InvalidInput as exc:
        errors = {p.field: _reopen_message(p.field, _) for p in exc.problems}
        return _reopen_page(request, session, principal, collaboration_id, round_id, values, errors)
    except Conflict:
        message = _(
            "This round can no longer be reopened: a later round has opened, or it is not closed."
        )
        return _page(request, session, principal, collaboration_id, round_id, error=message)
    return see_other(
        ROUND.format(collaboration_id=collaboration_id, round_id=round_id), "round_reopened"
    )


def _reopen_message(field: str, _: Translate) -> str:
    if field == "closes_at":
        return _("The new closing time must lie in the future.")
    return _("Say in a few words (5 to 160 characters) why the round is reopened.")


def _reopen_page(
    request: Request,
    session: SessionDep,
    principal: Principal,
    collaboration_id: int,
    round_id: int,
    values: dict[str, str],
    errors: Errors,
) -> Response:
    found = round_changes.round_page(
        session,
        organisation_id=principal.organisation_id,
        collaboration_id=collaboration_id,
        round_id=round_id,
    )
    context = {"view": found, "values": values, "errors": errors}
    status = 422 if errors else 200
    return page(request, "coach/round_reopen.html", principal, context, status_code=status)
