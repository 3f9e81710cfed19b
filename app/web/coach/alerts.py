"""A round's alerts on a page of their own, and marking an alert as seen (from there or the
dashboard, back to where the coach was)."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from app.errors import InvalidInput
from app.services.identity.auth import Principal
from app.services.results import alerts
from app.services.results.alert_story import alert_page
from app.web.coach.dashboard import heavy_page, render_dashboard, viewed_dashboard
from app.web.coach.deps import EditorDep, EditorFormDep, PrincipalDep
from app.web.coach.forms import text, translator
from app.web.coach.pages import page
from app.web.coach.refusals import refusal
from app.web.deps import MAX_ID, PathId, QueryId, SessionDep

router = APIRouter(include_in_schema=False)

# Far beyond any real round (25 alerts a page); a bigger number is a mistyped link.
MAX_PAGE = 10_000
PageNumber = Annotated[int, Query(ge=1, le=MAX_PAGE)]


@router.get("/coach/collaborations/{collaboration_id}/alerts")
def show_alerts(
    request: Request,
    collaboration_id: PathId,
    principal: PrincipalDep,
    session: SessionDep,
    round: QueryId = None,
    page: PageNumber = 1,
) -> Response:
    return _alerts_page(request, collaboration_id, principal, session, round, page)


def _alerts_page(
    request: Request,
    collaboration_id: int,
    principal: Principal,
    session: Session,
    round_id: int | None,
    page_number: int,
    *,
    note_problem: tuple[int, str, str] | None = None,  # alert id, note as typed, message
) -> Response:
    # Building the dashboard's data may mean scoring every round (cold): one page at a time.
    with heavy_page:
        found = viewed_dashboard(session, principal, collaboration_id, action="alerts.viewed")
        listed = alert_page(
            session,
            dashboard=found,
            round_id=round_id,
            language=principal.language,
            page=page_number,
        )
    context = {"dashboard": found, "listed": listed, "note_problem": note_problem}
    status = 422 if note_problem else 200
    return page(request, "coach/alerts.html", principal, context, status_code=status)


@router.post("/coach/collaborations/{collaboration_id}/alerts/{alert_id}/acknowledge")
def acknowledge(
    request: Request,
    collaboration_id: PathId,
    alert_id: PathId,
    principal: EditorDep,
    form: EditorFormDep,
    session: SessionDep,
) -> Response:
    note = text(form, "note")
    round_id = _number(text(form, "round"))
    # From a round's alerts page the form names its page; from the dashboard it does not.
    posted_page = _number(text(form, "page"))
    page_number = None if posted_page is None else min(max(posted_page, 1), MAX_PAGE)
    try:
        alerts.acknowledge_alert(
            session,
            organisation_id=principal.organisation_id,
            collaboration_id=collaboration_id,
            alert_id=alert_id,
            user_id=principal.user_id,
            note=note or None,
        )
    except InvalidInput as refused:
        problem = (alert_id, note, refusal(refused, translator(principal.language)))
        if page_number is not None:
            return _alerts_page(
                request,
                collaboration_id,
                principal,
                session,
                round_id,
                page_number,
                note_problem=problem,
            )
        with heavy_page:
            return render_dashboard(
                request,
                collaboration_id,
                principal,
                session,
                round_id,
                (None, None),
                note_problem=problem,
            )
    return RedirectResponse(
        _back(collaboration_id, round_id, page_number) + f"#alert-{alert_id}", status_code=303
    )


def _back(collaboration_id: int, round_id: int | None, page_number: int | None) -> str:
    chosen = f"round={round_id}&" if round_id is not None else ""
    if page_number is not None:
        where, chosen = "alerts", f"{chosen}page={page_number}&"
    else:
        where = "dashboard"
    return f"/coach/collaborations/{collaboration_id}/{where}?{chosen}notice=alert_acknowledged"


def _number(raw: str) -> int | None:
    """A posted id or page number; anything else (or one too big to be real) counts as none."""
    return int(raw) if raw.isdigit() and len(raw) <= 10 and int(raw) <= MAX_ID else None
