"""The round report: rendered to PDF and read back as a steering group's reader would."""

# The report prints typographic dashes and minus signs; the tests read them back as printed.
# ruff: noqa: RUF001

import re

import pytest
from sqlmodel import Session, col, select
from weasyprint.urls import FatalURLFetchingError

from app.config import Settings
from app.errors import Conflict, NotFound
from app.infra.static_charts import ChartDrawer
from app.models import (
    Alert,
    Collaboration,
    Invitation,
    InvitationStatus,
    Participant,
    Party,
    Round,
)
from app.models.agreement import AgreementCreate
from app.services import demo
from app.services.agreements import agreements
from app.services.demo_walkthrough import OPEN_ROUND
from app.services.reporting.report_figures import report_figures
from app.services.reporting.report_pdf import (
    RenderedReport,
    Viewer,
    html_to_pdf,
    round_report_pdf,
)
from app.services.reporting.round_report import build_round_report
from app.services.results.story import round_story
from app.services.setup import rounds
from tests.factories import make_open_collaboration, make_organisation, make_round
from tests.services.test_dashboard import _answer_all
from tests.support.pdf import ReadPdf, read_pdf

A4 = (595.28, 841.89)


def _demo_round(session: Session, settings: Settings, number: int) -> Round:
    demo.load_demo(session, settings=settings)
    label = demo.ROUNDS[number - 1][0]
    return session.exec(select(Round).where(Round.label == label)).one()


def _render(
    session: Session, round_: Round, drawer: ChartDrawer, language: str | None
) -> RenderedReport:
    collaboration = session.get(Collaboration, round_.collaboration_id)
    assert collaboration is not None and round_.id is not None
    return round_report_pdf(
        session,
        organisation_id=collaboration.organisation_id,
        round_id=round_.id,
        language=language,
        drawer=drawer,
        viewer=Viewer(),
    )


def _agree(session: Session, title: str, *, made: Round, checked: Round | None = None) -> None:
    """An agreement between the demo's first two parties about keeping commitments."""
    collaboration = session.get(Collaboration, made.collaboration_id)
    assert collaboration is not None and collaboration.id is not None and made.id is not None
    parties = session.exec(
        select(Party).where(Party.collaboration_id == collaboration.id).order_by(col(Party.id))
    ).all()
    data = AgreementCreate(
        title=title,
        area="commitments",
        committing_party_ids=[parties[0].id or 0],
        target_party_id=parties[1].id,
        round_id=made.id,
        check_round_id=checked.id if checked else None,
    )
    agreements.create_agreement(
        session,
        organisation_id=collaboration.organisation_id,
        collaboration_id=collaboration.id,
        data=data,
    )


def _assert_numbered_a4(pdf: ReadPdf) -> None:
    total = len(pdf.pages)
    for size in pdf.page_sizes:
        assert size == pytest.approx(A4, abs=0.5)
    for number, page in enumerate(pdf.pages[1:], start=2):  # the cover carries no number
        assert f"{number} / {total}" in page


def _participation_row(session: Session, round_: Round, party_name: str) -> str:
    """The response-rate row the report prints for a party: invited, answered, rate."""
    party = session.exec(select(Party).where(Party.name == party_name)).one()
    statuses = session.exec(
        select(Invitation.status).where(
            Invitation.round_id == round_.id, Invitation.party_id == party.id
        )
    ).all()
    answered = sum(status == InvitationStatus.SUBMITTED for status in statuses)
    return f"{party_name} {len(statuses)} {answered} {round(100 * answered / len(statuses))}%"


