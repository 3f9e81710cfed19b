"""The dashboard of a collaboration, its printable round report, exports and alerts."""

import threading
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from app.errors import InvalidInput
from app.services.exchange import exports
from app.services.exchange.export_formats import csv_style_for
from app.services.exchange.results_export import export_results
from app.services.identity.auth import Principal
from app.services.privacy import audit
from app.services.results import agreement_outcomes, alerts, comments
from app.services.results.alert_story import alert_rounds
from app.services.results.dashboard import Dashboard, build_dashboard, up_to
from app.services.results.guidance import all_guidance
from app.services.results.story import default_round_id, round_moves, story_of
from app.web.coach.dashboard_charts import figures, report_figures
from app.web.coach.deps import EditorDep, EditorFormDep, PrincipalDep
from app.web.coach.forms import text, translator
from app.web.coach.pages import page
from app.web.coach.refusals import refusal
from app.web.deps import SessionDep
from app.web.plotly_assets import GLOBAL_STYLE_ID, NO_INLINE_CLASS, plotly_assets

router = APIRouter(include_in_schema=False)
# A large collaboration's page takes ~12 MB while it is built and rendered. Built side by side
# in the thread pool, every page adds its own peak, and each thread grows a malloc arena of
# its own that is not given back: one page at a time keeps a worker's memory flat.
_heavy_page = threading.Lock()


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


def _plotly() -> dict[str, Any]:
    assets = plotly_assets()
    return {
        "js_url": f"/vendor/plotly-{assets.version}.min.js",
        "css_url": f"/vendor/plotly-{assets.version}.css",
        "global_id": GLOBAL_STYLE_ID,
        "no_inline_class": NO_INLINE_CLASS,
        "guarded_ids": assets.guarded_style_ids,
    }


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
    *,
    note_problem: tuple[int, str, str] | None = None,  # alert id, note as typed, message
) -> Response:
    found = _viewed_dashboard(session, principal, collaboration_id, action="dashboard.viewed")
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
        "plotly": _plotly(),
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
    moves = round_moves(session, dashboard=dashboard, round_id=selected)
    return {
        "story": story_of(dashboard, round_id=selected, moves=moves, language=language),
        "alert_rounds": alert_rounds(session, dashboard=dashboard, language=language),
    }


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
        everything = _viewed_dashboard(session, principal, collaboration_id, action="report.viewed")
        selected = _selected(everything, round)
        # The report is about one round: nothing measured after it may appear in it.
        found = everything if selected is None else up_to(everything, selected)
        language = principal.language
        story: dict[str, Any] = {"story": None, "alert_rounds": []}
        if selected is not None:
            moves = round_moves(session, dashboard=found, round_id=selected)
            story = {
                "story": story_of(found, round_id=selected, moves=moves, language=language),
                "alert_rounds": [
                    told
                    for told in alert_rounds(
                        session, dashboard=found, language=language, until_round_id=selected
                    )
                    if told.round_id == selected
                ],
            }
    charts = report_figures(found, round_id=selected, language=language, _=translator(language))
    context = {
        "dashboard": found,
        "selected": selected,
        "charts": charts,
        "plotly": _plotly(),
        **story,
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
    request: Request,
    collaboration_id: int,
    alert_id: int,
    principal: EditorDep,
    form: EditorFormDep,
    session: SessionDep,
) -> Response:
    note = text(form, "note")
    raw_round = text(form, "round")
    round_id = int(raw_round) if raw_round.isdigit() else None
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
        message = refusal(refused, translator(principal.language))
        with _heavy_page:
            return _dashboard_page(
                request,
                collaboration_id,
                principal,
                session,
                round_id,
                (None, None),
                note_problem=(alert_id, note, message),
            )
    chosen = f"round={round_id}&" if round_id is not None else ""
    url = f"/coach/collaborations/{collaboration_id}/dashboard?{chosen}notice=alert_acknowledged"
    return RedirectResponse(f"{url}#alert-{alert_id}", status_code=303)
