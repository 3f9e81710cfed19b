"""/rounds/{id}/responses/import: bulk import of paper and legacy answers (CSV or JSON)."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.exceptions import HTTPException

from app.api import examples
from app.api.deps import RoundId, SettingsDep, WriterDep, refuse_nul_in
from app.api.idempotency import IdempotencyDep
from app.api.problems import ImportProblem, problem_responses
from app.api.schemas import inline_schema
from app.models.imports import ImportMode, ImportReport, ImportRequest
from app.services.exchange import import_rows, imports

router = APIRouter(tags=["responses"], responses=problem_responses(401, 403, 429))

CSV_TYPES = ("text/csv", "application/csv")
DESCRIPTION = """For paper rounds and legacy data. Send either

* **CSV** (`Content-Type: text/csv`), UTF-8, long format: one answer per line, `;` or `,`
  between fields, a header line naming the columns `external_ref` or `invitation_id` (or
  both), `target_party` (the party's id or exact name), `item_id` and `value` (empty for
  "don't know"); the header line is at most 1,000 characters; or
* **JSON** (`Content-Type: application/json`): `{"answers": [{...}, ...]}` with the same
  fields, nested at most 32 levels deep.

The body is read only after the API key is checked (a key with the `write` scope), so an
unauthorised upload costs nothing but its 401 or 403.

Every row is checked: unknown participant, unknown item, value out of range, wrong target
(the participant's own party, a party outside the collaboration) and duplicate rows. By
default one bad row refuses the whole import: nothing is stored, and the 422 problem lists
every bad row in `errors` (row, column, reason). With `mode=valid_only` the good rows are
stored and the bad ones reported.

The round must be open or closed. Participants without an invitation in the round get one
(already submitted); answers are stored as submitted responses, scored exactly like
answers given online. Existing answers are never overwritten."""

OPENAPI_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "text/csv": {
                "schema": {"type": "string"},
                "example": examples.IMPORT_CSV,
            },
            "application/json": {
                "schema": inline_schema(ImportRequest),
                "example": examples.IMPORT_JSON,
            },
        },
    }
}


async def _body(request: Request, principal: WriterDep) -> bytes:
    """The body, read only once the caller's key is known to be a writer's (it may be 50 MB)."""
    body = await request.body()
    refuse_nul_in(body)
    return body


@router.post(
    "/rounds/{round_id}/responses/import",
    response_model=ImportReport,
    responses={
        **problem_responses(400, 404, 409, 413, 415),
        **problem_responses(422, model=ImportProblem),
        **examples.json_example(200, examples.IMPORT_REPORT),
    },
    summary="Import answers in bulk",
    description=DESCRIPTION,
    openapi_extra=OPENAPI_BODY,
)
def import_responses(
    round_id: RoundId,
    request: Request,
    body: Annotated[bytes, Depends(_body)],
    principal: WriterDep,
    settings: SettingsDep,
    idempotency: IdempotencyDep,
    mode: Annotated[
        ImportMode, Query(description="`all_or_nothing` (default) or `valid_only`.")
    ] = "all_or_nothing",
) -> Any:
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type in CSV_TYPES:
        parsed = import_rows.parse_csv(body)
    elif media_type == "application/json":
        parsed = import_rows.parse_json(body)
    else:
        raise HTTPException(415, "Send the answers as text/csv or application/json.")
    return idempotency.respond(
        lambda session: imports.import_responses(
            session,
            organisation_id=principal.organisation_id,
            round_id=round_id,
            parsed=parsed,
            mode=mode,
            settings=settings,
        )
    )