def test_the_demos_fourth_round_report_has_every_section_in_dutch(
    session: Session, settings: Settings, chart_drawer: ChartDrawer
) -> None:
    round_ = _demo_round(session, settings, 4)
    rendered = _render(session, round_, chart_drawer, None)  # the collaboration's language
    pdf = read_pdf(rendered.content)

    assert rendered.filename == "trustmeter-report-round-4-nl.pdf"
    # The summary says what the dashboard says, in the same sentences.
    collaboration = session.get(Collaboration, round_.collaboration_id)
    assert collaboration is not None
    story = round_story(
        session,
        organisation_id=collaboration.organisation_id,
        collaboration_id=collaboration.id or 0,
        round_id=round_.id or 0,
        language="nl",
    )
    flat = " ".join(pdf.text.split())
    sentences = [*story.opening, *(s for group in story.parties for s in group.sentences)]
    assert sentences and all(" ".join(s.split()) in flat for s in sentences)
    # Round 4 asked the meta items: the mirror of expectations is in the report too.
    assert "Spiegel van verwachtingen" in pdf.text or "spiegel van verwachtingen" in pdf.text
    assert 8 <= len(pdf.pages) <= 16
    _assert_numbered_a4(pdf)
    assert pdf.title == f"Vertrouwen in {demo.COLLABORATION} – Halverwege uitvoering"
    cover = pdf.pages[0]
    for fact in ("Halverwege uitvoering", "Uitvoering", "5 oktober 2026", "2 november 2026"):
        assert fact in cover
    for name, _kind, _story in demo.PARTIES:
        assert name in pdf.text
    for zone in ("Slim vertrouwen", "Blind vertrouwen", "Wantrouwen", "Geen vertrouwen"):
        assert zone in pdf.text
    # The summary compares with round 3 and names the response rate of every party.
    assert "vergeleken met ronde Na gunning" in pdf.text
    assert _participation_row(session, round_, "Aannemer Van den Berg BV") in pdf.text
    # Groups only: no participant's name anywhere.
    names = set(session.exec(select(Participant.name)).all())
    assert names and not any(re.search(rf"\b{re.escape(n or '')}\b", pdf.text) for n in names)


def test_the_english_report_lists_each_alert_of_the_round_once(
    session: Session, settings: Settings, chart_drawer: ChartDrawer
) -> None:
    round_ = _demo_round(session, settings, 4)
    walkthrough = session.exec(select(Round).where(Round.label == OPEN_ROUND[0])).one()
    _agree(session, "Weekly site meeting", made=_demo_round(session, settings, 2))
    _agree(session, "Open book pricing", made=round_, checked=walkthrough)
    pdf = read_pdf(_render(session, round_, chart_drawer, "en").content)

    # Made after this round, once, its check still to come (the open round is not named);
    # one made after an earlier round is not this round's.
    assert pdf.count("Open book pricing") == 1 and "not asked yet" in pdf.text
    assert "Weekly site meeting" not in pdf.text and OPEN_ROUND[0] not in pdf.text
    for zone in ("Smart trust", "Blind trust", "Distrust", "No trust"):
        assert zone in pdf.text
    assert "compared with round Na gunning" in pdf.text
    alerts = session.exec(select(Alert).where(Alert.round_id == round_.id)).all()
    declines = [a for a in alerts if a.kind.value == "decline"]
    assert declines and len(alerts) > len(declines)
    for alert in declines:
        points = f"{-alert.detail['difference']:.1f}"
        assert pdf.count(f"fell by {points} points") == 1
    moves = [a for a in alerts if a.kind.value == "zone_move"]
    assert pdf.count("Now in the zone") == len(moves)
    # Wegenbouw Rijnland slid from blind trust into no trust: its row in the summary.
    assert re.search(
        r"Wegenbouw Rijnland Blind trust( \(borderline\))? No trust −\d+\.\d ▼", pdf.text
    )


def test_an_earlier_rounds_report_shows_nothing_of_later_rounds(
    session: Session, settings: Settings, chart_drawer: ChartDrawer
) -> None:
    round_ = _demo_round(session, settings, 2)
    walkthrough = session.exec(select(Round).where(Round.label == OPEN_ROUND[0])).one()
    _agree(session, "Weekly site meeting", made=round_, checked=walkthrough)
    pdf = read_pdf(_render(session, round_, chart_drawer, "en").content)

    assert pdf.count("Weekly site meeting") == 1  # made now, its check is still to come
    assert "not asked yet" in pdf.text and OPEN_ROUND[0] not in pdf.text

    assert "Marktconsultatie" in pdf.text and "Nulmeting voorbereiding" in pdf.text
    for later in ("Na gunning", "Halverwege uitvoering", "Jun 2026", "Oct 2026"):
        assert later not in pdf.text
    own = session.exec(select(Alert).where(Alert.round_id == round_.id)).all()
    later = session.exec(select(Alert).where(col(Alert.round_id) > (round_.id or 0))).all()
    assert later  # the demo has them; the report leaves them out
    assert pdf.count("fell by") + pdf.count("Now in the zone") <= len(own)


