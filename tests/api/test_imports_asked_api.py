"""The import API refuses rows that were never asked, per row and column, and stores nothing."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from app.config import Settings
from app.models import Invitation, Response
from tests.api.conftest import Caller, fresh, make_caller
from tests.support.forms_world import FormsWorld, make_forms_world


@pytest.fixture
def forms(session: Session, settings: Settings, caller: Caller) -> FormsWorld:
    return make_forms_world(
        session, settings=settings, people=1, organisation_id=caller.organisation_id
    )


def _invitation_id(session: Session, forms: FormsWorld) -> int:
    """The invitation of the contractor's participant, who rates the client."""
    query = select(Invitation.id).where(Invitation.party_id == forms.contractor.id)
    invitation_id = session.exec(query).one()
    assert invitation_id is not None
    return invitation_id


def _stored(session: Session) -> int:
    fresh(session)
    return session.exec(select(func.count()).select_from(Response)).one()


def test_an_item_not_asked_about_the_partys_kind_is_a_row_error(
    api: TestClient, caller: Caller, session: Session, forms: FormsWorld
) -> None:
    invitation = _invitation_id(session, forms)
    rows = [
        {"invitation_id": invitation, "target_party": forms.client.id, "item_id": item, "value": 4}
        for item in ("prop_1", "capab_1")  # capab_1: only about those who deliver the work
    ]
    url = f"/rounds/{forms.round.id}/responses/import"
    refused = api.post(url, headers=caller.headers, json={"answers": rows})
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    [error] = refused.json()["errors"]
    assert (error["row"], error["column"]) == (1, "item_id")
    assert "not asked about 'Gemeente Utrecht'" in error["reason"]
    assert refused.json()["invalid_params"][0]["name"] == "row 1: item_id"
    assert _stored(session) == 0
    accepted = api.post(url, headers=caller.headers, json={"answers": rows[:1]})
    assert accepted.status_code == 200 and accepted.json()["responses"] == 1


def test_another_organisation_cannot_import_into_the_round(
    api: TestClient, session: Session, forms: FormsWorld
) -> None:
    stranger = make_caller(session, name="Provincie Elders")
    rows = [{"invitation_id": 1, "target_party": forms.client.id, "item_id": "prop_1", "value": 4}]
    url = f"/rounds/{forms.round.id}/responses/import"
    assert api.post(url, headers=stranger.headers, json={"answers": rows}).status_code == 404
    assert _stored(session) == 0
