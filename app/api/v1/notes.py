"""/rounds/{id}/note: the coach's own notes on a round (never in shares, exports or webhooks)."""

from typing import Annotated, Any

from fastapi import APIRouter, Body

from app.api import examples
from app.api.deps import ReaderDep, RoundId, SessionDep, WriterDep
from app.api.problems import problem_responses
from app.models.agreement import RoundNoteIn, RoundNotePublic
from app.services.agreements import round_notes

router = APIRouter(tags=["agreements"], responses=problem_responses(401, 403, 429))

NOTE = {"round_id": 1, "body": "Provincie wil eerst de risicoverdeling bespreken."}


@router.get(
    "/rounds/{round_id}/note",
    response_model=RoundNotePublic,
    responses={**problem_responses(404, 422), **examples.json_example(200, NOTE)},
    summary="Read the round's note",
)
def get_note(round_id: RoundId, session: SessionDep, principal: ReaderDep) -> Any:
    """The coach's note on the round; `body` is empty when there is none."""
    body = round_notes.get_round_note(
        session, organisation_id=principal.organisation_id, round_id=round_id
    )
    return {"round_id": round_id, "body": body}


@router.put(
    "/rounds/{round_id}/note",
    response_model=RoundNotePublic,
    responses={**problem_responses(400, 404, 413, 422), **examples.json_example(200, NOTE)},
    summary="Replace the round's note",
)
def put_note(
    round_id: RoundId,
    data: Annotated[
        RoundNoteIn, Body(openapi_examples={"note": {"value": {"body": NOTE["body"]}}})
    ],
    session: SessionDep,
    principal: WriterDep,
) -> Any:
    """Replaces the note; an empty `body` removes it. Notes are for the coach's own record:
    they never appear on a share page, in an export, a report for partners or a webhook."""
    body = round_notes.save_round_note(
        session, organisation_id=principal.organisation_id, round_id=round_id, body=data.body
    )
    return {"round_id": round_id, "body": body}
