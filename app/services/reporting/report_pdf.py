"""The round report as a PDF: its data, the dashboard's charts as SVG, HTML, then WeasyPrint."""

import base64
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from babel.dates import format_date
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from sqlmodel import Session

from app.errors import Unavailable
from app.infra.messages import DEFAULT_LANGUAGE
from app.infra.numbers import format_decimal
from app.infra.static_charts import ChartDrawer, ChartDrawingFailed
from app.infra.translations import translations_for
from app.paths import TEMPLATES_DIR
from app.services.privacy import audit
from app.services.reporting.report_figures import report_figures
from app.services.reporting.round_report import RoundReport, build_round_report
from app.services.results.story import RoundStory, round_moves, story_of

if TYPE_CHECKING:
    from weasyprint import CSS

TEMPLATE = "report/round.html"
STYLESHEET = TEMPLATES_DIR / "report" / "report.css"
MEDIA_TYPE = "application/pdf"
# Laying out a report takes tens of MB for a moment; like the dashboard page, one at a time per
# process keeps a worker's memory flat (the charts' browser is shared anyway).
_one_at_a_time = threading.Lock()
# The collaborations are Dutch: dates are printed on the clock people live by there.
DISPLAY_TIMEZONE = ZoneInfo("Europe/Amsterdam")


@dataclass(frozen=True, slots=True)
class RenderedReport:
    content: bytes
    filename: str
    media_type: str = MEDIA_TYPE


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who asked, for the audit log: a coach (user) or an integration (API key)."""

    user_id: int | None = None
    api_key_id: int | None = None


def round_report_pdf(
    session: Session,
    *,
    organisation_id: int,
    round_id: int,
    language: str | None,
    drawer: ChartDrawer,
    viewer: Viewer,
) -> RenderedReport:
    """The PDF of one round, in `language` (else the collaboration's own), audited as viewed."""
    report = build_round_report(session, organisation_id=organisation_id, round_id=round_id)
    chosen = language or report.language or DEFAULT_LANGUAGE
    # The dashboard's own sentences, from the figures up to this round and nothing later.
    moves = round_moves(report.dashboard, report.round.id)
    story = story_of(report.dashboard, round_id=report.round.id, moves=moves, language=chosen)
    with _one_at_a_time:
        content = html_to_pdf(report_html(report, language=chosen, drawer=drawer, story=story))
    audit.record_view(
        session,
        organisation_id=organisation_id,
        user_id=viewer.user_id,
        api_key_id=viewer.api_key_id,
        action="report.downloaded",
        subject=f"round:{round_id}",
    )
    return RenderedReport(content, _filename(report, chosen))


def report_html(
    report: RoundReport, *, language: str, drawer: ChartDrawer, story: RoundStory | None = None
) -> str:
    """The report's HTML with every chart inlined as an SVG image (nothing to fetch)."""
    translate = translations_for(language).gettext
    figures = report_figures(report, language=language, _=translate)
    try:
        drawn = iter(_data_urls(drawer.svgs(figures.all())))
    except ChartDrawingFailed as error:
        raise Unavailable("The report's charts cannot be drawn right now; try again.") from error
    images = {
        "matrix": next(drawn),
        "trends": [next(drawn) for _figure in figures.trends],
        "pairs": [next(drawn) for _figure in figures.pairs],
        "areas": {party_id: next(drawn) for party_id in figures.areas},
    }
    context = {
        "report": report,
        "story": story,
        "d": report.dashboard,
        "images": images,
        "language": language,
        "made_at": datetime.now(UTC),
    }
    return _environment(language).get_template(TEMPLATE).render(context)


def html_to_pdf(html: str) -> bytes:
    """A4 PDF with selectable text; only `data:` URLs are read, so nothing is fetched."""
    # WeasyPrint (~40 MB, 2 s to import) only when a report is made, not in every worker.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
    document = HTML(string=html, base_url=str(TEMPLATES_DIR), url_fetcher=fetcher)
    pdf = document.write_pdf(stylesheets=[_stylesheet()])
    assert pdf is not None
    return pdf


@lru_cache(maxsize=1)
def _stylesheet() -> "CSS":
    from weasyprint import CSS

    return CSS(string=STYLESHEET.read_text(encoding="utf-8"))


def _data_urls(svgs: Sequence[bytes]) -> list[str]:
    return ["data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii") for svg in svgs]


def _filename(report: RoundReport, language: str) -> str:
    """ASCII only, so every browser keeps it: `trustmeter-report-round-4-en.pdf`."""
    return f"trustmeter-report-round-{report.number}-{language}.pdf"


@lru_cache(maxsize=4)
def _environment(language: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations_for(language), newstyle=True)  # type: ignore[attr-defined]
    env.filters["date"] = lambda value, format="long": _date(value, language, format)
    env.filters["decimal"] = lambda value, digits=0: _decimal(value, language, digits)
    env.filters["signed"] = lambda value, digits=1: _signed(value, language, digits)
    return env


def _date(value: datetime | None, language: str, format: str) -> str:
    if value is None:
        return ""
    return format_date(value.astimezone(DISPLAY_TIMEZONE), format=format, locale=language)


def _decimal(value: float | None, language: str, digits: int) -> str:
    if value is None:
        return ""
    return format_decimal(value, language, digits=digits)


def _signed(value: float, language: str, digits: int) -> str:
    """A change with its sign, "+3,2" or "-1,5" (a true minus sign, as in print)."""
    text = _decimal(abs(value), language, digits)
    return ("+" if value >= 0 else "\u2212") + text
