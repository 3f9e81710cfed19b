"""Every chart of the dashboard and the report, by element id, in the page's language."""

from typing import Any

from app.services.results.charts import Translate, in_language, matrix_figure
from app.services.results.charts_grid import (
    areas_heatmap,
    pair_matrix_figure,
    participation_figure,
    perception_gap_figure,
)
from app.services.results.charts_time import trend_figure
from app.services.results.dashboard import Dashboard


def figures(
    dashboard: Dashboard,
    *,
    round_id: int | None,
    pair: tuple[int, int] | None,
    language: str,
    _: Translate,
) -> dict[str, Any]:
    """Every chart of the page by element id, as JSON-ready figure dicts."""
    if round_id is None:
        return {}
    found: dict[str, Any] = {
        "chart-matrix": matrix_figure(dashboard, selected_round_id=round_id, _=_),
        "chart-trend-propensity": trend_figure(
            dashboard, measure="propensity", _=_, language=language
        ),
        "chart-trend-analysis": trend_figure(dashboard, measure="analysis", _=_, language=language),
        "chart-pairs-propensity": pair_matrix_figure(
            dashboard, round_id=round_id, measure="propensity", _=_
        ),
        "chart-pairs-analysis": pair_matrix_figure(
            dashboard, round_id=round_id, measure="analysis", _=_
        ),
        "chart-participation": participation_figure(dashboard, _=_),
    }
    for party in dashboard.parties:
        found[f"chart-areas-{party.id}"] = areas_heatmap(
            dashboard, party_id=party.id, language=language, _=_
        )
    if pair is not None:
        found["chart-gap"] = perception_gap_figure(
            dashboard, a_id=pair[0], b_id=pair[1], round_id=round_id, _=_
        )
    return {key: in_language(figure, language) for key, figure in found.items()}


def report_figures(
    dashboard: Dashboard, *, round_id: int | None, language: str, _: Translate
) -> dict[str, Any]:
    """The report's charts: the matrix up to its round and the participation so far."""
    if round_id is None:
        return {}
    found = {
        "chart-matrix": matrix_figure(dashboard, selected_round_id=round_id, _=_),
        "chart-participation": participation_figure(dashboard, _=_),
    }
    return {key: in_language(figure, language) for key, figure in found.items()}
