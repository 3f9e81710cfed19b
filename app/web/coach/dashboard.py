"""The dashboard of a collaboration, its printable round report and exports."""

import threading
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlmodel import Session

from app.services.exchange import exports
from app.services.exchange.export_formats import csv_style_for
from app.services.exchange.results_export import export_results
from app.services.identity.auth import Principal
from app.services.privacy import audit
from app.services.results import agreement_outcomes, comments
from app.services.results.alert_story import ALERTS_PER_ROUND, alert_rounds, round_alerts
from app.services.results.dashboard import Dashboard, build_dashboard, up_to
from app.services.results.guidance import all_guidance
from app.services.results.story import default_round_id, round_moves, story_of
from app.web.coach.dashboard_charts import figures, report_figures
from app.web.coach.deps import PrincipalDep
from app.web.coach.forms import translator
from app.web.coach.pages import page
from app.web.deps import PathId, QueryId, SessionDep
from app.web.plotly_assets import page_context

router = APIRouter(include_in_schema=False)
# A large collaboration's page takes ~12 MB while it is built and rendered. Built side by side
# in the thread pool, every page adds its own peak, and each thread grows a malloc arena of
# its own that is not given back: one page at a time keeps a worker's memory flat.
heavy_page = threading.Lock()


def _selected(dashboard: Dashboard, round_id: int | None) -> int | None:
    """The round asked for, else the newest one with figures to show."""
    if round_id in [r.id for r in dashboard.rounds]:
        return round_id
    return default_round_id(dashboard)


def _pair(dashboard: Dashboard, a: int | None, b: int | None) -> tuple[int, int] | None:
    ids = [p.id for p in dashboard.parties]
    if len(ids) < 2:
        return None
    if a in ids and b in ids and a != b:
        return a, b
    return ids[0], ids[1]


def _plotly(request: Request) -> dict[str, Any]:
    return page_context(request.app.state.settings.plotly_bundle)


@router.get("/coach/collaborations/{collaboration_id}/dashboard")
def show_dashboard(
    request: Request,
    collaboration_id: PathId,
    principal: PrincipalDep,
    session: SessionDep,
    round: QueryId = None,
    a: QueryId = None,
    b: QueryId = None,
) -> Response:
    with heavy_page:
        return render_dashboard(request, collaboration_id, principal, session, round, (a, b))


def render_dashboard(
    request: Request,
    collaboration_id: int,
    principal: Principal,
    session: Session,
    round: int | None,
    ab: tuple[int | None, int | None],
    *,
    note_problem: tuple[int, str, str] | None = None,  # alert id, note as typed, message
) -> Response:
    found = viewed_dashboard(session, principal, collaboration_id, action="dashboard.viewed")
    selected = _selected(found, round)
    pair = _pair(found, *ab)
    _ = translator(principal.language)
    round_comments = None
    if selected is not None:
        round_comments = comments.round_comments(
            session, organisation_id=principal.organisation_id, round_id=selected
        )
    context = {
        "dashboard": found,
        "selected": selected,
        "pair": pair,
        "charts": figures(found, round_id=selected, pair=pair, language=principal.language, _=_),
        "plotly": _plotly(request),
        "comments": round_comments,
        "guidance_library": all_guidance(_),
        "agreements": agreement_outcomes.agreements_of_collaboration(
            session, organisation_id=principal.organisation_id, collaboration_id=collaboration_id
        ),
        "note_problem": note_problem,
        **_story(session, found, selected, principal.language),
    }
    status = 422 if note_problem else 200
    return page(request, "coach/dashboard.html", principal, context, status_code=status)


def _story(
    session: Session, dashboard: Dashboard, selected: int | None, language: str
) -> dict[str, Any]:
    if selected is None:
        return {"story": None, "alert_rounds": []}
    moves = round_moves(dashboard, selected)
    return {
        "story": story_of(dashboard, round_id=selected, moves=moves, language=language),
        "alert_rounds": alert_rounds(
            session, dashboard=dashboard, language=language, selected_round_id=selected
        ),
    }


def viewed_dashboard(
    session: Session, principal: Principal, collaboration_id: int, *, action: str
) -> Dashboard:
    """The dashboard's data, then the view in the audit log: a refused request leaves none."""
    found = build_dashboard(
        session, organisation_id=principal.organisation_id, collaboration_id=collaboration_id
    )
    audit.record_view(
        session,
        organisation_id=principal.organisation_id,
        user_id=principal.user_id,
        action=action,
        subject=f"collaboration:{collaboration_id}",
    )
    return found


@router.get("/coach/collaborations/{collaboration_id}/report")
def show_report(
    request: Request,
    collaboration_id: PathId,
    principal: PrincipalDep,
    session: SessionDep,
    round: QueryId = None,
) -> Response:
    with heavy_page:
        everything = viewed_dashboard(session, principal, collaboration_id, action="report.viewed")
        selected = _selected(everything, round)
        # The report is about one round: nothing measured after it may appear in it.
        found = everything if selected is None else up_to(everything, selected)
        language = principal.language
        story: dict[str, Any] = {"story": None, "alert_rounds": []}
        if selected is not None:
            moves = round_moves(found, selected)
            told = round_alerts(
                session,
                dashboard=found,
                round_id=selected,
                language=language,
                limit=ALERTS_PER_ROUND,
            )
            story = {
                "story": story_of(found, round_id=selected, moves=moves, language=language),
                "alert_rounds": [told] if told.total else [],
            }
    charts = report_figures(found, round_id=selected, language=language, _=translator(language))
    context = {
        "dashboard": found,
        "selected": selected,
        "charts": charts,
        "plotly": _plotly(request),
        **story,
    }
    return page(request, "coach/report.html", principal, context)


@router.get("/coach/collaborations/{collaboration_id}/export")
def export(
    collaboration_id: PathId,
    principal: PrincipalDep,
    session: SessionDep,
    format: Annotated[Literal["csv", "xlsx", "sav"], Query()] = "csv",
    content: Annotated[Literal["answers", "results"], Query()] = "answers",
) -> Response:
    # In the coach's language; a CSV Excel opens in columns (";" and a BOM for Dutch).
    export = exports.export_collaboration if content == "answers" else export_results
    exported = export(
        session,
        organisation_id=principal.organisation_id,
        collaboration_id=collaboration_id,
        format=format,
        language=principal.language,
        csv_style=csv_style_for(principal.language, None),
        user_id=principal.user_id,
    )
    return Response(
        exported.content,
        media_type=exported.media_type,
        headers={"Content-Disposition": f'attachment; filename="{exported.filename}"'},
    )
