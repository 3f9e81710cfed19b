"""The round report as a PDF download for the signed-in coach (the dashboard's button)."""

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from app.errors import FieldProblem, InvalidInput
from app.infra.messages import LANGUAGES
from app.infra.static_charts import shared_drawer
from app.services.reporting.report_pdf import Viewer, round_report_pdf
from app.web.coach.deps import PrincipalDep
from app.web.deps import SessionDep, SettingsDep

router = APIRouter(include_in_schema=False)


@router.get("/coach/rounds/{round_id}/report.pdf")
def download_report(
    round_id: int,
    principal: PrincipalDep,
    session: SessionDep,
    settings: SettingsDep,
    language: Annotated[str | None, Query()] = None,
) -> Response:
    if language is not None and language not in LANGUAGES:
        message = "Choose the report's language: nl or en."
        raise InvalidInput(message, problems=[FieldProblem("language", message)])
    rendered = round_report_pdf(
        session,
        organisation_id=principal.organisation_id,
        round_id=round_id,
        language=language or principal.language,
        drawer=shared_drawer(settings.chromium_path),
        viewer=Viewer(user_id=principal.user_id),
    )
    return Response(
        rendered.content,
        media_type=rendered.media_type,
        headers={"Content-Disposition": f'attachment; filename="{rendered.filename}"'},
    )
