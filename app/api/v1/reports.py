"""/rounds/{id}/report.pdf: the round report a steering group reads, as a PDF."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from starlette.responses import Response

from app.api.deps import ReaderDep, RoundId, SessionDep, SettingsDep
from app.api.problems import problem_responses
from app.infra.static_charts import shared_drawer
from app.services.reporting.report_pdf import MEDIA_TYPE, Viewer, round_report_pdf

router = APIRouter(tags=["results"], responses=problem_responses(401, 403, 429))

DESCRIPTION = """The report of one measured round as an A4 PDF, drawn on the server: a cover
(collaboration, round, phase, dates), what changed since the previous round and the response
rate per party, the Smart Trust matrix with each party's trajectory up to this round,
propensity and analysis over the rounds, the areas per party with their changes, the mirror
of every relationship (A about B beside B about A), the round's alerts, and how to read it
(zones, uncertainty, the anonymity threshold).

The charts are the dashboard's own figures, drawn as vector graphics; the text is selectable.
Groups of fewer than k respondents show no figures, no individual answer or participant name
appears, and nothing of a later round is included. `language` chooses Dutch (`nl`) or English
(`en`); without it the collaboration's own language is used. A draft round answers 409."""


@router.get(
    "/rounds/{round_id}/report.pdf",
    response_class=Response,
    responses={
        200: {
            "description": "The report (an attachment).",
            "content": {MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}},
        },
        **problem_responses(404, 409, 422, 503),
    },
    summary="Round report (PDF)",
    description=DESCRIPTION,
)
def get_round_report(
    round_id: RoundId,
    session: SessionDep,
    principal: ReaderDep,
    settings: SettingsDep,
    language: Annotated[
        Literal["nl", "en"] | None, Query(description="`nl` or `en`; default: the collaboration's.")
    ] = None,
) -> Response:
    rendered = round_report_pdf(
        session,
        organisation_id=principal.organisation_id,
        round_id=round_id,
        language=language,
        drawer=shared_drawer(settings.chromium_path),
        viewer=Viewer(api_key_id=principal.api_key_id),
    )
    return Response(
        rendered.content,
        media_type=rendered.media_type,
        headers={"Content-Disposition": f'attachment; filename="{rendered.filename}"'},
    )
