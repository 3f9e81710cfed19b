"""/participants/{id}/targets and /parties/{id}/targets: who rates whom."""

from typing import Annotated, Any

from fastapi import APIRouter, Body

from app.api import examples
from app.api.deps import ParticipantId, PartyId, SessionDep, WriterDep
from app.api.problems import problem_responses
from app.models.collaboration import ParticipantPublic, PartyTargetsPublic, TargetsUpdate
from app.services.setup import targets

router = APIRouter(tags=["collaborations"], responses=problem_responses(401, 403, 429))

ERRORS = problem_responses(400, 404, 413, 422)
ONLY_THE_CLIENT = {"value": {"target_party_ids": [1]}}
DEFAULT = {"value": {"target_party_ids": None}}
RATES_ONE = {**examples.PARTICIPANT, "target_party_ids": [12]}


@router.put(
    "/participants/{participant_id}/targets",
    response_model=ParticipantPublic,
    responses={**ERRORS, **examples.json_example(200, RATES_ONE)},
    summary="Choose the parties a participant rates",
)
def set_participant_targets(
    participant_id: ParticipantId,
    data: Annotated[
        TargetsUpdate, Body(openapi_examples={"one party": ONLY_THE_CLIENT, "default": DEFAULT})
    ],
    session: SessionDep,
    principal: WriterDep,
) -> Any:
    """The parties this participant is asked about in rounds opened from now on, e.g. a
    contractor's site manager who rates only the client. `null` restores the default:
    every other party. Invitations already made keep their targets."""
    return targets.set_participant_targets(
        session,
        organisation_id=principal.organisation_id,
        participant_id=participant_id,
        target_party_ids=data.target_party_ids,
    )


@router.put(
    "/parties/{party_id}/targets",
    response_model=PartyTargetsPublic,
    responses={**ERRORS, **examples.json_example(200, {"updated": 1, "items": [RATES_ONE]})},
    summary="Choose the parties every participant of a party rates",
)
def set_party_targets(
    party_id: PartyId,
    data: Annotated[
        TargetsUpdate, Body(openapi_examples={"one party": ONLY_THE_CLIENT, "default": DEFAULT})
    ],
    session: SessionDep,
    principal: WriterDep,
) -> Any:
    """The same targets for all current participants of the party at once, all or nothing;
    returns them. `null` restores the default (every other party)."""
    changed = targets.set_party_targets(
        session,
        organisation_id=principal.organisation_id,
        party_id=party_id,
        target_party_ids=data.target_party_ids,
    )
    return PartyTargetsPublic(
        updated=len(changed), items=[ParticipantPublic.model_validate(p) for p in changed]
    )
