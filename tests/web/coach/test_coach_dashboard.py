"""The dashboard, report, exports, alerts and the served plotly.js, over HTTP."""

import json
import re
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.config import Settings
from app.models import Alert, AuditEvent, Collaboration, Participant, Party, Role
from app.services import demo
from app.services.answering import invitation_state
from app.web.plotly_assets import CARTESIAN_TRACES, plotly_assets
from tests.factories import make_open_collaboration
from tests.web.coach.conftest import Browser, browser_for

CHART = re.compile(
    r'<script type="application/json" data-chart="([^"]+)" nonce="([^"]+)">(.*?)</script>', re.S
)


@pytest.fixture
def demo_coach(client: TestClient, session: Session, settings: Settings) -> Browser:
    demo.load_demo(session, settings=settings)
    user = session.exec(select(demo.User).where(demo.User.email == demo.COACH_EMAIL)).one()
    return browser_for(client, user, demo.COACH_PASSWORD)


def _collaboration_id(session: Session) -> int:
    return session.exec(select(Collaboration)).one().id or 0


def charts_of(html: str) -> dict[str, Any]:
    return {chart_id: json.loads(body) for chart_id, _nonce, body in CHART.findall(html)}


def test_the_demo_dashboard_tells_the_four_round_story(
    demo_coach: Browser, session: Session
) -> None:
    page = demo_coach.get(f"/coach/collaborations/{_collaboration_id(session)}/dashboard")
    assert page.status_code == 200
    charts = charts_of(page.text)
    assert {"chart-matrix", "chart-trend-propensity", "chart-participation", "chart-gap"} <= set(
        charts
    )
    matrix = charts["chart-matrix"]
    assert [trace["text"] for trace in matrix["data"]] == [["1", "2", "3", "4"]] * 4
    annotations = matrix["layout"]["annotations"]
    zones = {a["text"] for a in annotations if a["text"] and not a["text"].isdigit()}
    assert zones == {"Blind vertrouwen", "Slim vertrouwen", "Geen vertrouwen", "Wantrouwen"}
    assert sorted(a["text"] for a in annotations if a["text"].isdigit()) == sorted("1234" * 4)
    assert "Provincie Utrecht" in page.text and "Significante daling" in page.text


