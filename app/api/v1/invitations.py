"""/invitations/{token}/responses: answers collected by an integration's own front end."""

from typing import Any

from fastapi import APIRouter

from app.api.deps import SessionDep, WriterDep
from app.api.problems import problem_responses
from app.models.response import ResponseSubmission, SubmissionResult
from app.services import responses

router = APIRouter(tags=["responses"], responses=problem_responses(401, 403, 429))


@router.post(
    "/invitations/{token}/responses",
    response_model=SubmissionResult,
    responses=problem_responses(400, 404, 409, 413, 422),
    summary="Save or submit answers",
)
def submit_responses(
    token: str, submission: ResponseSubmission, session: SessionDep, principal: WriterDep
) -> Any:
    """Save answers (`final: false`, as often as needed) or submit them (`final: true`).
    Answers merge with what was saved before. One invalid answer refuses the whole request
    and saves nothing; `invalid_params` names each offending answer."""
    return responses.submit_answers(
        session,
        token=token,
        answers=submission.answers,
        final=submission.final,
        organisation_id=principal.organisation_id,
    )
