"""Another organisation's ids answer 404 on every route: never 403, never data, never a change."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from app.models import (
    Agreement,
    AgreementCheck,
    AuditEvent,
    Collaboration,
    IdempotencyRecord,
    Invitation,
    Participant,
    Party,
    Questionnaire,
    Response,
    Round,
    RoundNote,
    Share,
    Webhook,
)
from tests.api.conftest import World, fresh
from tests.api.routes import REQUESTS, Operation, operation_ids, operations, request_for

# Routes without an id in the path act on the caller's own organisation by construction;
# each is checked below in its own way. A new one must be added here on purpose.
ORGANISATION_COLLECTIONS = {
    "GET /questionnaires",
    "POST /questionnaires",
    "GET /collaborations",
    "POST /collaborations",
    "GET /webhooks",
    "POST /webhooks",
}


def _snapshot(session: Session, world: World) -> dict[str, object]:
    """What the other organisation has: any change by the caller would show here."""
    fresh(session)
    collaboration_id = world.open.collaboration.id
    rows = {
        model.__name__: session.exec(select(func.count()).select_from(model)).one()
        for model in (
            Party,
            Participant,
            Round,
            Invitation,
            Response,
            Questionnaire,
            Webhook,
            AgreementCheck,
            RoundNote,
        )
    }
    return {
        **rows,
        "collaboration": session.get(Collaboration, collaboration_id).model_dump(),  # type: ignore[union-attr]
        "round": session.get(Round, world.open.round.id).model_dump(),  # type: ignore[union-attr]
        "webhook": session.get(Webhook, world.webhook_id).model_dump(),  # type: ignore[union-attr]
        "invitations": [i.status for i in session.exec(select(Invitation).order_by(Invitation.id))],
        "agreements": [
            a.model_dump() for a in session.exec(select(Agreement).order_by(Agreement.id))
        ],
        "shares": [s.model_dump() for s in session.exec(select(Share).order_by(Share.id))],
    }


@pytest.mark.parametrize("operation", operations(), ids=operation_ids())
def test_another_organisations_ids_answer_404_and_change_nothing(
    operation: Operation, api: TestClient, session: Session, world: World, other_world: World
) -> None:
    if not operation.params:
        assert str(operation) in ORGANISATION_COLLECTIONS, (
            f"{operation} takes no id: add it to ORGANISATION_COLLECTIONS with a check"
        )
        return
    before = _snapshot(session, other_world)
    request = request_for(operation, other_world.ids())
    kwargs = request.kwargs()
    headers = {**world.caller.headers, **kwargs.pop("headers", {})}
    response = api.request(
        operation.method, operation.url(other_world.ids()), headers=headers, **kwargs
    )
    assert response.status_code == 404, response.text
    assert response.headers["content-type"] == "application/problem+json"
    for party in other_world.open.parties:
        assert party.name not in response.text
    assert _snapshot(session, other_world) == before
    audit = session.exec(
        select(AuditEvent).where(AuditEvent.organisation_id == world.caller.organisation_id)
    ).all()
    assert audit == []
    assert session.exec(select(IdempotencyRecord)).all() == []


def test_lists_show_only_the_callers_own_resources(
    api: TestClient, world: World, other_world: World
) -> None:
    for path, own in (
        ("/collaborations", {world.open.collaboration.id}),
        ("/webhooks", {world.webhook_id}),
    ):
        items = api.get(path, headers=world.caller.headers).json()["items"]
        assert {item["id"] for item in items} == own
    questionnaires = api.get("/questionnaires", headers=world.caller.headers).json()["items"]
    ids = {item["id"] for item in questionnaires}
    assert world.questionnaire_id in ids and other_world.questionnaire_id not in ids


def test_created_resources_belong_to_the_caller_only(
    api: TestClient, world: World, other_world: World
) -> None:
    for operation in ("POST /collaborations", "POST /webhooks", "POST /questionnaires"):
        path = operation.split()[1]
        request = REQUESTS[operation](world.ids())
        created = api.post(path, headers=world.caller.headers, **request.kwargs())
        assert created.status_code == 201, created.text
        listing = "/questionnaires?limit=500" if path == "/questionnaires" else path
        theirs = api.get(listing, headers=other_world.caller.headers).json()["items"]
        assert created.json()["id"] not in {item["id"] for item in theirs}