def test_chart_data_is_embedded_with_the_pages_csp_nonce(
    demo_coach: Browser, session: Session
) -> None:
    page = demo_coach.get(f"/coach/collaborations/{_collaboration_id(session)}/dashboard")
    policy = page.headers["content-security-policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)  # type: ignore[union-attr]
    assert {found for _id, found, _body in CHART.findall(page.text)} == {nonce}
    version = plotly_assets().version
    assert f'<script src="/vendor/plotly-{version}.min.js" nonce="{nonce}" defer>' in page.text
    assert "cdn" not in page.text.lower()


def test_the_dashboard_never_shows_who_answered(demo_coach: Browser, session: Session) -> None:
    cid = _collaboration_id(session)
    names = [p.name for p in session.exec(select(Participant)) if p.name]
    for url in (f"/coach/collaborations/{cid}/dashboard", f"/coach/collaborations/{cid}/report"):
        page = demo_coach.get(url).text
        assert not [name for name in names if re.search(rf"\b{re.escape(name)}\b", page)], url


def test_the_round_selector_limits_the_trajectory(demo_coach: Browser, session: Session) -> None:
    cid = _collaboration_id(session)
    first_round = min(r.id for r in session.exec(select(demo.Round)))
    page = demo_coach.get(f"/coach/collaborations/{cid}/dashboard?round={first_round}")
    matrix = charts_of(page.text)["chart-matrix"]
    assert [trace["text"] for trace in matrix["data"]] == [["1"]] * 4


def test_a_group_under_the_threshold_reads_fewer_than_k(
    coach: Browser, session: Session, settings: Settings
) -> None:
    from app.models.response import AnswerIn
    from app.services.answering import responses
    from app.services.setup import rounds

    setup = make_open_collaboration(
        session, settings=settings, organisation_id=coach.user.organisation_id
    )
    token = setup.tokens_of(setup.parties[0])[0]
    context = invitation_state.load_invitation(session, token=token)
    answers = [
        AnswerIn(target_party_id=t, item_id=item.id, value=5)
        for t in context.invitation.target_party_ids
        for item in context.definition.items
    ]
    responses.submit_answers(session, token=token, answers=answers, final=True)
    rounds.close_round(session, organisation_id=setup.organisation_id, round_id=setup.round.id or 0)
    page = coach.get(f"/coach/collaborations/{setup.collaboration.id}/dashboard")
    assert page.status_code == 200
    assert "minder dan 3 antwoorden" in page.text
    matrix = charts_of(page.text)["chart-matrix"]
    assert all(trace["x"] == [] for trace in matrix["data"])


def test_a_collaboration_without_rounds_explains_the_empty_dashboard(
    coach: Browser, session: Session
) -> None:
    from tests.factories import make_collaboration

    collaboration = make_collaboration(session, organisation_id=coach.user.organisation_id)
    page = coach.get(f"/coach/collaborations/{collaboration.id}/dashboard")
    assert page.status_code == 200 and "Nog niets gemeten" in page.text
    assert charts_of(page.text) == {}


def test_the_printable_report_has_print_styles_and_the_rounds_tables(
    demo_coach: Browser, session: Session
) -> None:
    cid = _collaboration_id(session)
    page = demo_coach.get(f"/coach/collaborations/{cid}/report")
    assert page.status_code == 200  # the newest closed round: the open one has no figures yet
    assert "Rapport van de ronde: Halverwege uitvoering" in page.text
    assert "Rapport van de ronde: Evaluatie eerste jaar" not in page.text
    fourth = sorted(r.id for r in session.exec(select(demo.Round)))[3]
    page = demo_coach.get(f"/coach/collaborations/{cid}/report?round={fourth}")
    assert "Rapport van de ronde: Halverwege uitvoering" in page.text
    assert "data-print" in page.text and "coach.css" in page.text
    css = demo_coach.client.get("/static/css/coach.css").text
    assert "@media print" in css


@pytest.mark.parametrize(
    ("fmt", "media_type"),
    [
        ("csv", "text/csv"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("sav", "application/x-spss-sav"),
    ],
)
def test_exports_are_downloads_and_audited(
    demo_coach: Browser, session: Session, fmt: str, media_type: str
) -> None:
    answer = demo_coach.get(
        f"/coach/collaborations/{_collaboration_id(session)}/export?format={fmt}"
    )
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith(media_type)
    assert answer.headers["content-disposition"].startswith("attachment;")
    session.rollback()
    events = session.exec(select(AuditEvent)).all()
    assert [(e.action, e.user_id) for e in events] == [
        ("collaboration.exported", demo_coach.user.id)
    ]


def test_an_unknown_export_format_is_refused(demo_coach: Browser, session: Session) -> None:
    answer = demo_coach.get(f"/coach/collaborations/{_collaboration_id(session)}/export?format=pdf")
    assert answer.status_code == 422


def test_an_alert_is_acknowledged_by_an_editor_only(
    demo_coach: Browser, app: Any, session: Session
) -> None:
    cid = _collaboration_id(session)
    alert = session.exec(select(Alert)).first()
    assert alert is not None
    viewer_user = demo.organisations.create_user(
        session,
        organisation_id=demo_coach.user.organisation_id,
        email="kijker@example.org",
        password="a-long-test-password-42",
        role=Role.VIEWER,
    )
    with TestClient(app) as other:
        viewer = browser_for(other, viewer_user)
        refused = viewer.post(f"/coach/collaborations/{cid}/alerts/{alert.id}/acknowledge")
    assert refused.status_code == 403
    answer = demo_coach.post(f"/coach/collaborations/{cid}/alerts/{alert.id}/acknowledge")
    assert answer.status_code == 303
    session.refresh(alert)
    assert alert.acknowledged_by_id == demo_coach.user.id


def test_plotly_is_served_by_the_app_with_long_caching(client: TestClient) -> None:
    assets = plotly_assets()
    plain = client.get(
        f"/vendor/plotly-{assets.version}.min.js", headers={"Accept-Encoding": "identity"}
    )
    assert plain.status_code == 200 and plain.content == assets.js_path.read_bytes()
    assert b"plotly.js (cartesian - minified)" in plain.content[:200]
    assert "immutable" in plain.headers["cache-control"]
    packed = client.get(f"/vendor/plotly-{assets.version}.min.js")
    assert packed.headers["content-encoding"] == "gzip"
    assert packed.content == plain.content  # httpx unpacked what came gzipped
    css = client.get(f"/vendor/plotly-{assets.version}.css")
    assert ".js-plotly-plot .plotly .modebar" in css.text
    assert client.get("/vendor/plotly-000000000000.min.js").status_code == 404


def test_dashboards_asked_for_at_the_same_time_are_all_served(
    demo_coach: Browser, session: Session
) -> None:
    """Pages are built one at a time per process: callers wait their turn, none fails."""
    url = f"/coach/collaborations/{_collaboration_id(session)}/dashboard"
    alone = demo_coach.get(url)
    with ThreadPoolExecutor(max_workers=4) as pool:
        pages = list(pool.map(lambda _: demo_coach.get(url), range(4)))
    assert [page.status_code for page in pages] == [200] * 4
    assert all(charts_of(page.text) == charts_of(alone.text) for page in pages)


def test_the_dashboard_offers_csv_excel_and_spss(demo_coach: Browser, session: Session) -> None:
    page = demo_coach.get(f"/coach/collaborations/{_collaboration_id(session)}/dashboard").text
    for fmt, label in (("csv", "Exporteren als CSV"), ("sav", "SPSS exporteren")):
        assert f"/export?format={fmt}" in page and label in page


def test_a_dutch_coachs_csv_opens_in_columns_in_dutch_excel(
    demo_coach: Browser, session: Session
) -> None:
    import csv
    import io

    answer = demo_coach.get(f"/coach/collaborations/{_collaboration_id(session)}/export")
    assert answer.content.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads UTF-8
    text = answer.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), dialect=csv.excel, delimiter=";"))
    assert rows and "Meetronde" in rows[0] and "Fase van de samenwerking" in rows[0]
    phases = {row["Fase van de samenwerking"] for row in rows}
    assert phases <= {"voorbereiding", "aanbesteding", "uitvoering", "evaluatie", "anders"}
    hidden = next(k for k in rows[0] if k.startswith("Niet getoond"))
    assert {row[hidden] for row in rows} <= {"getoond", "niet getoond"}
    # Scales and levels by their Dutch names, not the variable codes a program reads.
    assert {row["Niveau: schaal of item"] for row in rows} == {"schaal", "item"}
    scales = {row["Schaal"] for row in rows}
    assert {"Bereidheid om te vertrouwen", "Analyse", "Integriteit"} <= scales
    assert not scales & {"propensity", "analysis", "integrity"}
    means = [row["Gemiddelde (schalen 0-100, items zoals beantwoord)"] for row in rows]
    shown = [m for m in means if m]
    assert shown and all("." not in m for m in shown) and any("," in m for m in shown)


