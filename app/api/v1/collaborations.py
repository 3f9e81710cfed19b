"""/collaborations, their /parties, and /parties/{id}/participants."""

from typing import Any

from fastapi import APIRouter

from app.api.deps import PageDep, ReaderDep, SessionDep, WriterDep
from app.api.pagination import Paginated, paginate
from app.api.problems import problem_responses
from app.models.collaboration import (
    CollaborationCreate,
    CollaborationPublic,
    CollaborationUpdate,
    ParticipantCreate,
    ParticipantPublic,
    PartyCreate,
    PartyPublic,
)
from app.services import collaborations

router = APIRouter(tags=["collaborations"], responses=problem_responses(401, 403, 429))

WRITE_ERRORS = problem_responses(400, 404, 409, 413, 422)


@router.post(
    "/collaborations",
    status_code=201,
    response_model=CollaborationPublic,
    responses=WRITE_ERRORS,
    summary="Create a collaboration",
)
def create_collaboration(
    data: CollaborationCreate, session: SessionDep, principal: WriterDep
) -> Any:
    """A new collaboration. `anonymity_threshold` (k) hides every group of fewer than k
    respondents; the cut-offs (0-100) split high from low propensity and analysis."""
    return collaborations.create_collaboration(
        session, organisation_id=principal.organisation_id, data=data
    )


@router.get(
    "/collaborations",
    response_model=Paginated[CollaborationPublic],
    responses=problem_responses(422),
    summary="List collaborations",
)
def list_collaborations(session: SessionDep, principal: ReaderDep, page: PageDep) -> Any:
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
    responses=problem_responses(404),
    summary="Get a collaboration",
)
def get_collaboration(collaboration_id: int, session: SessionDep, principal: ReaderDep) -> Any:
    return collaborations.get_collaboration(
        session, organisation_id=principal.organisation_id, collaboration_id=collaboration_id
    )


@router.patch(
    "/collaborations/{collaboration_id}",
    response_model=CollaborationPublic,
    responses=WRITE_ERRORS,
    summary="Change a collaboration's settings",
)
def update_collaboration(
    collaboration_id: int, data: CollaborationUpdate, session: SessionDep, principal: WriterDep
) -> Any:
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
    responses=WRITE_ERRORS,
    summary="Add a party",
)
def create_party(
    collaboration_id: int, data: PartyCreate, session: SessionDep, principal: WriterDep
) -> Any:
    """An organisation taking part, such as a municipality (`client`) or a contractor."""
    return collaborations.create_party(
        session,
        organisation_id=principal.organisation_id,
        collaboration_id=collaboration_id,
        data=data,
    )


@router.get(
    "/collaborations/{collaboration_id}/parties",
    response_model=Paginated[PartyPublic],
    responses=problem_responses(404, 422),
    summary="List parties",
)
def list_parties(
    collaboration_id: int, session: SessionDep, principal: ReaderDep, page: PageDep
) -> Any:
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
    responses=WRITE_ERRORS,
    summary="Add a participant",
)
def create_participant(
    party_id: int, data: ParticipantCreate, session: SessionDep, principal: WriterDep
) -> Any:
    """A person answering for the party. All fields are optional: a participant can stay
    anonymous to Trustmeter and be known to your system by `external_ref` only."""
    participant = collaborations.add_participant(
        session, organisation_id=principal.organisation_id, party_id=party_id, data=data
    )
    return ParticipantPublic.model_validate(participant, from_attributes=True)


@router.get(
    "/parties/{party_id}/participants",
    response_model=Paginated[ParticipantPublic],
    responses=problem_responses(404, 422),
    summary="List participants",
)
def list_participants(
    party_id: int, session: SessionDep, principal: ReaderDep, page: PageDep
) -> Any:
    rows = collaborations.list_participants(
        session,
        organisation_id=principal.organisation_id,
        party_id=party_id,
        after_id=page.after_id,
        updated_since=page.updated_since,
        limit=page.limit + 1,
    )
    return paginate(rows, page)
