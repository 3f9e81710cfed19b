"""/webhooks: subscribe a URL to events, list subscriptions with their last status, delete."""

from typing import Annotated, Any

from fastapi import APIRouter, Body
from sqlmodel import Session

from app.api import examples
from app.api.deps import PageDep, ReaderDep, SessionDep, SettingsDep, WebhookId, WriterDep
from app.api.idempotency import IdempotencyDep
from app.api.pagination import Paginated, paginate
from app.api.problems import problem_responses
from app.config import Settings
from app.models.outbox import WebhookCreate, WebhookCreated, WebhookPublic
from app.services.identity import replay_secrets
from app.services.messaging import webhooks

router = APIRouter(tags=["webhooks"], responses=problem_responses(401, 403, 429))

CREATE_DESCRIPTION = """Deliver `response.submitted`, `round.closed`, `alert.raised` and/or
`agreement.changed` events to `url` (`agreement.changed` comes with `data.change`: `created` or
`updated`, and the agreement's ids and status). The response holds the signing `secret`,
shown this once (a replay with the same `Idempotency-Key` shows it again).

Each delivery is a POST with a JSON body `{id, event, occurred_at, data}` and the headers
`Trustmeter-Event`, `Trustmeter-Delivery` (stable across retries), `Trustmeter-Timestamp`
(Unix seconds) and `Trustmeter-Signature: v1=<hex>`, the HMAC-SHA256 of
`"<timestamp>.<raw body>"` keyed with the webhook's secret. Compare it in constant time and
refuse timestamps older than a few minutes. Answer 2xx within 5 seconds; anything else is
retried with growing delays.

Rules the schema cannot express, answered 422 naming `url`: an IP literal must be a valid
address and a host name at most 253 characters; in production the URL must use https and its
host must not be (or resolve to) a loopback, private, link-local, multicast or reserved
address."""


def _create(
    session: Session, *, organisation_id: int, data: WebhookCreate, settings: Settings
) -> WebhookCreated:
    created = webhooks.create_webhook(
        session, organisation_id=organisation_id, data=data, settings=settings
    )
    public = WebhookPublic.model_validate(created.webhook, from_attributes=True)
    return WebhookCreated(**public.model_dump(), secret=created.secret)


@router.post(
    "/webhooks",
    status_code=201,
    response_model=WebhookCreated,
    responses={
        **problem_responses(400, 409, 413, 422),
        **examples.json_example(201, examples.WEBHOOK_CREATED),
    },
    summary="Subscribe to events",
    description=CREATE_DESCRIPTION,
)
def create_webhook(
    data: Annotated[
        WebhookCreate, Body(openapi_examples={"portal": {"value": examples.WEBHOOK_CREATE}})
    ],
    principal: WriterDep,
    settings: SettingsDep,
    idempotency: IdempotencyDep,
) -> Any:
    return idempotency.respond(
        lambda session: _create(
            session, organisation_id=principal.organisation_id, data=data, settings=settings
        ),
        secrets=replay_secrets.WEBHOOK_SECRET,
    )


@router.get(
    "/webhooks",
    response_model=Paginated[WebhookPublic],
    responses={
        **problem_responses(422),
        **examples.json_example(200, examples.page_of(examples.WEBHOOK)),
    },
    summary="List webhooks",
)
def list_webhooks(session: SessionDep, principal: ReaderDep, page: PageDep) -> Any:
    """Your webhooks, active and deleted, each with the status of its latest delivery."""
    rows = webhooks.list_webhooks(
        session,
        organisation_id=principal.organisation_id,
        after_id=page.after_id,
        updated_since=page.updated_since,
        limit=page.limit + 1,
    )
    return paginate(rows, page)


@router.get(
    "/webhooks/{webhook_id}",
    response_model=WebhookPublic,
    responses={**problem_responses(404, 422), **examples.json_example(200, examples.WEBHOOK)},
    summary="Get a webhook",
)
def get_webhook(webhook_id: WebhookId, session: SessionDep, principal: ReaderDep) -> Any:
    """One webhook and the status of its latest delivery (never its secret)."""
    return webhooks.get_webhook(
        session, organisation_id=principal.organisation_id, webhook_id=webhook_id
    )


@router.delete(
    "/webhooks/{webhook_id}",
    response_model=WebhookPublic,
    responses={
        **problem_responses(404, 422),
        **examples.json_example(200, {**examples.WEBHOOK, "is_active": False}),
    },
    summary="Delete a webhook",
)
def delete_webhook(webhook_id: WebhookId, session: SessionDep, principal: WriterDep) -> Any:
    """Stops deliveries at once, including queued ones. The webhook stays listed as
    inactive so its history remains visible."""
    return webhooks.deactivate_webhook(
        session, organisation_id=principal.organisation_id, webhook_id=webhook_id
    )
