"""/participants/{id}: correct a participant; /invitations/{id}/link: a new personal link;
/rounds/{id}/deliveries: what happened to each invitation e-mail."""

from typing import Annotated, Any

from fastapi import APIRouter, Body

from app.api import schedule_examples as examples
from app.api.deps import (
    InvitationId,
    ParticipantId,
    ReaderDep,
    RoundId,
    SessionDep,
    SettingsDep,
    WriterDep,
)
from app.api.examples import json_example
from app.api.idempotency import IdempotencyDep
from app.api.problems import problem_responses
from app.models import utcnow
from app.models.collaboration import ParticipantPublic
from app.models.participant_changes import (
    LinkReissue,
    LinkReissued,
    ParticipantUpdate,
    RoundDeliveries,
)
from app.services.messaging import invitation_delivery
from app.services.setup import participant_changes

router = APIRouter(tags=["collaborations"], responses=problem_responses(401, 403, 429))


@router.patch(
    "/participants/{participant_id}",
    response_model=ParticipantPublic,
    responses={
        **problem_responses(400, 404, 413, 422),
        **json_example(200, examples.PARTICIPANT_UPDATED),
    },
    summary="Correct a participant",
)
def update_participant(
    participant_id: ParticipantId,
    data: Annotated[
        ParticipantUpdate, Body(openapi_examples={"moved": {"value": examples.PARTICIPANT_UPDATE}})
    ],
    session: SessionDep,
    principal: WriterDep,
) -> Any:
    """Change the name, e-mail address, language or party; fields left out keep their value.
    A new e-mail address is used by the next e-mail (also "send again"). A move to another
    party applies to invitations the participant has not started; answers already saved stay
    with the party they were given for."""
    return participant_changes.update_participant(
        session, organisation_id=principal.organisation_id, participant_id=participant_id, data=data
    )


@router.post(
    "/invitations/{invitation_id}/link",
    response_model=LinkReissued,
    responses={
        **problem_responses(400, 404, 409, 413, 422),
        **json_example(200, examples.LINK_REISSUED),
    },
    summary="Issue a new personal link",
)
def reissue_link(
    invitation_id: InvitationId,
    data: Annotated[LinkReissue, Body(openapi_examples={"mail": {"value": examples.LINK_REISSUE}})],
    principal: WriterDep,
    settings: SettingsDep,
    idempotency: IdempotencyDep,
) -> Any:
    """The old link stops working at once; answers already saved stay with the participant
    and are there behind the new link (in the questionnaire, with the partner's same resume
    code). The round must be open (409 otherwise)."""

    def work(session: Any) -> LinkReissued:
        issued = participant_changes.reissue_link(
            session,
            organisation_id=principal.organisation_id,
            invitation_id=invitation_id,
            settings=settings,
            api_key_id=principal.api_key_id,
            send_email=data.send_email,
        )
        return LinkReissued(
            invitation_id=invitation_id,
            token=issued.token,
            url=issued.url,
            emailed=issued.emailed,
            reissued_at=utcnow(),
        )

    return idempotency.respond(work, secrets=participant_changes.REISSUED_LINK_SECRET)


@router.get(
    "/rounds/{round_id}/deliveries",
    response_model=RoundDeliveries,
    responses={**problem_responses(404, 422), **json_example(200, examples.DELIVERIES)},
    summary="Invitation e-mail delivery",
)
def list_deliveries(round_id: RoundId, session: SessionDep, principal: ReaderDep) -> Any:
    """Per invitation, the state of its e-mail: queued, sent, failed with the reason, or
    bounced when the server refused the address. Never whether someone answered."""
    return invitation_delivery.round_deliveries(
        session, organisation_id=principal.organisation_id, round_id=round_id
    )