def test_the_dashboard_offers_the_results_in_the_coachs_language(
    demo_coach: Browser, session: Session
) -> None:
    import csv
    import io

    from openpyxl import load_workbook

    cid = _collaboration_id(session)
    page = demo_coach.get(f"/coach/collaborations/{cid}/dashboard").text
    assert "/export?format=xlsx&amp;content=results" in page and "Resultaten (Excel)" in page
    answer = demo_coach.get(f"/coach/collaborations/{cid}/export?format=xlsx&content=results")
    assert answer.status_code == 200
    assert answer.headers["content-disposition"].endswith('-results.xlsx"')
    workbook = load_workbook(io.BytesIO(answer.content), read_only=True)
    header, *rows = [list(row) for row in workbook["data"].iter_rows(values_only=True)]
    figures = [dict(zip(header, row, strict=True)) for row in rows]
    assert {row["round_number"] for row in figures} == {1, 2, 3, 4}  # closed rounds only
    zones = {row["zone"] for row in figures}
    assert "slim vertrouwen" in zones and zones <= {
        "slim vertrouwen",
        "blind vertrouwen",
        "geen vertrouwen",
        "wantrouwen",
    }
    assert any(row["measure_label"] == "Bereidheid om te vertrouwen" for row in figures)
    labels = {row[0]: row[1] for row in workbook["labels"].iter_rows(values_only=True) if row[1]}
    assert labels["mean"] == "Gemiddelde (0-100)" and labels["ci_low"].startswith("95%-interval")
    # The same figures as a CSV that Dutch Excel opens in columns (";" and a BOM).
    assert "/export?format=csv&amp;content=results" in page and "Resultaten (CSV)" in page
    csv_answer = demo_coach.get(f"/coach/collaborations/{cid}/export?format=csv&content=results")
    assert csv_answer.status_code == 200 and csv_answer.content.startswith(b"\xef\xbb\xbf")
    first_line = csv_answer.content.decode("utf-8-sig").splitlines()[0]
    assert ";" in first_line and len(next(csv.reader([first_line], delimiter=";"))) > 5


def test_every_chart_uses_a_trace_type_the_served_partial_bundle_draws(
    demo_coach: Browser, session: Session
) -> None:
    cid = _collaboration_id(session)
    a, b = (p.id for p in session.exec(select(Party).order_by(Party.id)).all()[:2])
    pages = [
        f"/coach/collaborations/{cid}/dashboard?a={a}&b={b}",
        f"/coach/collaborations/{cid}/report",
    ]
    types = {
        trace.get("type", "scatter")
        for url in pages
        for figure in charts_of(demo_coach.get(url).text).values()
        for trace in figure["data"]
    }
    assert {"scatter", "heatmap"} <= types  # the page's charts were all seen
    assert types <= CARTESIAN_TRACES
