"""/invitations/{token}/responses: answers collected by an integration's own front end."""

from typing import Annotated, Any

from fastapi import APIRouter, Body

from app.api import examples
from app.api.deps import InvitationToken, WriterDep
from app.api.problems import problem_responses
from app.api.submissions import SubmissionPathDep
from app.models.response import ResponseSubmission, SubmissionResult

router = APIRouter(tags=["responses"], responses=problem_responses(401, 403, 429))


@router.post(
    "/invitations/{token}/responses",
    response_model=SubmissionResult,
    responses={
        **problem_responses(400, 404, 409, 413, 422),
        **examples.json_example(200, examples.SUBMISSION_RESULT),
    },
    summary="Save or submit answers",
)
async def submit_responses(
    token: InvitationToken,
    submission: Annotated[
        ResponseSubmission,
        Body(
            openapi_examples={
                "partial": {"summary": "Save some answers", "value": examples.SUBMISSION},
                "with_comments": {
                    "summary": "Submit with an open comment",
                    "value": examples.SUBMISSION_WITH_COMMENTS,
                },
            }
        ),
    ],
    principal: WriterDep,
    path: SubmissionPathDep,
) -> Any:
    """Save answers (`final: false`, as often as needed) or submit them (`final: true`).

    Answers merge with what was saved before; `value: null` means "don't know". One invalid
    answer refuses the whole request and saves nothing; `invalid_params` names each
    offending answer (`answers.3.value`). After the round closed, or once submitted: 409.
    `answers` is required (an empty list submits what was saved before); a final submission
    with nothing answered at all is refused (422 naming `answers`), and an empty save changes
    nothing. Answers saved here are not shown in the partner's web questionnaire to anyone
    without their resume code (see docs/privacy.md).

    `comments` (optional) carries the partner's open comment per target party, when the
    round's questionnaire asks for one: each replaces the one saved before, an empty text
    deletes it, and a save with only comments starts the invitation like answers do. A
    comment about a party the invitation does not rate, a second one about the same party,
    more than 2,000 characters or control characters other than line breaks: 422 naming
    the entry (`comments.0.text`), nothing saved. Coaches see comments only per group of at
    least the comment threshold, never with a name; webhooks never carry them.

    In a round that checks agreements, ask the follow-up questions listed by
    `GET /invitations/{token}/agreements` and save their answers with
    `POST /invitations/{token}/agreements` before the final submission."""
    return await path.submit(
        token=token, submission=submission, organisation_id=principal.organisation_id
    )
