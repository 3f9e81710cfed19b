"""/rounds/{id}/shares and /shares/{id}: read-only links for the feedback session."""

from typing import Annotated, Any

from fastapi import APIRouter, Body
from sqlmodel import Session

from app.api import examples
from app.api.deps import PageDep, ReaderDep, RoundId, SessionDep, SettingsDep, ShareId, WriterDep
from app.api.idempotency import IdempotencyDep
from app.api.pagination import Paginated, paginate
from app.api.problems import problem_responses
from app.models.share import ShareCreate, ShareCreated, SharePublic
from app.services.results import shares
from app.services.results.shares import ShareLink

router = APIRouter(tags=["shares"], responses=problem_responses(401, 403, 429))

SHARE = {
    "id": 1,
    "round_id": 1,
    "sections": ["matrix", "mirror"],
    "url": "https://trustmeter.example.org/r/Xb3k9QmA0vZ8pL2rT5wY7uN1cE4dF6gH",
    "expires_at": "2026-06-30T22:00:00Z",
    "revoked_at": None,
    "created_at": "2026-03-02T09:00:00Z",
}
SHARE_CREATED = {**SHARE, "token": "Xb3k9QmA0vZ8pL2rT5wY7uN1cE4dF6gH"}


def _public(link: ShareLink) -> dict[str, Any]:
    share = link.share
    return {
        "id": share.id,
        "round_id": share.round_id,
        "sections": share.sections,
        "url": link.url,
        "expires_at": share.expires_at,
        "revoked_at": share.revoked_at,
        "created_at": share.created_at,
    }


@router.post(
    "/rounds/{round_id}/shares",
    status_code=201,
    response_model=ShareCreated,
    responses={
        **problem_responses(400, 404, 409, 413, 422),
        **examples.json_example(201, SHARE_CREATED),
    },
    summary="Make a share link",
)
def create_share(
    round_id: RoundId,
    data: Annotated[
        ShareCreate,
        Body(openapi_examples={"session": {"value": {"sections": ["matrix", "mirror"]}}}),
    ],
    principal: WriterDep,
    settings: SettingsDep,
    idempotency: IdempotencyDep,
) -> Any:
    """A read-only link (`url`, `/r/{token}`) to chosen sections of the round's results for
    the feedback session with partners: `matrix`, `mirror` (per relationship, what A says
    about B beside what B says about A), `changes` (since the previous round), `agreements`.
    No account is needed to open it; it shows the figures of the coach's dashboard with the
    same suppression, never an individual answer, a participant's name or a coach note."""

    def work(session: Session) -> dict[str, Any]:
        link = shares.create_share(
            session,
            organisation_id=principal.organisation_id,
            round_id=round_id,
            data=data,
            settings=settings,
        )
        return {**_public(link), "token": link.token}

    return idempotency.respond(work)


@router.get(
    "/rounds/{round_id}/shares",
    response_model=Paginated[SharePublic],
    responses={
        **problem_responses(404, 422),
        **examples.json_example(200, examples.page_of(SHARE)),
    },
    summary="List a round's share links",
)
def list_shares(
    round_id: RoundId,
    session: SessionDep,
    principal: ReaderDep,
    settings: SettingsDep,
    page: PageDep,
) -> Any:
    """The round's links, revoked ones included (with `revoked_at`), oldest first."""
    rows = shares.list_shares(
        session,
        organisation_id=principal.organisation_id,
        round_id=round_id,
        after_id=page.after_id,
        updated_since=page.updated_since,
        limit=page.limit + 1,
    )
    listed = paginate(rows, page)
    listed["items"] = [_public(shares.link_of(share, settings)) for share in listed["items"]]
    return listed


@router.delete(
    "/shares/{share_id}",
    response_model=SharePublic,
    responses={
        **problem_responses(404, 422),
        **examples.json_example(200, {**SHARE, "revoked_at": "2026-03-09T16:30:00Z"}),
    },
    summary="Revoke a share link",
)
def revoke_share(
    share_id: ShareId, session: SessionDep, principal: WriterDep, settings: SettingsDep
) -> Any:
    """The link stops working at once: it answers 410 from now on. The link stays listed with
    its `revoked_at`; revoking it again changes nothing."""
    revoked = shares.revoke_share(
        session, organisation_id=principal.organisation_id, share_id=share_id
    )
    return _public(shares.link_of(revoked, settings))
