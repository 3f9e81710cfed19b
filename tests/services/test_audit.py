"""The audit log: who viewed scores, trends and dashboards, or exported them."""

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.config import Settings
from app.models import ApiKey, AuditEvent, utcnow
from app.security import hash_token
from app.services.privacy import audit
from app.services.setup import rounds
from tests.factories import make_api_key, make_open_collaboration, make_organisation, make_user
from tests.web.coach.conftest import browser_for


def _events(session: Session) -> list[AuditEvent]:
    session.rollback()  # see what the app committed
    return list(session.exec(select(AuditEvent).order_by(AuditEvent.id)))  # type: ignore[arg-type]


def test_a_view_is_recorded_once_per_viewer_and_quarter_hour(session: Session) -> None:
    organisation_id = make_organisation(session)
    user = make_user(session, organisation_id=organisation_id)
    start = utcnow()

    def view(user_id: int | None, minutes: int) -> bool:
        return audit.record_view(
            session,
            organisation_id=organisation_id,
            action="scores.viewed",
            subject="round:1",
            user_id=user_id,
            now=start + timedelta(minutes=minutes),
        )

    written = [view(user.id, 0), view(user.id, 5), view(None, 0), view(user.id, 16)]

    assert written == [True, False, True, True]
    assert [event.user_id for event in _events(session)] == [user.id, None, user.id]


@pytest.mark.parametrize(
    ("path", "action", "subject"),
    [
        ("/api/v1/rounds/{round_id}/scores", "scores.viewed", "round:{round_id}"),
        (
            "/api/v1/collaborations/{collaboration_id}/trends",
            "trends.viewed",
            "collaboration:{collaboration_id}",
        ),
    ],
)
def test_reading_results_through_the_api_is_audited_with_the_key(
    client: TestClient,
    session: Session,
    settings: Settings,
    path: str,
    action: str,
    subject: str,
) -> None:
    world = make_open_collaboration(session, settings=settings)
    key = make_api_key(session, organisation_id=world.organisation_id)
    ids = {"round_id": world.round.id, "collaboration_id": world.collaboration.id}
    rounds.close_round(session, organisation_id=world.organisation_id, round_id=world.round.id)

    answer = client.get(path.format(**ids), headers={"Authorization": f"Bearer {key}"})

    assert answer.status_code == 200, answer.text
    api_key = session.exec(select(ApiKey).where(ApiKey.key_hash == hash_token(key))).one()
    events = _events(session)
    assert [(e.action, e.subject, e.api_key_id) for e in events] == [
        (action, subject.format(**ids), api_key.id)
    ]


def test_a_refused_read_leaves_no_audit_trace(
    client: TestClient, session: Session, settings: Settings
) -> None:
    world = make_open_collaboration(session, settings=settings)
    stranger = make_api_key(session, organisation_id=make_organisation(session, name="Elders"))

    answer = client.get(
        f"/api/v1/rounds/{world.round.id}/scores",
        headers={"Authorization": f"Bearer {stranger}"},
    )

    assert answer.status_code == 404
    assert _events(session) == []


def test_a_coach_opening_the_dashboard_is_audited(
    client: TestClient, session: Session, settings: Settings
) -> None:
    world = make_open_collaboration(session, settings=settings)
    user = make_user(session, organisation_id=world.organisation_id)
    coach = browser_for(client, user)

    for suffix in ("dashboard", "report"):
        page = coach.get(f"/coach/collaborations/{world.collaboration.id}/{suffix}")
        assert page.status_code == 200

    events = _events(session)
    subject = f"collaboration:{world.collaboration.id}"
    assert [(e.action, e.subject, e.user_id) for e in events] == [
        ("dashboard.viewed", subject, user.id),
        ("report.viewed", subject, user.id),
    ]