def test_a_party_under_the_threshold_shows_no_figure_anywhere(
    session: Session, settings: Settings, chart_drawer: ChartDrawer
) -> None:
    setup = make_open_collaboration(
        session,
        settings=settings,
        party_names=("Gemeente Zuid", "Bouwbedrijf Noord", "Kleine Partij"),
        participants_per_party=3,
    )
    for party, answering in zip(setup.parties, (3, 3, 2), strict=True):
        for token in setup.tokens_of(party)[:answering]:
            _answer_all(session, token, 6)
    rounds.close_round(session, organisation_id=setup.organisation_id, round_id=setup.round.id)
    pdf = read_pdf(_render(session, setup.round, chart_drawer, "en").content)

    # Kleine Partij (2 of 3 answered) is hidden; no total over the parties is shown, so the
    # others (3 each) stay and are never called "fewer than 3"; only counts of people remain.
    hidden = "fewer than 3 answers"
    assert f"Kleine Partij – {hidden} {hidden} {hidden}" in pdf.text
    assert f"Gemeente Zuid – {hidden}" not in pdf.text
    mirror = "Measure Gemeente Zuid about Kleine Partij Kleine Partij about Gemeente Zuid"
    # Gemeente Zuid's three about Kleine Partij are shown; Kleine Partij's two are not.
    assert f"{mirror} Propensity to trust {hidden} {hidden}" not in pdf.text
    assert f"{mirror} Propensity to trust " in pdf.text
    areas = "Areas of Kleine Partij in round Nulmeting Area Score Change since the round before"
    assert f"{areas} Integrity {hidden}" in pdf.text
    # Numbers after its name: only the invited and answered counts (how others see it is shown).
    assert re.findall(r"(?<!about )Kleine Partij (\d[^A-Za-z•]*)", pdf.text) == ["3 2 67% "]
    assert "Bouwbedrijf Noord 3 72 (72–72) 76 (76–76) Smart trust" in pdf.text
    report = build_round_report(
        session, organisation_id=setup.organisation_id, round_id=setup.round.id or 0
    )
    figures = report_figures(report, language="en", _=lambda text: text)
    small = setup.parties[2].id
    assert small not in figures.areas
    traces = [t for t in figures.matrix["data"] if t["name"] == "Kleine Partij"]
    assert traces and all(t["x"] == [] and t["y"] == [] for t in traces)


def test_a_draft_round_has_no_report_yet(
    session: Session, settings: Settings, chart_drawer: ChartDrawer
) -> None:
    setup = make_open_collaboration(session, settings=settings)
    draft = make_round(
        session, organisation_id=setup.organisation_id, collaboration_id=setup.collaboration.id
    )
    with pytest.raises(Conflict):
        _render(session, draft, chart_drawer, "en")


def test_another_organisations_round_is_not_found(
    session: Session, settings: Settings, chart_drawer: ChartDrawer
) -> None:
    setup = make_open_collaboration(session, settings=settings)
    other = make_organisation(session, name="Andere praktijk")
    with pytest.raises(NotFound):
        round_report_pdf(
            session,
            organisation_id=other,
            round_id=setup.round.id or 0,
            language="en",
            drawer=chart_drawer,
            viewer=Viewer(),
        )


def test_the_pdf_renderer_fetches_nothing() -> None:
    html = '<html><body><p>Hallo</p><img src="http://127.0.0.1:9/tracker.png"></body></html>'
    with pytest.raises(FatalURLFetchingError):
        html_to_pdf(html)
    assert read_pdf(html_to_pdf("<html><body><p>Hallo</p></body></html>")).text.strip() == "Hallo"
