"""The report's charts: the dashboard's own figures, sized and lettered for an A4 page."""

import copy
from dataclasses import dataclass
from typing import Any

from app.services.reporting.round_report import RoundReport
from app.services.results.charts import Figure, Translate, matrix_figure
from app.services.results.charts_grid import areas_heatmap, pair_matrix_figure
from app.services.results.charts_time import trend_figure

# Drawn this wide and scaled to the text column (about 170 mm), the lettering comes out at
# about 9 pt: readable on paper, and the same proportions as on the dashboard.
PRINT_WIDTH = 720
# The PDF renderer draws the SVG's text itself, with the fonts installed on the server.
PRINT_FONT = {"family": "DejaVu Sans, Arial, sans-serif", "size": 12, "color": "#1a1a1a"}


@dataclass(frozen=True, slots=True)
class ReportFigures:
    """The figures the template places, by role; `areas` per party id, in the parties' order
    (only parties with figures in some round)."""

    matrix: Figure
    trends: list[Figure]
    pairs: list[Figure]
    areas: dict[int, Figure]

    def all(self) -> list[Figure]:
        return [self.matrix, *self.trends, *self.pairs, *self.areas.values()]


def report_figures(report: RoundReport, *, language: str, _: Translate) -> ReportFigures:
    """The same figure functions as the dashboard, on the dashboard cut off at this round."""
    dashboard, round_id = report.dashboard, report.round.id
    return ReportFigures(
        matrix=for_print(matrix_figure(dashboard, selected_round_id=round_id, _=_), height=620),
        trends=[
            for_print(trend_figure(dashboard, measure=measure, _=_), height=360)
            for measure in ("propensity", "analysis")
        ],
        pairs=[
            for_print(pair_matrix_figure(dashboard, round_id=round_id, measure=measure, _=_))
            for measure in ("propensity", "analysis")
        ],
        areas={
            party.id: for_print(areas_heatmap(dashboard, party_id=party.id, language=language, _=_))
            for party in dashboard.parties
            if _shown_in_any_round(report, party.id)
        },
    )


def _shown_in_any_round(report: RoundReport, party_id: int) -> bool:
    """A party hidden in every round gets no chart of empty cells, only the table's note."""
    return any(
        (position := report.dashboard.position(party_id, r.id)) is not None
        and not position.suppressed
        for r in report.dashboard.rounds
    )


def for_print(figure: Figure, *, height: int | None = None) -> Figure:
    """A copy with a fixed size and the print font; what only matters on screen is dropped."""
    printed = copy.deepcopy(figure)
    layout: dict[str, Any] = printed["layout"]
    layout["width"] = PRINT_WIDTH
    layout["height"] = height or layout.get("height", 420)
    layout["font"] = PRINT_FONT
    # The section heading above each chart already says what it is.
    layout.pop("title", None)
    margin = layout.get("margin", {})
    layout["margin"] = {**margin, "t": 16}
    for trace in printed["data"]:
        trace.pop("hovertemplate", None)
    return printed
