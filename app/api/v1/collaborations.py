"""/collaborations, their /parties, and /parties/{id}/participants."""

from typing import Annotated, Any

from fastapi import APIRouter, Body

from app.api import examples
from app.api.deps import CollaborationId, PageDep, PartyId, ReaderDep, SessionDep, WriterDep
from app.api.idempotency import IdempotencyDep
from app.api.pagination import Paginated, paginate
from app.api.problems import problem_responses
from app.models.collaboration import (
    CollaborationCreate,
    CollaborationPublic,
    CollaborationUpdate,
    ParticipantBatch,
    ParticipantBatchPublic,
    ParticipantCreate,
    ParticipantPublic,
    PartyCreate,
    PartyPublic,
)
from app.services.setup import collaborations, participant_batch

router = APIRouter(tags=["collaborations"], responses=problem_responses(401, 403, 429))

CREATE_ERRORS = problem_responses(400, 404, 409, 413, 422)
LIST_ERRORS = problem_responses(404, 422)


@router.post(
    "/collaborations",
    status_code=201,
    response_model=CollaborationPublic,
    responses={**CREATE_ERRORS, **examples.json_example(201, examples.COLLABORATION)},
    summary="Create a collaboration",
)
def create_collaboration(
    data: Annotated[
        CollaborationCreate,
        Body(openapi_examples={"asphalt": {"value": examples.COLLABORATION_CREATE}}),
    ],
    principal: WriterDep,
    idempotency: IdempotencyDep,
) -> Any:
    """A new collaboration. `anonymity_threshold` (k) hides every group of fewer than k
    respondents; the cut-offs (0-100) split high from low propensity and analysis;
    `identified_mode` allows exports with individual rows."""
    return idempotency.respond(
        lambda session: collaborations.create_collaboration(
            session, organisation_id=principal.organisation_id, data=data
        )
    )


@router.get(
    "/collaborations",
    response_model=Paginated[CollaborationPublic],
    responses={
        **LIST_ERRORS,
        **examples.json_example(200, examples.page_of(examples.COLLABORATION)),
    },
    summary="List collaborations",
)
def list_collaborations(session: SessionDep, principal: ReaderDep, page: PageDep) -> Any:
    """Your organisation's collaborations, oldest first."""
    rows = collaborations.list_collaborations(
        session,
        organisation_id=principal.organisation_id,
        after_id=page.after_id,
        updated_since=page.updated_since,
        limit=page.limit + 1,
    )
    return paginate(rows, page)


@router.get(
    "/collaborations/{collaboration_id}",
    response_model=CollaborationPublic,
    responses={**problem_responses(404, 422), **examples.json_example(200, examples.COLLABORATION)},
    summary="Get a collaboration",
)
def get_collaboration(
    collaboration_id: CollaborationId, session: SessionDep, principal: ReaderDep
) -> Any:
    """One collaboration with its settings."""
    return collaborations.get_collaboration(
        session, organisation_id=principal.organisation_id, collaboration_id=collaboration_id
    )


@router.patch(
    "/collaborations/{collaboration_id}",
    response_model=CollaborationPublic,
    responses={**CREATE_ERRORS, **examples.json_example(200, examples.COLLABORATION)},
    summary="Change a collaboration's settings",
)
def update_collaboration(
    collaboration_id: CollaborationId,
    data: Annotated[
        CollaborationUpdate,
        Body(openapi_examples={"stricter": {"value": examples.COLLABORATION_UPDATE}}),
    ],
    session: SessionDep,
    principal: WriterDep,
) -> Any:
    """Change only the fields you send; the others keep their values.

    Once any answers exist, the anonymity promise made to the partners can only become
    stricter: `anonymity_threshold` may rise but not fall, and `identified_mode` may be
    switched off but not on. A loosening is refused with 422 naming the field
    (code `collaboration.anonymity_looser`) and changes nothing; the schema cannot express a
    rule that depends on the stored answers."""
    return collaborations.update_collaboration(
        session,
        organisation_id=principal.organisation_id,
        collaboration_id=collaboration_id,
        data=data,
    )


