"""Collaboration settings: what an update may change, and what it may not empty."""

import pytest
from sqlmodel import Session

from app.errors import InvalidInput
from app.models.collaboration import CollaborationUpdate
from app.services.setup import collaborations
from tests.factories import make_collaboration, make_organisation


def test_automatic_reminders_can_be_switched_off_and_on(session: Session) -> None:
    organisation_id = make_organisation(session)
    collaboration = make_collaboration(session, organisation_id=organisation_id)
    assert collaboration.reminder_days_before_close == 3
    for value in (None, 5):
        updated = collaborations.update_collaboration(
            session,
            organisation_id=organisation_id,
            collaboration_id=collaboration.id,
            data=CollaborationUpdate(reminder_days_before_close=value),
        )
        assert updated.reminder_days_before_close == value


def test_a_required_setting_cannot_be_emptied(session: Session) -> None:
    organisation_id = make_organisation(session)
    collaboration = make_collaboration(session, organisation_id=organisation_id, name="Brug")
    with pytest.raises(InvalidInput) as refused:
        collaborations.update_collaboration(
            session,
            organisation_id=organisation_id,
            collaboration_id=collaboration.id,
            data=CollaborationUpdate(name=None, description="nieuw"),
        )
    assert [p.field for p in refused.value.problems] == ["name"]
    session.expire_all()
    unchanged = collaborations.get_collaboration(
        session, organisation_id=organisation_id, collaboration_id=collaboration.id
    )
    assert (unchanged.name, unchanged.description) == ("Brug", "")


def test_a_created_collaboration_keeps_reminders_off(session: Session) -> None:
    organisation_id = make_organisation(session)
    collaboration = make_collaboration(
        session, organisation_id=organisation_id, reminder_days_before_close=None
    )
    session.expire_all()
    stored = collaborations.get_collaboration(
        session, organisation_id=organisation_id, collaboration_id=collaboration.id
    )
    assert stored.reminder_days_before_close is None
