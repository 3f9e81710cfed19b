"""Dashboard charts on a grid: areas by rounds, truster by target, the perception gap of two
parties, and participation. Pure functions from dashboard data to Plotly figure dicts."""

from typing import Any

from app.services.results.charts import (
    Figure,
    Translate,
    base_layout,
    error_bars,
    identity,
    measure_of,
    plain,
    series_style,
)
from app.services.results.dashboard import Dashboard, Estimate, Position, Shift

# Purple-orange diverging around the middle of the scale; readable for colour-blind eyes, and
# every cell also carries its number as text.
DIVERGING = [
    [0.0, "#b35806"],
    [0.25, "#f1a340"],
    [0.5, "#f7f7f7"],
    [0.75, "#998ec3"],
    [1, "#542788"],
]
UP, DOWN = "▲", "▼"


def round_names(dashboard: Dashboard) -> list[str]:
    """Unique category names for rounds ("1. Nulmeting"), as labels may repeat."""
    return [f"{number}. {plain(r.label)}" for number, r in enumerate(dashboard.rounds, start=1)]


def fewer_than(k: int, _: Translate) -> str:
    return _("fewer than %(k)s") % {"k": k}


def _cell(estimate: Estimate | None, position: Position | None, k: int, _: Translate) -> str:
    if position is not None and position.suppressed:
        return _("hidden") if position.complementary else fewer_than(k, _)
    if estimate is None:
        return "–"  # noqa: RUF001 - an en dash reads as "nothing here"
    return f"{estimate.mean:.0f}"


def _marked(text: str, shift: Shift | None) -> str:
    """Append ▲ or ▼ when the change from the round before is significant (95% CI)."""
    if shift is None or not shift.significant:
        return text
    return f"{text} {UP if shift.difference > 0 else DOWN}"


def _heatmap(x: list[str], y: list[str], z: list[list[float | None]], text: list[list[str]]) -> Any:
    return {
        "type": "heatmap",
        "x": x,
        "y": y,
        "z": z,
        "text": text,
        "texttemplate": "%{text}",
        "hovertemplate": "%{y}<br>%{x}<br>%{text}<extra></extra>",
        "colorscale": DIVERGING,
        "zmin": 0,
        "zmax": 100,
        "showscale": False,
        # Gaps keep Plotly from styling the image inline, which the CSP would refuse.
        "xgap": 2,
        "ygap": 2,
    }


def areas_heatmap(
    dashboard: Dashboard, *, party_id: int, language: str, _: Translate = identity
) -> Figure:
    """One party's area scores by round; ▲/▼ marks a significant rise or fall."""
    party = next(p for p in dashboard.parties if p.id == party_id)
    areas = dashboard.areas
    z: list[list[float | None]] = []
    text: list[list[str]] = []
    for area in areas:
        row_z, row_text = [], []
        for round_ in dashboard.rounds:
            position = dashboard.position(party_id, round_.id)
            estimate = measure_of(position, area.key)
            row_z.append(estimate.mean if estimate else None)
            shift = dashboard.shift(party_id, area.key, round_.id)
            row_text.append(_marked(_cell(estimate, position, dashboard.k, _), shift))
        z.append(row_z)
        text.append(row_text)
    titles = [plain(a.titles.get(language, a.key)) for a in areas]
    layout = base_layout(
        _("Areas of %(party)s by round") % {"party": plain(party.name)},
        xaxis={"type": "category", "automargin": True},
        yaxis={"type": "category", "autorange": "reversed", "automargin": True},
        margin={"l": 24, "r": 24, "t": 56, "b": 24},
        height=140 + 44 * max(1, len(areas)),
    )
    return {"data": [_heatmap(round_names(dashboard), titles, z, text)], "layout": layout}


