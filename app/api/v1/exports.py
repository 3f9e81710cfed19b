"""/collaborations/{id}/export: the collaboration's data in long format (CSV, Excel, SPSS)."""

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.responses import Response

from app.api.deps import CollaborationId, ReaderDep, SessionDep
from app.api.problems import problem_responses
from app.services.exchange import exports
from app.services.exchange.export_formats import MEDIA_TYPES
from app.services.exchange.exports import ExportFormat

router = APIRouter(tags=["results"], responses=problem_responses(401, 403, 429))

DESCRIPTION = """Every closed round of the collaboration in long format, as `csv` (UTF-8),
`xlsx` (with a `labels` sheet) or `sav` (SPSS, with variable and value labels).

* **Identified mode** (`identified_mode: true` on the collaboration, an explicit choice): one
  row per answer, with round, phase, party, participant pseudonym, target party, item,
  scale, value and value label (the questionnaire's anchors; empty value = don't know).
* **Otherwise** (the default): aggregates only, one row per round x truster party x target
  party x scale or item, with `n` and `mean` (scales 0-100, items on the answer scale).
  Groups of fewer than k respondents are not shown (`suppressed`), and neither is any figure
  that would let a hidden group be worked out from the ones shown.

A round still open is left out: its figures would move with every submission.

Each export is recorded in the organisation's audit log. The `X-Trustmeter-Export-Rows`
header says which of the two it is (`individual` or `aggregate`)."""

CSV_EXAMPLE = (
    "round_number,round_id,round,phase,party_id,party,target_party_id,target,level,item,"
    "scale,n,mean,suppressed\r\n"
    "1,3,Nulmeting,preparation,12,Gemeente Utrecht,13,Aannemer BV,scale,,propensity,6,"
    "58.3,0\r\n"
)


@router.get(
    "/collaborations/{collaboration_id}/export",
    response_class=Response,
    responses={
        200: {
            "description": "The export file (an attachment).",
            "content": {
                MEDIA_TYPES["csv"]: {"schema": {"type": "string"}, "example": CSV_EXAMPLE},
                MEDIA_TYPES["xlsx"]: {"schema": {"type": "string", "format": "binary"}},
                MEDIA_TYPES["sav"]: {"schema": {"type": "string", "format": "binary"}},
            },
        },
        **problem_responses(404, 422),
    },
    summary="Export the data",
    description=DESCRIPTION,
)
def export_collaboration(
    collaboration_id: CollaborationId,
    session: SessionDep,
    principal: ReaderDep,
    format: Annotated[ExportFormat, Query(description="`csv`, `xlsx` or `sav`.")] = "csv",
) -> Response:
    exported = exports.export_collaboration(
        session,
        organisation_id=principal.organisation_id,
        collaboration_id=collaboration_id,
        format=format,
        api_key_id=principal.api_key_id,
    )
    return Response(
        exported.content,
        media_type=exported.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{exported.filename}"',
            "X-Trustmeter-Export-Rows": exported.mode,
        },
    )
