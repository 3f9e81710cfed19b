"""GET /rounds/{id}/report.pdf: the round report as a PDF, in Dutch or English, read scope only."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.config import Settings
from app.models import AuditEvent
from app.services.setup import rounds
from tests.api.conftest import Caller, World, fresh, make_caller
from tests.factories import make_collaboration, make_round
from tests.services.test_dashboard import _answer_all
from tests.support.pdf import read_pdf


def _closed_round_with_answers(session: Session, world: World) -> int:
    opened = world.open
    for party in opened.parties:
        for token in opened.tokens_of(party):
            _answer_all(session, token, 5)
    round_id = opened.round.id or 0
    rounds.close_round(session, organisation_id=opened.organisation_id, round_id=round_id)
    return round_id


@pytest.mark.parametrize(
    ("language", "title", "zone"),
    [("en", "Trust in Circulaire bruggen", "Smart trust"), ("nl", "Vertrouwen in", "Wantrouwen")],
)
def test_the_report_downloads_as_a_pdf_in_the_asked_language(
    api: TestClient,
    session: Session,
    world: World,
    reader: Caller,
    language: str,
    title: str,
    zone: str,
) -> None:
    round_id = _closed_round_with_answers(session, world)
    response = api.get(
        f"/rounds/{round_id}/report.pdf", params={"language": language}, headers=reader.headers
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == (
        f'attachment; filename="trustmeter-report-round-1-{language}.pdf"'
    )
    pdf = read_pdf(response.content)
    assert pdf.title is not None and pdf.title.startswith(title)
    assert zone in pdf.text
    for party in world.open.parties:
        assert party.name in pdf.text
    fresh(session)
    (event,) = session.exec(select(AuditEvent)).all()
    assert (event.action, event.subject) == ("report.downloaded", f"round:{round_id}")


def test_an_unknown_language_is_refused_naming_the_field(
    api: TestClient, session: Session, world: World
) -> None:
    response = api.get(
        f"/rounds/{world.open.round.id}/report.pdf",
        params={"language": "de"},
        headers=world.caller.headers,
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["invalid_params"][0]["name"] == "language"


def test_a_draft_round_has_no_report(api: TestClient, session: Session, world: World) -> None:
    draft = make_round(
        session,
        organisation_id=world.caller.organisation_id,
        collaboration_id=world.open.collaboration.id or 0,
    )
    response = api.get(f"/rounds/{draft.id}/report.pdf", headers=world.caller.headers)
    assert response.status_code == 409
    assert "draft" in response.json()["detail"]


def test_another_organisations_round_is_not_found(
    api: TestClient, session: Session, settings: Settings, world: World
) -> None:
    stranger = make_caller(session, name="Andere praktijk")
    response = api.get(f"/rounds/{world.open.round.id}/report.pdf", headers=stranger.headers)
    assert response.status_code == 404
    for party in world.open.parties:
        assert party.name not in response.text
    fresh(session)
    assert session.exec(select(AuditEvent)).all() == []


def test_a_key_without_the_read_scope_is_refused(
    api: TestClient, session: Session, world: World
) -> None:
    writer = make_caller(session, name="Alleen schrijven", scopes=("write",))
    collaboration = make_collaboration(session, organisation_id=writer.organisation_id)
    own_round = make_round(
        session, organisation_id=writer.organisation_id, collaboration_id=collaboration.id or 0
    )
    response = api.get(f"/rounds/{own_round.id}/report.pdf", headers=writer.headers)
    assert response.status_code == 403
    assert "read" in response.json()["detail"]


def test_an_open_round_has_no_report_until_it_closes(api: TestClient, world: World) -> None:
    # Figures of an open round would move with every answer (issue 20, live differencing).
    response = api.get(f"/rounds/{world.open.round.id}/report.pdf", headers=world.caller.headers)
    assert response.status_code == 409
    assert response.json()["code"] == "report.open_round"
