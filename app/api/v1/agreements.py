"""/collaborations/{id}/agreements and /agreements/{id}: the action loop after a round."""

from typing import Annotated, Any

from fastapi import APIRouter, Body
from sqlmodel import Session

from app.api import examples
from app.api.deps import AgreementId, CollaborationId, PageDep, ReaderDep, SessionDep, WriterDep
from app.api.idempotency import IdempotencyDep
from app.api.pagination import Paginated, paginate
from app.api.problems import problem_responses
from app.models.agreement import AgreementCreate, AgreementPublic, AgreementUpdate
from app.services.agreements import agreements
from app.services.agreements.documents import agreement_document, agreement_documents

router = APIRouter(tags=["agreements"], responses=problem_responses(401, 403, 429))

WRITE_ERRORS = problem_responses(400, 404, 409, 413, 422)

AGREEMENT = {
    "id": 1,
    "collaboration_id": 1,
    "round_id": 1,
    "check_round_id": 2,
    "title": "Afspraken binnen een week bevestigen",
    "description": "Wie iets toezegt, bevestigt het binnen een week per e-mail.",
    "area": "commitments",
    "committing_party_ids": [2],
    "target_party_id": 1,
    "status": "open",
    "outcome": {
        "area": "commitments",
        "before": {
            "round_id": 1,
            "n": 6,
            "suppressed": False,
            "mean": 41.7,
            "ci_low": 33.0,
            "ci_high": 50.4,
        },
        "after": {
            "round_id": 2,
            "n": 5,
            "suppressed": False,
            "mean": 58.3,
            "ci_low": 49.1,
            "ci_high": 67.5,
        },
        "verdict": {
            "round_id": 2,
            "n": 9,
            "suppressed": False,
            "mean": 3.8,
            "dont_know": 1,
            "scale_min": 1,
            "scale_max": 5,
        },
    },
    "created_at": "2026-03-09T16:30:00Z",
    "updated_at": "2026-03-09T16:30:00Z",
}

EXAMPLE_CREATE = {
    "title": "Afspraken binnen een week bevestigen",
    "description": "Wie iets toezegt, bevestigt het binnen een week per e-mail.",
    "area": "commitments",
    "committing_party_ids": [2],
    "target_party_id": 1,
    "round_id": 1,
    "check_round_id": 2,
}


@router.post(
    "/collaborations/{collaboration_id}/agreements",
    status_code=201,
    response_model=AgreementPublic,
    responses={**WRITE_ERRORS, **examples.json_example(201, AGREEMENT)},
    summary="Record an agreement",
)
def create_agreement(
    collaboration_id: CollaborationId,
    data: Annotated[AgreementCreate, Body(openapi_examples={"keep": {"value": EXAMPLE_CREATE}})],
    principal: WriterDep,
    idempotency: IdempotencyDep,
) -> Any:
    """An agreement the parties made after `round_id`. In `check_round_id` the partners of the
    committing parties and of the target party are asked, after the trust items, whether it
    was kept. Sends `agreement.changed`."""

    def work(session: Session) -> AgreementPublic:
        created = agreements.create_agreement(
            session,
            organisation_id=principal.organisation_id,
            collaboration_id=collaboration_id,
            data=data,
        )
        return agreement_document(session, created)

    return idempotency.respond(work)


@router.get(
    "/collaborations/{collaboration_id}/agreements",
    response_model=Paginated[AgreementPublic],
    responses={
        **problem_responses(404, 422),
        **examples.json_example(200, examples.page_of(AGREEMENT)),
    },
    summary="List agreements",
)
def list_agreements(
    collaboration_id: CollaborationId, session: SessionDep, principal: ReaderDep, page: PageDep
) -> Any:
    """The collaboration's agreements, oldest first, each with its `outcome`: the area's score
    (0-100) for the relationship in the round it was made (`before`) and the round it is
    checked (`after`), and the partners' `verdict` (1-5). Groups under the anonymity
    threshold are `suppressed` and carry no figures."""
    rows = agreements.list_agreements(
        session,
        organisation_id=principal.organisation_id,
        collaboration_id=collaboration_id,
        after_id=page.after_id,
        updated_since=page.updated_since,
        limit=page.limit + 1,
    )
    listed = paginate(rows, page)
    listed["items"] = agreement_documents(session, agreements=listed["items"])
    return listed


@router.get(
    "/agreements/{agreement_id}",
    response_model=AgreementPublic,
    responses={**problem_responses(404, 422), **examples.json_example(200, AGREEMENT)},
    summary="Get an agreement",
)
def get_agreement(agreement_id: AgreementId, session: SessionDep, principal: ReaderDep) -> Any:
    """One agreement with its outcome (see the list)."""
    found = agreements.get_agreement(
        session, organisation_id=principal.organisation_id, agreement_id=agreement_id
    )
    return agreement_document(session, found)


@router.patch(
    "/agreements/{agreement_id}",
    response_model=AgreementPublic,
    responses={**WRITE_ERRORS, **examples.json_example(200, {**AGREEMENT, "status": "kept"})},
    summary="Change an agreement",
)
def update_agreement(
    agreement_id: AgreementId,
    data: Annotated[
        AgreementUpdate, Body(openapi_examples={"kept": {"value": {"status": "kept"}}})
    ],
    session: SessionDep,
    principal: WriterDep,
) -> Any:
    """Change only the fields you send; null empties `area`, `target_party_id` and
    `check_round_id`. Once partners answered the follow-up, its parties and checking round
    stay as they are (409). Sends `agreement.changed`."""
    changed = agreements.update_agreement(
        session, organisation_id=principal.organisation_id, agreement_id=agreement_id, data=data
    )
    return agreement_document(session, changed)
