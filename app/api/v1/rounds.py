"""/collaborations/{id}/rounds and /rounds/{id}: create, open, close, invitations."""

from typing import Annotated, Any

from fastapi import APIRouter, Body
from sqlmodel import Session

from app.api import examples
from app.api.deps import (
    CollaborationId,
    PageDep,
    ReaderDep,
    RoundId,
    SessionDep,
    SettingsDep,
    WriterDep,
)
from app.api.idempotency import IdempotencyDep
from app.api.pagination import Paginated, paginate
from app.api.problems import problem_responses
from app.config import Settings
from app.models.round import InvitationPublic, RoundCreate, RoundOpened, RoundPublic
from app.services.access import lookups as access
from app.services.identity import replay_secrets
from app.services.setup import rounds
from app.services.setup.invitation_tokens import survey_url

router = APIRouter(tags=["rounds"], responses=problem_responses(401, 403, 429))


@router.post(
    "/collaborations/{collaboration_id}/rounds",
    status_code=201,
    response_model=RoundPublic,
    responses={
        **problem_responses(400, 404, 409, 413, 422),
        **examples.json_example(201, examples.ROUND),
    },
    summary="Create a round",
)
def create_round(
    collaboration_id: CollaborationId,
    data: Annotated[
        RoundCreate, Body(openapi_examples={"baseline": {"value": examples.ROUND_CREATE}})
    ],
    principal: WriterDep,
    idempotency: IdempotencyDep,
) -> Any:
    """A measurement wave, created as `draft`. It locks the questionnaire version, so every
    answer in it is scored the same way. `opens_at`/`closes_at` need a timezone."""
    return idempotency.respond(
        lambda session: rounds.create_round(
            session,
            organisation_id=principal.organisation_id,
            collaboration_id=collaboration_id,
            data=data,
        )
    )


@router.get(
    "/collaborations/{collaboration_id}/rounds",
    response_model=Paginated[RoundPublic],
    responses={
        **problem_responses(404, 422),
        **examples.json_example(200, examples.page_of(examples.ROUND)),
    },
    summary="List rounds",
)
def list_rounds(
    collaboration_id: CollaborationId, session: SessionDep, principal: ReaderDep, page: PageDep
) -> Any:
    """The rounds of one collaboration, oldest first."""
    rows = rounds.list_rounds(
        session,
        organisation_id=principal.organisation_id,
        collaboration_id=collaboration_id,
        after_id=page.after_id,
        updated_since=page.updated_since,
        limit=page.limit + 1,
    )
    return paginate(rows, page)


@router.get(
    "/rounds/{round_id}",
    response_model=RoundPublic,
    responses={**problem_responses(404, 422), **examples.json_example(200, examples.ROUND)},
    summary="Get a round",
)
def get_round(round_id: RoundId, session: SessionDep, principal: ReaderDep) -> Any:
    """One round: its status (`draft`, `open`, `closed`) and dates."""
    return access.get_round(session, organisation_id=principal.organisation_id, round_id=round_id)


def _open(session: Session, *, organisation_id: int, round_id: int, settings: Settings) -> Any:
    issued = rounds.open_round(
        session, organisation_id=organisation_id, round_id=round_id, settings=settings
    )
    round_ = access.get_round(session, organisation_id=organisation_id, round_id=round_id)
    invitations = [
        InvitationPublic(
            **item.invitation.model_dump(
                include=set(InvitationPublic.model_fields) - {"token", "url"}
            ),
            token=item.token,
            url=survey_url(settings.base_url, item.token) if item.token else None,
        )
        for item in issued
    ]
    return RoundOpened(
        round=RoundPublic.model_validate(round_, from_attributes=True), invitations=invitations
    )


@router.post(
    "/rounds/{round_id}/open",
    response_model=RoundOpened,
    responses={
        **problem_responses(404, 409, 422),
        **examples.json_example(200, examples.ROUND_OPENED),
    },
    summary="Open a round",
)
def open_round(
    round_id: RoundId, principal: WriterDep, settings: SettingsDep, idempotency: IdempotencyDep
) -> Any:
    """Opens the round and makes one invitation per participant, each rating every other
    party. Tokens are returned once: calling again returns the same invitations without
    tokens, plus tokens for participants added since. A replay (same `Idempotency-Key`)
    returns the first response, tokens included."""
    return idempotency.respond(
        lambda session: _open(
            session, organisation_id=principal.organisation_id, round_id=round_id, settings=settings
        ),
        secrets=replay_secrets.INVITATION_TOKENS,
    )


@router.post(
    "/rounds/{round_id}/close",
    response_model=RoundPublic,
    responses={
        **problem_responses(404, 409, 422),
        **examples.json_example(200, {**examples.ROUND, "status": "closed"}),
    },
    summary="Close a round",
)
def close_round(round_id: RoundId, principal: WriterDep, idempotency: IdempotencyDep) -> Any:
    """Closes the round: later submissions are refused, alerts are raised and
    `round.closed` webhooks fire. Closing a closed round changes nothing."""
    return idempotency.respond(
        lambda session: rounds.close_round(
            session, organisation_id=principal.organisation_id, round_id=round_id
        )
    )


@router.get(
    "/rounds/{round_id}/invitations",
    response_model=Paginated[InvitationPublic],
    responses={
        **problem_responses(404, 422),
        **examples.json_example(
            200, examples.page_of({**examples.INVITATION, "token": None, "url": None})
        ),
    },
    summary="List a round's invitations",
)
def list_invitations(
    round_id: RoundId, session: SessionDep, principal: ReaderDep, page: PageDep
) -> Any:
    """Who was invited and who submitted (never what they answered, never the tokens)."""
    rows = rounds.list_invitations(
        session,
        organisation_id=principal.organisation_id,
        round_id=round_id,
        after_id=page.after_id,
        updated_since=page.updated_since,
        limit=page.limit + 1,
    )
    return paginate(rows, page)
