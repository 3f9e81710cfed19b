"""A round's personal links, for the people a coach must hand them to: page and CSV download."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from app.services.setup import personal_links
from app.web.coach.deps import EditorDep
from app.web.coach.pages import page
from app.web.deps import PathId, SessionDep, SettingsDep

router = APIRouter(include_in_schema=False)
Shown = Annotated[Literal["without_email", "all"], Query()]


@router.get("/coach/collaborations/{collaboration_id}/rounds/{round_id}/links")
def show_links(
    request: Request,
    collaboration_id: PathId,
    round_id: PathId,
    principal: EditorDep,
    session: SessionDep,
    settings: SettingsDep,
    show: Shown = "without_email",
) -> Response:
    found = personal_links.round_links(
        session,
        organisation_id=principal.organisation_id,
        collaboration_id=collaboration_id,
        round_id=round_id,
        settings=settings,
        everyone=show == "all",
        user_id=principal.user_id,
    )
    return page(request, "coach/round_links.html", principal, {"found": found})


@router.get("/coach/collaborations/{collaboration_id}/rounds/{round_id}/links.csv")
def download_links(
    collaboration_id: PathId,
    round_id: PathId,
    principal: EditorDep,
    session: SessionDep,
    settings: SettingsDep,
    show: Shown = "without_email",
) -> Response:
    content = personal_links.links_csv(
        session,
        organisation_id=principal.organisation_id,
        collaboration_id=collaboration_id,
        round_id=round_id,
        settings=settings,
        everyone=show == "all",
        user_id=principal.user_id,
    )
    filename = f"trustmeter-personal-links-round-{round_id}.csv"
    return Response(
        content.encode("utf-8-sig"),  # the byte-order mark makes Excel read UTF-8
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