@router.post(
    "/collaborations/{collaboration_id}/parties",
    status_code=201,
    response_model=PartyPublic,
    responses={**CREATE_ERRORS, **examples.json_example(201, examples.PARTY)},
    summary="Add a party",
)
def create_party(
    collaboration_id: CollaborationId,
    data: Annotated[
        PartyCreate, Body(openapi_examples={"client": {"value": examples.PARTY_CREATE}})
    ],
    principal: WriterDep,
    idempotency: IdempotencyDep,
) -> Any:
    """An organisation taking part, such as a municipality (`client`) or a contractor.
    Party names are unique within a collaboration (409 otherwise)."""
    return idempotency.respond(
        lambda session: collaborations.create_party(
            session,
            organisation_id=principal.organisation_id,
            collaboration_id=collaboration_id,
            data=data,
        )
    )


@router.get(
    "/collaborations/{collaboration_id}/parties",
    response_model=Paginated[PartyPublic],
    responses={**LIST_ERRORS, **examples.json_example(200, examples.page_of(examples.PARTY))},
    summary="List parties",
)
def list_parties(
    collaboration_id: CollaborationId, session: SessionDep, principal: ReaderDep, page: PageDep
) -> Any:
    """The parties of one collaboration, oldest first."""
    rows = collaborations.list_parties(
        session,
        organisation_id=principal.organisation_id,
        collaboration_id=collaboration_id,
        after_id=page.after_id,
        updated_since=page.updated_since,
        limit=page.limit + 1,
    )
    return paginate(rows, page)


@router.post(
    "/parties/{party_id}/participants",
    status_code=201,
    response_model=ParticipantPublic,
    responses={**CREATE_ERRORS, **examples.json_example(201, examples.PARTICIPANT)},
    summary="Add a participant",
)
def create_participant(
    party_id: PartyId,
    data: Annotated[
        ParticipantCreate, Body(openapi_examples={"known": {"value": examples.PARTICIPANT_CREATE}})
    ],
    principal: WriterDep,
    idempotency: IdempotencyDep,
) -> Any:
    """A person answering for the party. All fields are optional: a participant can stay
    anonymous to Trustmeter and be known to your system by `external_ref` only (unique
    within the collaboration, 409 otherwise)."""
    return idempotency.respond(
        lambda session: collaborations.add_participant(
            session, organisation_id=principal.organisation_id, party_id=party_id, data=data
        )
    )


@router.post(
    "/parties/{party_id}/participants:batch",
    status_code=201,
    response_model=ParticipantBatchPublic,
    responses={
        **CREATE_ERRORS,
        **examples.json_example(201, {"created": 1, "items": [examples.PARTICIPANT]}),
    },
    summary="Add many participants at once",
)
def create_participants_batch(
    party_id: PartyId,
    data: Annotated[
        ParticipantBatch,
        Body(openapi_examples={"two": {"value": examples.PARTICIPANT_BATCH}}),
    ],
    principal: WriterDep,
    idempotency: IdempotencyDep,
) -> Any:
    """Up to 5,000 participants in one request, all or nothing. Invalid fields give 422 and
    clashes of `external_ref` with existing participants 409, both with one `invalid_params`
    entry per row (`participants.<index>.<field>`); nothing is added then. Send an
    `Idempotency-Key` so that a retry after a lost answer does not add them twice."""
    return idempotency.respond(
        lambda session: _batch_created(
            participant_batch.add_participants(
                session,
                organisation_id=principal.organisation_id,
                party_id=party_id,
                rows=data.participants,
            )
        )
    )


def _batch_created(participants: list[Any]) -> dict[str, Any]:
    return {"created": len(participants), "items": participants}


@router.get(
    "/parties/{party_id}/participants",
    response_model=Paginated[ParticipantPublic],
    responses={**LIST_ERRORS, **examples.json_example(200, examples.page_of(examples.PARTICIPANT))},
    summary="List participants",
)
def list_participants(
    party_id: PartyId, session: SessionDep, principal: ReaderDep, page: PageDep
) -> Any:
    """The participants of one party, oldest first."""
    rows = collaborations.list_participants(
        session,
        organisation_id=principal.organisation_id,
        party_id=party_id,
        after_id=page.after_id,
        updated_since=page.updated_since,
        limit=page.limit + 1,
    )
    return paginate(rows, page)