def pair_matrix_figure(
    dashboard: Dashboard, *, round_id: int, measure: str, _: Translate = identity
) -> Figure:
    """Truster (rows) by target (columns): how each party sees each other party."""
    names = [plain(p.name) for p in dashboard.parties]
    z: list[list[float | None]] = []
    text: list[list[str]] = []
    for truster in dashboard.parties:
        row_z, row_text = [], []
        for target in dashboard.parties:
            position = dashboard.pairs.get((truster.id, target.id, round_id))
            estimate = measure_of(position, measure)
            row_z.append(estimate.mean if estimate else None)
            own = truster.id == target.id
            row_text.append("" if own else _cell(estimate, position, dashboard.k, _))
        z.append(row_z)
        text.append(row_text)
    title = {"propensity": _("Propensity to trust"), "analysis": _("Analysis")}[measure]
    layout = base_layout(
        title,
        xaxis={"type": "category", "automargin": True, "title": {"text": _("about")}},
        yaxis={
            "type": "category",
            "autorange": "reversed",
            "automargin": True,
            "title": {"text": _("trust of")},
        },
        margin={"l": 24, "r": 24, "t": 56, "b": 24},
        height=180 + 56 * max(1, len(names)),
    )
    return {"data": [_heatmap(names, names, z, text)], "layout": layout}


def perception_gap_figure(
    dashboard: Dashboard, *, a_id: int, b_id: int, round_id: int, _: Translate = identity
) -> Figure:
    """A about B next to B about A: where the two see each other differently. Dots with
    their 95% CI, a different symbol per direction."""
    parties = {p.id: p for p in dashboard.parties}
    measures = [("propensity", _("Propensity to trust")), ("analysis", _("Analysis"))]
    data: list[dict[str, Any]] = []
    for index, (truster, target) in enumerate(((a_id, b_id), (b_id, a_id))):
        position = dashboard.pairs.get((truster, target, round_id))
        estimates = [measure_of(position, key) for key, _title in measures]
        style = series_style(index)
        name = _("%(truster)s about %(target)s") % {
            "truster": plain(parties[truster].name),
            "target": plain(parties[target].name),
        }
        data.append(
            {
                "type": "scatter",
                "orientation": "h",
                "mode": "markers+text",
                "name": name,
                "y": [title for _key, title in measures],
                "x": [e.mean if e else None for e in estimates],
                "text": [_cell(e, position, dashboard.k, _) for e in estimates],
                "textposition": "top center",
                "error_x": {**error_bars(estimates), "color": style["colour"], "thickness": 1.5},
                "marker": {"color": style["colour"], "symbol": style["symbol"], "size": 14},
                "hovertemplate": "%{y}: %{text}<extra></extra>",
            }
        )
    layout = base_layout(
        _("Perception gap"),
        scattermode="group",
        scattergap=0.5,
        xaxis={"range": [0, 100], "dtick": 10, "title": {"text": _("Score (0-100)")}},
        yaxis={"type": "category", "automargin": True},
        height=340,
    )
    return {"data": data, "layout": layout}


def participation_figure(dashboard: Dashboard, *, _: Translate = identity) -> Figure:
    """Response rate per party over the rounds, each point labelled "submitted/invited"."""
    rounds = round_names(dashboard)
    data = []
    for index, party in enumerate(dashboard.parties):
        cells = [dashboard.participation.get((party.id, r.id)) for r in dashboard.rounds]
        style = series_style(index)
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers+text",
                "name": plain(party.name),
                "x": rounds,
                "y": [round(c.rate * 100) if c and c.rate is not None else None for c in cells],
                "text": [f"{c.submitted}/{c.invited}" if c else "" for c in cells],
                "textposition": "top center",
                "connectgaps": False,
                "line": {"color": style["colour"], "dash": style["dash"], "width": 2},
                "marker": {"color": style["colour"], "symbol": style["symbol"], "size": 10},
                "customdata": [plain(party.name)] * len(cells),
                "hovertemplate": "%{customdata}<br>%{x}<br>%{y}% (%{text})<extra></extra>",
            }
        )
    floor = {"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": 50, "y1": 50}
    layout = base_layout(
        _("Response rate per party"),
        yaxis={"range": [0, 110], "dtick": 25, "title": {"text": _("Response rate (%)")}},
        xaxis={"type": "category", "automargin": True},
        shapes=[{**floor, "line": {"color": "#444444", "width": 1.5, "dash": "dash"}}],
    )
    return {"data": data, "layout": layout}
