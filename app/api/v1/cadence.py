"""/collaborations/{id}/cadence: the measuring rhythm that makes, opens and closes rounds."""

from typing import Annotated, Any

from fastapi import APIRouter, Body

from app.api import schedule_examples as examples
from app.api.deps import CollaborationId, ReaderDep, SessionDep, WriterDep
from app.api.examples import json_example
from app.api.problems import problem_responses
from app.models import utcnow
from app.models.schedule import CadencePublic, CadenceSet
from app.services.schedule import cadences

router = APIRouter(tags=["rounds"], responses=problem_responses(401, 403, 429))
PATH = "/collaborations/{collaboration_id}/cadence"


@router.put(
    PATH,
    response_model=CadencePublic,
    responses={**problem_responses(400, 404, 413, 422), **json_example(200, examples.CADENCE)},
    summary="Set the cadence",
)
def set_cadence(
    collaboration_id: CollaborationId,
    data: Annotated[
        CadenceSet, Body(openapi_examples={"quarterly": {"value": examples.CADENCE_SET}})
    ],
    session: SessionDep,
    principal: WriterDep,
) -> Any:
    """Measure every `every` `unit`s from `starts_at`, each round open for `open_days` days.
    The worker creates each round at its opening time (label with `{n}` replaced by its
    number), opens it (invitations are e-mailed) and closes it on time (alerts raised,
    `round.closed` sent). Replaces an existing cadence; `paused: true` stops making rounds
    until it is set to false again (openings missed meanwhile are skipped)."""
    cadence = cadences.set_cadence(
        session,
        organisation_id=principal.organisation_id,
        collaboration_id=collaboration_id,
        data=data,
        now=utcnow(),
    )
    return cadences.to_public(session, cadence)


@router.get(
    PATH,
    response_model=CadencePublic,
    responses={**problem_responses(404, 422), **json_example(200, examples.CADENCE)},
    summary="Get the cadence",
)
def get_cadence(
    collaboration_id: CollaborationId, session: SessionDep, principal: ReaderDep
) -> Any:
    """The collaboration's cadence and the next rounds it will make; 404 when it has none."""
    cadence = cadences.get_cadence(
        session, organisation_id=principal.organisation_id, collaboration_id=collaboration_id
    )
    return cadences.to_public(session, cadence)


@router.delete(
    PATH,
    response_model=CadencePublic,
    responses={
        **problem_responses(404, 422),
        **json_example(200, {**examples.CADENCE, "upcoming": []}),
    },
    summary="Remove the cadence",
)
def delete_cadence(
    collaboration_id: CollaborationId, session: SessionDep, principal: WriterDep
) -> Any:
    """Stops making rounds for good and returns the cadence as it was. Rounds it already
    made stay, and still open and close at their times."""
    cadence = cadences.delete_cadence(
        session, organisation_id=principal.organisation_id, collaboration_id=collaboration_id
    )
    return cadences.to_public(session, cadence, with_upcoming=False)
