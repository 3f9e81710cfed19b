"""Which way an API submission is written: chosen by a dependency, not by the route.

Without an Idempotency-Key a submission joins its process's group commit (many per
transaction). With one, it runs alone in a unit of work that also stores the key's record,
so a retry replays the first answer. Both end in the same core: `app.services.answering`.
"""

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from app.api.idempotency import Idempotency, IdempotencyDep
from app.models.response import ResponseSubmission
from app.services.answering import responses
from app.services.answering.submission_batches import AnswerWriter


@dataclass(frozen=True, slots=True)
class SubmissionPath:
    idempotency: Idempotency
    writer: AnswerWriter

    async def submit(
        self, *, token: str, submission: ResponseSubmission, organisation_id: int
    ) -> Response:
        answers, final, comments = submission.answers, submission.final, submission.comments
        if self.idempotency.key is None:
            result = await self.writer.submit(
                token=token,
                answers=answers,
                final=final,
                organisation_id=organisation_id,
                comments=comments,
            )
            # Already the response model: serialised directly, not validated again.
            return Response(result.model_dump_json(), media_type="application/json")
        return await run_in_threadpool(
            self.idempotency.respond,
            lambda session: responses.submit_answers(
                session,
                token=token,
                answers=answers,
                final=final,
                organisation_id=organisation_id,
                comments=comments,
            ),
        )


def _submission_path(request: Request, idempotency: IdempotencyDep) -> Any:
    return SubmissionPath(idempotency, request.app.state.answer_writer)


SubmissionPathDep = Annotated[SubmissionPath, Depends(_submission_path)]
