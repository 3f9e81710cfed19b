"""/invitations/{token}/agreements: the follow-up question ("was it kept?") for integrations."""

from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Body
from sqlmodel import Session

from app.api import examples
from app.api.deps import InvitationToken, ReaderDep, SessionDep, WriterDep
from app.api.idempotency import IdempotencyDep
from app.api.problems import problem_responses
from app.models.agreement import AgreementAnswers, FollowUpQuestions
from app.scoring.agreements import VERDICT_MAX, VERDICT_MIN
from app.services.agreements import follow_up
from app.services.agreements.follow_up import DONT_KNOW, FollowUpItem

router = APIRouter(tags=["responses"], responses=problem_responses(401, 403, 429))

QUESTIONS = {
    "scale_min": 1,
    "scale_max": 5,
    "questions": [
        {
            "agreement_id": 1,
            "title": "Afspraken binnen een week bevestigen",
            "description": "Wie iets toezegt, bevestigt het binnen een week per e-mail.",
            "committing_parties": [{"id": 2, "name": "Aannemer BV"}],
            "target_party": {"id": 1, "name": "Gemeente Utrecht"},
            "answered": True,
            "value": 4,
        }
    ],
}


def _questions(items: Sequence[FollowUpItem]) -> dict[str, Any]:
    return {
        "scale_min": VERDICT_MIN,
        "scale_max": VERDICT_MAX,
        "questions": [
            {
                "agreement_id": item.agreement_id,
                "title": item.title,
                "description": item.description,
                "committing_parties": [
                    {"id": party_id, "name": name}
                    for party_id, name in zip(item.committing_ids, item.committing, strict=True)
                ],
                "target_party": {"id": item.target_id, "name": item.target}
                if item.target_id is not None
                else None,
                "answered": item.chosen is not None,
                "value": None if item.chosen in (None, DONT_KNOW) else int(item.chosen),
            }
            for item in items
        ],
    }


@router.get(
    "/invitations/{token}/agreements",
    response_model=FollowUpQuestions,
    responses={**problem_responses(404, 422), **examples.json_example(200, QUESTIONS)},
    summary="List the follow-up questions",
)
def list_follow_up(token: InvitationToken, session: SessionDep, principal: ReaderDep) -> Any:
    """The agreements this partner is asked about after the trust items: those checked in the
    invitation's round, not dropped, made by the partner's party or about it. Often none."""
    items = follow_up.questions_for(session, token=token, organisation_id=principal.organisation_id)
    return _questions(items)


@router.post(
    "/invitations/{token}/agreements",
    response_model=FollowUpQuestions,
    responses={
        **problem_responses(400, 404, 409, 413, 422),
        **examples.json_example(200, QUESTIONS),
    },
    summary="Save follow-up answers",
)
def save_follow_up(
    token: InvitationToken,
    data: Annotated[
        AgreementAnswers,
        Body(openapi_examples={"kept": {"value": {"answers": [{"agreement_id": 1, "value": 4}]}}}),
    ],
    principal: WriterDep,
    idempotency: IdempotencyDep,
) -> Any:
    """Save answers to "was it kept?" (1 = not at all ... 5 = fully; `value: null` = don't
    know), before the final submission of the trust answers; saving again replaces an answer.
    One wrong answer saves nothing; `invalid_params` names it (`answers.0.agreement_id`).
    Only answers of submitted invitations count, and only in groups of at least k partners.
    After the round closed, or once submitted: 409."""

    def work(session: Session) -> dict[str, Any]:
        items = follow_up.save_agreement_answers(
            session, token=token, organisation_id=principal.organisation_id, answers=data.answers
        )
        return _questions(items)

    return idempotency.respond(work)
