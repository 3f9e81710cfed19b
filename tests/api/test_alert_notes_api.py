"""The trends document carries the note a coach made when acknowledging an alert."""

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.config import Settings
from app.models import Alert, Collaboration
from app.services import demo
from app.services.results import alerts
from tests.factories import make_api_key


def test_the_trends_document_shows_an_alerts_note(
    api: TestClient, session: Session, settings: Settings
) -> None:
    demo.load_demo(session, settings=settings)
    collaboration = session.exec(select(Collaboration)).one()
    alert = session.exec(select(Alert)).first()
    assert alert is not None and alert.id is not None
    alerts.acknowledge_alert(
        session,
        organisation_id=collaboration.organisation_id,
        alert_id=alert.id,
        user_id=None,
        note="Besproken in de stuurgroep.",
    )
    key = make_api_key(session, organisation_id=collaboration.organisation_id)
    response = api.get(
        f"/collaborations/{collaboration.id}/trends",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 200, response.text
    trends = response.json()
    found = next(a for a in trends["alerts"] if a["id"] == alert.id)
    assert found["acknowledged_note"] == "Besproken in de stuurgroep."
    assert found["acknowledged_at"] is not None
