"""/collaborations/{id}/export: the collaboration's data in long format (CSV, Excel, SPSS)."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from starlette.responses import Response

from app.api.deps import CollaborationId, ReaderDep, SessionDep
from app.api.problems import problem_responses
from app.services.exchange import exports
from app.services.exchange.export_formats import MEDIA_TYPES, csv_style_for
from app.services.exchange.exports import ExportFormat
from app.services.exchange.results_export import export_results

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

**For spreadsheets** pass `language` (`nl` or `en`): column headers and value labels (phase,
shown / not shown) come in that language, decimals as people there write them, and a CSV gets
a byte order mark and, for Dutch, `;` between fields, so Excel set to Dutch opens it in
columns. `delimiter` (`comma` or `semicolon`) overrides the separator. Without either, the
CSV is the plain one for programs: variable names, codes, `,` and no byte order mark.

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
    language: Annotated[
        Literal["nl", "en"] | None,
        Query(description="Labels in this language; a CSV for spreadsheets (see above)."),
    ] = None,
    delimiter: Annotated[
        Literal["comma", "semicolon"] | None,
        Query(description="The CSV separator of a spreadsheet CSV (default: by language)."),
    ] = None,
    content: Annotated[
        Literal["answers", "results"],
        Query(
            description="`answers`: the long format above. `results`: per round, party and"
            " relationship the n, response rate, means with 95% intervals, zone and change"
            " since the previous round, exactly as the scores and trends endpoints show them;"
            " hidden groups carry no figures and `suppressed` says why (1: fewer than k"
            " respondents; 2: hidden to protect a smaller group). Closed rounds only."
        ),
    ] = "answers",
) -> Response:
    export = exports.export_collaboration if content == "answers" else export_results
    exported = export(
        session,
        organisation_id=principal.organisation_id,
        collaboration_id=collaboration_id,
        format=format,
        language=language,
        csv_style=csv_style_for(language, delimiter),
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
