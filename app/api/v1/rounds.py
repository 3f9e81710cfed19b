"""/collaborations/{id}/rounds and /rounds/{id}: create, open, close."""

from typing import Any

from fastapi import APIRouter

from app.api.deps import PageDep, ReaderDep, SessionDep, SettingsDep, WriterDep
from app.api.pagination import Paginated, paginate
from app.api.problems import problem_responses
from app.models.round import InvitationPublic, RoundCreate, RoundOpened, RoundPublic
from app.services import rounds
from app.services.invitation_tokens import survey_url

router = APIRouter(tags=["rounds"], responses=problem_responses(401, 403, 429))


@router.post(
    "/collaborations/{collaboration_id}/rounds",
    status_code=201,
    response_model=RoundPublic,
    responses=problem_responses(400, 404, 413, 422),
    summary="Create a round",
)
def create_round(
    collaboration_id: int, data: RoundCreate, session: SessionDep, principal: WriterDep
) -> Any:
    """A measurement wave, created as `draft`. It locks the questionnaire version."""
    return rounds.create_round(
        session,
        organisation_id=principal.organisation_id,
        collaboration_id=collaboration_id,
        data=data,
    )


@router.get(
    "/collaborations/{collaboration_id}/rounds",
    response_model=Paginated[RoundPublic],
    responses=problem_responses(404, 422),
    summary="List rounds",
)
def list_rounds(
    collaboration_id: int, session: SessionDep, principal: ReaderDep, page: PageDep
) -> Any:
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
    responses=problem_responses(404),
    summary="Get a round",
)
def get_round(round_id: int, session: SessionDep, principal: ReaderDep) -> Any:
    return rounds.get_round(session, organisation_id=principal.organisation_id, round_id=round_id)


@router.post(
    "/rounds/{round_id}/open",
    response_model=RoundOpened,
    responses=problem_responses(404, 409),
    summary="Open a round",
)
def open_round(
    round_id: int, session: SessionDep, principal: WriterDep, settings: SettingsDep
) -> Any:
    """Opens the round and makes one invitation per participant, each rating every other
    party. Tokens are returned once: calling again returns the same invitations without
    tokens, plus tokens for participants added since."""
    issued = rounds.open_round(
        session, organisation_id=principal.organisation_id, round_id=round_id, settings=settings
    )
    round_ = rounds.get_round(session, organisation_id=principal.organisation_id, round_id=round_id)
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
    "/rounds/{round_id}/close",
    response_model=RoundPublic,
    responses=problem_responses(404, 409),
    summary="Close a round",
)
def close_round(round_id: int, session: SessionDep, principal: WriterDep) -> Any:
    """Closes the round: later submissions are refused, `round.closed` webhooks fire."""
    return rounds.close_round(session, organisation_id=principal.organisation_id, round_id=round_id)


@router.get(
    "/rounds/{round_id}/invitations",
    response_model=list[InvitationPublic],
    responses=problem_responses(404),
    summary="List a round's invitations",
)
def list_invitations(round_id: int, session: SessionDep, principal: ReaderDep) -> Any:
    """Who was invited and who submitted (never what they answered)."""
    return rounds.list_invitations(
        session, organisation_id=principal.organisation_id, round_id=round_id
    )
