"""The dashboard's "Download report (PDF)": the form, the download, and its refusals."""

import re

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.config import Settings
from app.models import Round
from app.services.setup import rounds
from tests.factories import make_open_collaboration, make_organisation
from tests.services.test_dashboard import _answer_all
from tests.support.pdf import read_pdf
from tests.web.coach.conftest import Browser


def _measured_round(session: Session, settings: Settings, organisation_id: int) -> Round:
    setup = make_open_collaboration(session, settings=settings, organisation_id=organisation_id)
    for party in setup.parties:
        for token in setup.tokens_of(party):
            _answer_all(session, token, 6)
    rounds.close_round(session, organisation_id=organisation_id, round_id=setup.round.id or 0)
    return setup.round


def test_the_dashboard_offers_the_selected_rounds_report_in_either_language(
    viewer: Browser, session: Session, settings: Settings
) -> None:
    round_ = _measured_round(session, settings, viewer.user.organisation_id)
    page = viewer.get(f"/coach/collaborations/{round_.collaboration_id}/dashboard")
    form = re.search(
        r'<form method="get" action="([^"]+)" class="cluster report-download"', page.text
    )
    assert form is not None and form.group(1) == f"/coach/rounds/{round_.id}/report.pdf"
    assert 'name="language"' in page.text and ">English</option>" in page.text

    download = viewer.get(f"/coach/rounds/{round_.id}/report.pdf?language=en")
    assert download.status_code == 200
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["content-disposition"].startswith("attachment;")
    pdf = read_pdf(download.content)
    assert pdf.title == "Trust in Circulaire bruggen – Nulmeting"  # noqa: RUF001
    assert "Smart trust" in pdf.text


def test_without_a_language_the_coach_gets_their_own(
    coach: Browser, session: Session, settings: Settings
) -> None:
    round_ = _measured_round(session, settings, coach.user.organisation_id)
    download = coach.get(f"/coach/rounds/{round_.id}/report.pdf")
    assert download.status_code == 200
    assert read_pdf(download.content).title.startswith("Vertrouwen in")  # type: ignore[union-attr]


def test_an_unknown_language_is_refused(
    coach: Browser, session: Session, settings: Settings
) -> None:
    round_ = _measured_round(session, settings, coach.user.organisation_id)
    answer = coach.get(f"/coach/rounds/{round_.id}/report.pdf?language=fr")
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("text/html")


def test_another_organisations_round_is_not_found(
    coach: Browser, session: Session, settings: Settings
) -> None:
    other = make_organisation(session, name="Andere praktijk")
    round_ = _measured_round(session, settings, other)
    answer = coach.get(f"/coach/rounds/{round_.id}/report.pdf")
    assert answer.status_code == 404
    assert "Circulaire bruggen" not in answer.text


def test_signing_in_comes_first(client: TestClient, session: Session, settings: Settings) -> None:
    round_ = _measured_round(session, settings, make_organisation(session))
    answer = client.get(f"/coach/rounds/{round_.id}/report.pdf", follow_redirects=False)
    assert answer.status_code in (302, 303, 401)
    assert not answer.content.startswith(b"%PDF")
