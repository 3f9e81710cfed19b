"""Older rounds' alerts are one line on the dashboard, with a page of their own: paged, told
the same way, marked as seen there with a note, and closed to other organisations."""

import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, func, select

from app.config import Settings
from app.models import Alert, AlertKind, AuditEvent, Collaboration, Party, Role, Round
from app.models.round import RoundCreate
from app.services import demo
from app.services.setup import questionnaires, rounds
from tests.factories import make_collaboration, make_organisation
from tests.web.coach.conftest import Browser, browser_for, other_browser


@pytest.fixture
def demo_coach(client: TestClient, session: Session, settings: Settings) -> Browser:
    demo.load_demo(session, settings=settings)
    user = session.exec(select(demo.User).where(demo.User.email == demo.COACH_EMAIL)).one()
    return browser_for(client, user, demo.COACH_PASSWORD)


def _collaboration(session: Session) -> Collaboration:
    return session.exec(select(Collaboration)).one()


def _round_ids(session: Session) -> list[int]:
    """The demo's four closed rounds, in their order."""
    by_label = {r.label: r.id or 0 for r in session.exec(select(Round)).all()}
    return [by_label[label] for label, *_rest in demo.ROUNDS]


def _alerts_of(session: Session, round_id: int) -> list[Alert]:
    return list(session.exec(select(Alert).where(Alert.round_id == round_id)).all())


def _add_declines(session: Session, round_id: int, how_many: int) -> list[Alert]:
    """`how_many` more decline alerts in the round, one per relationship and measure."""
    session.rollback()  # a read snapshot older than the app's last write cannot write
    collaboration = _collaboration(session)
    parties = [p.id or 0 for p in session.exec(select(Party).order_by(col(Party.id))).all()]
    taken = {(a.party_id, a.target_party_id, a.measure) for a in _alerts_of(session, round_id)}
    free = [
        (truster, target, measure)
        for truster in parties
        for target in [*parties, None]
        if truster != target
        for measure in ("propensity", "analysis", "integrity", "competence", "results")
        if (truster, target, measure) not in taken
    ]
    assert len(free) >= how_many
    made = [
        Alert(
            collaboration_id=collaboration.id or 0,
            round_id=round_id,
            party_id=truster,
            target_party_id=target,
            kind=AlertKind.DECLINE,
            measure=measure,
            detail={"mean_before": 61.0, "mean_after": 48.0, "ci_low": -19.0, "ci_high": -7.0},
        )
        for truster, target, measure in free[:how_many]
    ]
    session.add_all(made)
    session.commit()
    return made


def _items(html: str) -> list[int]:
    return [
        int(found) for found in re.findall(r'<li class="alert-item[^"]*" id="alert-(\d+)"', html)
    ]


def test_the_dashboard_tells_the_newest_and_chosen_rounds_and_counts_the_others(
    demo_coach: Browser, session: Session
) -> None:
    collaboration = _collaboration(session)
    ids = _round_ids(session)
    with_alerts = [r for r in ids if _alerts_of(session, r)]
    assert len(with_alerts) >= 3, "the demo has alerts in several rounds"
    newest, chosen, only_counted = with_alerts[-1], with_alerts[0], with_alerts[1:-1]
    html = demo_coach.get(f"/coach/collaborations/{collaboration.id}/dashboard?round={chosen}").text
    told = {a.id for r in (newest, chosen) for a in _alerts_of(session, r)}
    assert set(_items(html)) == told
    for round_id in only_counted:
        link = f'href="/coach/collaborations/{collaboration.id}/alerts?round={round_id}"'
        assert link in html
        count = len(_alerts_of(session, round_id))
        line = html[html.index(link) : html.index("</li>", html.index(link))]
        assert f"{count} signa" in line
        assert not {a.id for a in _alerts_of(session, round_id)} & set(_items(html))


def test_a_round_with_more_alerts_than_the_dashboard_shows_links_to_all_of_them(
    demo_coach: Browser, session: Session
) -> None:
    collaboration = _collaboration(session)
    newest = _round_ids(session)[-1]
    _add_declines(session, newest, 60)
    total = len(_alerts_of(session, newest))
    html = demo_coach.get(f"/coach/collaborations/{collaboration.id}/dashboard").text
    assert f"De nieuwste 50 van {total} signalen van deze ronde." in html
    assert f'href="/coach/collaborations/{collaboration.id}/alerts?round={newest}"' in html


