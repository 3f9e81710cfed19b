"""The dashboard of a collaboration, its printable round report, exports and alerts."""

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
from app.services.results import agreement_outcomes, alerts, comments
from app.services.results import dashboard as dashboard_service
from app.services.results.charts import Translate, matrix_figure
from app.services.results.charts_grid import (
    areas_heatmap,
    pair_matrix_figure,
    participation_figure,
    perception_gap_figure,
)
from app.services.results.charts_time import trend_figure
from app.services.results.dashboard import Dashboard, build_dashboard
from app.web.coach.deps import EditorDep, EditorFormDep, PrincipalDep
from app.web.coach.forms import translator
from app.web.coach.pages import page, see_other
from app.web.deps import SessionDep
from app.web.plotly_assets import page_context

router = APIRouter(include_in_schema=False)
# A large collaboration's page takes ~12 MB while it is built and rendered. Built side by side
# in the thread pool, every page adds its own peak, and each thread grows a malloc arena of
# its own that is not given back: one page at a time keeps a worker's memory flat.
_heavy_page = threading.Lock()


def _selected(dashboard: Dashboard, round_id: int | None) -> int | None:
    ids = [r.id for r in dashboard.rounds]
    if round_id in ids:
        return round_id
    return ids[-1] if ids else None


def _pair(dashboard: Dashboard, a: int | None, b: int | None) -> tuple[int, int] | None:
    ids = [p.id for p in dashboard.parties]
    if len(ids) < 2:
        return None
    if a in ids and b in ids and a != b:
        return a, b
    return ids[0], ids[1]


def figures(
    dashboard: Dashboard,
    *,
    round_id: int | None,
    pair: tuple[int, int] | None,
    language: str,
    _: Translate,
) -> dict[str, Any]:
    """Every chart of the page by element id, as JSON-ready figure dicts."""
    if round_id is None:
        return {}
    found: dict[str, Any] = {
        "chart-matrix": matrix_figure(dashboard, selected_round_id=round_id, _=_),
        "chart-trend-propensity": trend_figure(dashboard, measure="propensity", _=_),
        "chart-trend-analysis": trend_figure(dashboard, measure="analysis", _=_),
        "chart-pairs-propensity": pair_matrix_figure(
            dashboard, round_id=round_id, measure="propensity", _=_
        ),
        "chart-pairs-analysis": pair_matrix_figure(
            dashboard, round_id=round_id, measure="analysis", _=_
        ),
        "chart-participation": participation_figure(dashboard, _=_),
    }
    for party in dashboard.parties:
        found[f"chart-areas-{party.id}"] = areas_heatmap(
            dashboard, party_id=party.id, language=language, _=_
        )
    if pair is not None:
        found["chart-gap"] = perception_gap_figure(
            dashboard, a_id=pair[0], b_id=pair[1], round_id=round_id, _=_
        )
    return found


def _plotly(request: Request) -> dict[str, Any]:
    return page_context(request.app.state.settings.plotly_bundle)


@router.get("/coach/collaborations/{collaboration_id}/dashboard")
def show_dashboard(
    request: Request,
    collaboration_id: int,
    principal: PrincipalDep,
    session: SessionDep,
    round: Annotated[int | None, Query()] = None,
    a: Annotated[int | None, Query()] = None,
    b: Annotated[int | None, Query()] = None,
) -> Response:
    with _heavy_page:
        return _dashboard_page(request, collaboration_id, principal, session, round, (a, b))


def _dashboard_page(
    request: Request,
    collaboration_id: int,
    principal: Principal,
    session: Session,
    round: int | None,
    ab: tuple[int | None, int | None],
) -> Response:
    found = _viewed_dashboard(session, principal, collaboration_id, action="dashboard.viewed")
    selected = _selected(found, round)
    pair = _pair(found, *ab)
    charts = figures(
        found,
        round_id=selected,
        pair=pair,
        language=principal.language,
        _=translator(principal.language),
    )
    round_comments = None
    if selected is not None:
        round_comments = comments.round_comments(
            session, organisation_id=principal.organisation_id, round_id=selected
        )
    context = {
        "dashboard": found,
        "selected": selected,
        "pair": pair,
        "charts": charts,
        "plotly": _plotly(request),
        "comments": round_comments,
        "agreements": agreement_outcomes.agreements_of_collaboration(
            session, organisation_id=principal.organisation_id, collaboration_id=collaboration_id
        ),
    }
    return page(request, "coach/dashboard.html", principal, context)


def _viewed_dashboard(
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
    collaboration_id: int,
    principal: PrincipalDep,
    session: SessionDep,
    round: Annotated[int | None, Query()] = None,
) -> Response:
    with _heavy_page:
        found = _viewed_dashboard(session, principal, collaboration_id, action="report.viewed")
    selected = _selected(found, round)
    charts = {}
    if selected is not None:
        _ = translator(principal.language)
        charts = {
            "chart-matrix": matrix_figure(found, selected_round_id=selected, _=_),
            "chart-participation": participation_figure(found, _=_),
        }
    round_alerts = (
        []
        if selected is None
        else dashboard_service.round_alerts(
            session, collaboration_id=found.collaboration_id, round_id=selected
        )
    )
    context = {
        "dashboard": found,
        "selected": selected,
        "charts": charts,
        "plotly": _plotly(request),
        "round_alerts": round_alerts,
    }
    return page(request, "coach/report.html", principal, context)


@router.get("/coach/collaborations/{collaboration_id}/export")
def export(
    collaboration_id: int,
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


@router.post("/coach/collaborations/{collaboration_id}/alerts/{alert_id}/acknowledge")
def acknowledge(
    collaboration_id: int,
    alert_id: int,
    principal: EditorDep,
    form: EditorFormDep,
    session: SessionDep,
) -> Response:
    alerts.acknowledge_alert(
        session,
        organisation_id=principal.organisation_id,
        alert_id=alert_id,
        user_id=principal.user_id,
    )
    return see_other(f"/coach/collaborations/{collaboration_id}/dashboard", "alert_acknowledged")