def test_the_alerts_page_pages_through_a_round_open_ones_first(
    demo_coach: Browser, session: Session
) -> None:
    collaboration = _collaboration(session)
    first = _round_ids(session)[0]
    _add_declines(session, first, 60)
    alerts = _alerts_of(session, first)
    expected = [
        a.id for a in sorted(alerts, key=lambda a: (a.acknowledged_at is not None, -(a.id or 0)))
    ]
    pages = -(-len(expected) // 25)
    url = f"/coach/collaborations/{collaboration.id}/alerts?round={first}"
    seen: list[int] = []
    for number in range(1, pages + 1):
        html = demo_coach.get(f"{url}&page={number}").text
        if number == 1:  # told in words, as on the dashboard
            assert "daalde van 61 naar 48" in html and "Wegenbouw Rijnland" in html
        assert f"Pagina {number} van {pages}" in html
        assert ('rel="prev"' in html) == (number > 1)
        assert ('rel="next"' in html) == (number < pages)
        seen += _items(html)
    assert seen == expected
    past_the_end = demo_coach.get(f"{url}&page=999").text
    assert f"Pagina {pages} van {pages}" in past_the_end
    assert demo_coach.get(f"{url}&page=0").status_code == 422


def test_marking_as_seen_on_the_alerts_page_returns_to_the_same_round_and_page(
    demo_coach: Browser, session: Session
) -> None:
    collaboration = _collaboration(session)
    first = _round_ids(session)[0]
    _add_declines(session, first, 30)
    url = f"/coach/collaborations/{collaboration.id}/alerts?round={first}&page=2"
    html = demo_coach.get(url).text
    alert_id = _items(html)[0]
    assert 'name="page" value="2"' in html
    response = demo_coach.post(
        f"/coach/collaborations/{collaboration.id}/alerts/{alert_id}/acknowledge",
        {"note": "Besproken in het kernteam.", "round": str(first), "page": "2"},
    )
    assert response.status_code == 303
    location = response.headers["location"]
    assert location == (
        f"/coach/collaborations/{collaboration.id}/alerts?round={first}&page=2"
        f"&notice=alert_acknowledged#alert-{alert_id}"
    )
    back = demo_coach.get(location.split("#")[0]).text
    assert "Het signaal is gemarkeerd als gezien." in back
    assert "Pagina 2 van 2" in back
    stored = session.get(Alert, alert_id)
    session.refresh(stored)
    assert stored is not None and stored.acknowledged_note == "Besproken in het kernteam."
    assert stored.acknowledged_at is not None


@pytest.mark.parametrize(
    ("note", "said"),
    [
        ("y" * 501, "Houd de notitie op hoogstens 500 tekens."),
        ("Besproken\u001ein het kernteam", "onzichtbare stuurtekens"),
    ],
    ids=["too long", "control character"],
)
def test_a_refused_note_on_the_alerts_page_shows_that_page_again_and_changes_nothing(
    demo_coach: Browser, session: Session, note: str, said: str
) -> None:
    collaboration = _collaboration(session)
    first = _round_ids(session)[0]
    alert = session.exec(
        select(Alert).where(Alert.round_id == first, col(Alert.acknowledged_at).is_(None))
    ).first()
    assert alert is not None
    response = demo_coach.post(
        f"/coach/collaborations/{collaboration.id}/alerts/{alert.id}/acknowledge",
        {"note": note, "round": str(first), "page": "1"},
    )
    assert response.status_code == 422
    assert "Signalen van ronde 1" in response.text  # the alerts page, not the dashboard
    assert f'id="note-{alert.id}-error"' in response.text and said in response.text
    assert 'aria-invalid="true"' in response.text
    session.refresh(alert)
    assert alert.acknowledged_at is None and alert.acknowledged_note is None


def test_a_round_without_alerts_shows_an_empty_page(demo_coach: Browser, session: Session) -> None:
    collaboration = _collaboration(session)
    quiet = _round_ids(session)[0]
    session.rollback()
    for alert in _alerts_of(session, quiet):
        session.delete(alert)
    session.commit()
    response = demo_coach.get(f"/coach/collaborations/{collaboration.id}/alerts?round={quiet}")
    assert response.status_code == 200
    assert "Geen signalen in deze ronde" in response.text
    assert _items(response.text) == []


def test_without_a_round_the_page_shows_the_newest_round_with_alerts(
    demo_coach: Browser, session: Session
) -> None:
    collaboration = _collaboration(session)
    newest = [r for r in _round_ids(session) if _alerts_of(session, r)][-1]
    html = demo_coach.get(f"/coach/collaborations/{collaboration.id}/alerts").text
    assert set(_items(html)) == {a.id for a in _alerts_of(session, newest)}


def test_an_unknown_round_or_one_of_another_collaboration_is_not_found(
    demo_coach: Browser, session: Session, settings: Settings
) -> None:
    collaboration = _collaboration(session)
    url = f"/coach/collaborations/{collaboration.id}/alerts"
    highest = session.exec(select(func.max(Round.id))).one() or 0
    assert demo_coach.get(f"{url}?round={highest + 1}").status_code == 404
    other = make_collaboration(
        session, organisation_id=collaboration.organisation_id, name="Tweede samenwerking"
    )
    elsewhere = rounds.create_round(
        session,
        organisation_id=collaboration.organisation_id,
        collaboration_id=other.id or 0,
        data=RoundCreate(
            label="Elders", questionnaire_id=questionnaires.default_questionnaire(session).id or 0
        ),
    )
    assert demo_coach.get(f"{url}?round={elsewhere.id}").status_code == 404
    assert (
        demo_coach.get(
            f"/coach/collaborations/{other.id}/alerts?round={_round_ids(session)[0]}"
        ).status_code
        == 404
    )


def test_another_organisation_cannot_see_the_alerts_page(
    app, demo_coach: Browser, session: Session
) -> None:  # type: ignore[no-untyped-def]
    collaboration = _collaboration(session)
    first = _round_ids(session)[0]
    elsewhere = make_organisation(session, name="Ander bureau")
    with TestClient(app) as client:
        stranger = other_browser(client, session, elsewhere, Role.COACH, "vreemd@example.org")
        for url in (
            f"/coach/collaborations/{collaboration.id}/alerts?round={first}",
            f"/coach/collaborations/{collaboration.id}/alerts",
        ):
            response = stranger.get(url)
            assert response.status_code == 404
            assert "Rijnland" not in response.text


def test_a_viewer_reads_the_alerts_page_in_english_without_the_forms(
    app, demo_coach: Browser, session: Session
) -> None:  # type: ignore[no-untyped-def]
    collaboration = _collaboration(session)
    first = _round_ids(session)[0]
    with TestClient(app) as client:
        viewer = other_browser(
            client, session, collaboration.organisation_id, Role.VIEWER, "kijker@example.org"
        )
        switched = viewer.post("/coach/language", {"language": "en", "next": "/coach"})
        assert switched.status_code == 303
        html = viewer.get(f"/coach/collaborations/{collaboration.id}/alerts?round={first}").text
    assert "Alerts of round 1" in html and "Back to the dashboard" in html
    assert _items(html) and "/acknowledge" not in html
    session.rollback()  # see what the app committed
    viewed = session.exec(select(AuditEvent).where(AuditEvent.action == "alerts.viewed")).all()
    assert [e.subject for e in viewed] == [f"collaboration:{collaboration.id}"]


@pytest.mark.parametrize(("posted", "back_on"), [("0", "1"), ("99999999", "10000"), ("x", None)])
def test_a_mangled_page_number_still_leads_back_to_a_page_that_exists(
    demo_coach: Browser, session: Session, posted: str, back_on: str | None
) -> None:
    collaboration = _collaboration(session)
    first = _round_ids(session)[0]
    alert = _alerts_of(session, first)[0]
    response = demo_coach.post(
        f"/coach/collaborations/{collaboration.id}/alerts/{alert.id}/acknowledge",
        {"round": str(first), "page": posted},
    )
    assert response.status_code == 303
    location = response.headers["location"].split("#")[0]
    if back_on is None:  # not a page number: back to the dashboard, as from there
        assert location.startswith(f"/coach/collaborations/{collaboration.id}/dashboard?")
    else:
        assert f"/alerts?round={first}&page={back_on}&" in location
    assert demo_coach.get(location).status_code == 200


def test_a_collaboration_without_measured_rounds_has_an_empty_alerts_page(
    demo_coach: Browser, session: Session
) -> None:
    organisation_id = _collaboration(session).organisation_id
    fresh = make_collaboration(session, organisation_id=organisation_id, name="Nog niets gemeten")
    response = demo_coach.get(f"/coach/collaborations/{fresh.id}/alerts")
    assert response.status_code == 200
    assert "Nog geen signalen" in response.text and _items(response.text) == []


@pytest.mark.parametrize(
    ("query", "status"),
    [(f"round={2**64}", 422), (f"page={2**64}", 422), ("page=-1", 422), ("round=x", 422)],
)
def test_a_query_no_page_could_answer_is_refused_without_a_server_error(
    demo_coach: Browser, session: Session, query: str, status: int
) -> None:
    collaboration = _collaboration(session)
    response = demo_coach.get(f"/coach/collaborations/{collaboration.id}/alerts?{query}")
    assert response.status_code == status


def test_a_collaboration_id_beyond_any_record_is_not_found(demo_coach: Browser) -> None:
    assert demo_coach.get(f"/coach/collaborations/{2**64 + 7}/alerts").status_code == 404
