"""Dashboard charts as pure functions: dashboard data in, a Plotly figure (plain dict) out.

Every series has its own marker symbol and line dash besides its colour, so no chart relies on
colour alone; the pages show the same figures in a table next to each chart.
"""

import html
from collections.abc import Callable, Sequence
from datetime import timedelta
from itertools import pairwise
from typing import Any, TypeGuard

from app.services.dashboard import Dashboard, Estimate, PartyView, Position, RoundView

Translate = Callable[[str], str]
Figure = dict[str, Any]

# Okabe-Ito: distinguishable with the common colour-vision deficiencies, dark enough on white.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#8A6D00", "#56B4E9", "#000000")
SYMBOLS = ("circle", "square", "diamond", "triangle-up", "cross", "x", "star", "hexagon")
DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
FONT = {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif", "size": 14}
ZONE_TINTS = {
    "distrust": "rgba(213, 94, 0, 0.08)",
    "smart_trust": "rgba(0, 158, 115, 0.08)",
    "no_trust": "rgba(120, 120, 120, 0.08)",
    "blind_trust": "rgba(230, 159, 0, 0.10)",
}


def identity(message: str) -> str:
    return message


def plain(text: str) -> str:
    """Data shown inside a figure: Plotly reads a few tags in labels, so names are escaped."""
    return html.escape(text, quote=False)


def zone_names(_: Translate = identity) -> dict[str, str]:
    return {
        "blind_trust": _("Blind trust"),
        "smart_trust": _("Smart trust"),
        "no_trust": _("No trust"),
        "distrust": _("Distrust"),
    }


def series_style(index: int) -> dict[str, str]:
    """Colour, marker symbol and dash of the index-th party: three cues, not one."""
    return {
        "colour": COLOURS[index % len(COLOURS)],
        "symbol": SYMBOLS[index % len(SYMBOLS)],
        "dash": DASHES[index % len(DASHES)],
    }


def base_layout(title: str, **extra: Any) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "title": {"text": title, "x": 0, "xanchor": "left"},
        "font": FONT,
        "margin": {"l": 64, "r": 24, "t": 56, "b": 40},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "legend": {"orientation": "h", "x": 0, "y": -0.16, "yanchor": "top"},
        "hovermode": "closest",
    }
    layout.update(extra)
    return layout


def error_bars(estimates: Sequence[Estimate | None]) -> dict[str, Any]:
    """Asymmetric error bars from each estimate's 95% CI (0 where there is none)."""
    plus = [e.ci_high - e.mean if e and e.ci_high is not None else 0 for e in estimates]
    minus = [e.mean - e.ci_low if e and e.ci_low is not None else 0 for e in estimates]
    return {"type": "data", "symmetric": False, "array": plus, "arrayminus": minus}


def _matrix_frame(dashboard: Dashboard, _: Translate) -> tuple[list[dict[str, Any]], list[Any]]:
    """Zone tints, cut-off lines and the four zone labels."""
    px, ay = dashboard.propensity_cutoff, dashboard.analysis_cutoff
    quadrants = {
        "distrust": (0, px, ay, 100),
        "smart_trust": (px, 100, ay, 100),
        "no_trust": (0, px, 0, ay),
        "blind_trust": (px, 100, 0, ay),
    }
    shapes: list[dict[str, Any]] = [
        {
            "type": "rect",
            "layer": "below",
            "line": {"width": 0},
            "fillcolor": ZONE_TINTS[zone],
            "x0": x0,
            "x1": x1,
            "y0": y0,
            "y1": y1,
        }
        for zone, (x0, x1, y0, y1) in quadrants.items()
    ]
    cut = {"color": "#444444", "width": 1.5, "dash": "dash"}
    shapes.append({"type": "line", "x0": px, "x1": px, "y0": 0, "y1": 100, "line": cut})
    shapes.append({"type": "line", "x0": 0, "x1": 100, "y0": ay, "y1": ay, "line": cut})
    names = zone_names(_)
    corners = {
        "distrust": (2, 98, "left", "top"),
        "smart_trust": (98, 98, "right", "top"),
        "no_trust": (2, 2, "left", "bottom"),
        "blind_trust": (98, 2, "right", "bottom"),
    }
    labels = [
        {
            "x": x,
            "y": y,
            "xanchor": xa,
            "yanchor": ya,
            "text": names[zone],
            "showarrow": False,
            "font": {"size": 15, "color": "#333333", "weight": 700},
        }
        for zone, (x, y, xa, ya) in corners.items()
    ]
    return shapes, labels


def _shown(position: Position | None) -> TypeGuard[Position]:
    return (
        position is not None
        and not position.suppressed
        and position.propensity is not None
        and position.analysis is not None
    )


def matrix_figure(
    dashboard: Dashboard, *, selected_round_id: int | None = None, _: Translate = identity
) -> Figure:
    """The Smart Trust matrix: each party's positions up to the selected round, joined by
    arrows into a trajectory, with 95% CI bars; the selected round's marker is larger."""
    rounds = _rounds_until(dashboard.rounds, selected_round_id)
    shapes, annotations = _matrix_frame(dashboard, _)
    data = []
    for index, party in enumerate(dashboard.parties):
        style = series_style(index)
        points = [
            (number, round_, position)
            for number, round_ in enumerate(rounds, start=1)
            if _shown(position := dashboard.position(party.id, round_.id))
        ]
        data.append(_matrix_trace(party, points, rounds[-1].id if rounds else None, style, _))
        annotations += _arrows(points, style["colour"])
    layout = base_layout(
        _("Smart Trust matrix"),
        shapes=shapes,
        annotations=annotations,
        xaxis={"title": {"text": _("Propensity to trust")}, "range": [0, 100], "dtick": 10},
        yaxis={"title": {"text": _("Analysis")}, "range": [0, 100], "dtick": 10},
        legend={"orientation": "h", "x": 0, "y": -0.2, "yanchor": "top"},
        height=560,
    )
    return {"data": data, "layout": layout}


def _rounds_until(rounds: Sequence[RoundView], round_id: int | None) -> list[RoundView]:
    ids = [r.id for r in rounds]
    if round_id is None or round_id not in ids:
        return list(rounds)
    return list(rounds[: ids.index(round_id) + 1])


def _matrix_trace(
    party: PartyView,
    points: list[tuple[int, RoundView, Position]],
    selected_round_id: int | None,
    style: dict[str, str],
    _: Translate,
) -> dict[str, Any]:
    propensity = [p.propensity for _n, _r, p in points]
    analysis = [p.analysis for _n, _r, p in points]
    return {
        "type": "scatter",
        "mode": "markers+text",
        "name": plain(party.name),
        "x": [e.mean for e in propensity if e],
        "y": [e.mean for e in analysis if e],
        "text": [str(number) for number, _r, _p in points],
        "textposition": "top right",
        "customdata": [[plain(party.name), plain(r.label), p.n] for _n, r, p in points],
        "hovertemplate": "%{customdata[0]}<br>%{customdata[1]}<br>"
        + _("Propensity to trust")
        + ": %{x:.0f}<br>"
        + _("Analysis")
        + ": %{y:.0f}<br>n = %{customdata[2]}<extra></extra>",
        "marker": {
            "color": style["colour"],
            "symbol": style["symbol"],
            "size": [18 if r.id == selected_round_id else 10 for _n, r, _p in points],
            "line": {"color": "#ffffff", "width": 1},
        },
        "error_x": {**error_bars(propensity), "color": style["colour"], "thickness": 1},
        "error_y": {**error_bars(analysis), "color": style["colour"], "thickness": 1},
    }


def _arrows(points: list[tuple[int, RoundView, Position]], colour: str) -> list[dict[str, Any]]:
    arrows = []
    for (_n1, _r1, before), (_n2, _r2, after) in pairwise(points):
        assert before.propensity and before.analysis and after.propensity and after.analysis
        arrows.append(
            {
                "x": after.propensity.mean,
                "y": after.analysis.mean,
                "ax": before.propensity.mean,
                "ay": before.analysis.mean,
                "xref": "x",
                "yref": "y",
                "axref": "x",
                "ayref": "y",
                "text": "",
                "showarrow": True,
                "arrowhead": 2,
                "arrowsize": 1.2,
                "arrowwidth": 1.6,
                "arrowcolor": colour,
                "standoff": 6,
                "startstandoff": 6,
            }
        )
    return arrows


def trend_figure(dashboard: Dashboard, *, measure: str, _: Translate = identity) -> Figure:
    """One measure (propensity or analysis) over time per party with its 95% confidence band;
    a round without figures (suppressed or no answers) is a gap, never a guess."""
    titles = {"propensity": _("Propensity to trust over time"), "analysis": _("Analysis over time")}
    data: list[dict[str, Any]] = []
    for index, party in enumerate(dashboard.parties):
        style = series_style(index)
        estimates = [
            measure_of(dashboard.position(party.id, r.id), measure) for r in dashboard.rounds
        ]
        moments = [r.moment.isoformat() for r in dashboard.rounds]
        data += _bands(party, moments, estimates, style["colour"])
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": plain(party.name),
                "legendgroup": f"party-{party.id}",
                "x": moments,
                "y": [e.mean if e else None for e in estimates],
                "connectgaps": False,
                "customdata": [[plain(party.name), plain(r.label)] for r in dashboard.rounds],
                "hovertemplate": "%{customdata[0]}<br>%{customdata[1]}<br>%{y:.0f}<extra></extra>",
                "line": {"color": style["colour"], "dash": style["dash"], "width": 2},
                "marker": {"symbol": style["symbol"], "size": 9, "color": style["colour"]},
            }
        )
    cutoff = dashboard.propensity_cutoff if measure == "propensity" else dashboard.analysis_cutoff
    line = {"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": cutoff, "y1": cutoff}
    layout = base_layout(
        titles.get(measure, measure),
        xaxis={"type": "date", "range": _time_range(dashboard)},
        yaxis={"range": [0, 100], "dtick": 10, "title": {"text": _("Score (0-100)")}},
        shapes=[{**line, "line": {"color": "#444444", "width": 1.5, "dash": "dash"}}],
    )
    return {"data": data, "layout": layout}


def _time_range(dashboard: Dashboard) -> list[str] | None:
    """A fortnight of room on both sides, so a single round is not drawn on an hour's axis."""
    if not dashboard.rounds:
        return None
    moments = [r.moment for r in dashboard.rounds]
    margin = timedelta(days=14)
    return [(min(moments) - margin).isoformat(), (max(moments) + margin).isoformat()]


def measure_of(position: Position | None, measure: str) -> Estimate | None:
    if position is None or position.suppressed:
        return None
    if measure == "propensity":
        return position.propensity
    if measure == "analysis":
        return position.analysis
    return position.areas.get(measure)


def _bands(
    party: PartyView, moments: list[str], estimates: list[Estimate | None], colour: str
) -> list[dict[str, Any]]:
    """One filled polygon per run of consecutive rounds that have an interval."""
    runs: list[list[int]] = [[]]
    for index, estimate in enumerate(estimates):
        has_interval = estimate is not None and estimate.ci_low is not None
        if has_interval:
            runs[-1].append(index)
        elif runs[-1]:
            runs.append([])
    bands = []
    for run in (r for r in runs if r):
        upper = [estimates[i].ci_high for i in run]  # type: ignore[union-attr]
        lower = [estimates[i].ci_low for i in reversed(run)]  # type: ignore[union-attr]
        bands.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": [moments[i] for i in run] + [moments[i] for i in reversed(run)],
                "y": upper + lower,
                "fill": "toself",
                "fillcolor": _translucent(colour),
                "line": {"width": 0, "color": colour},
                "hoverinfo": "skip",
                "showlegend": False,
                "legendgroup": f"party-{party.id}",
                "name": plain(party.name),
            }
        )
    return bands


def _translucent(colour: str, alpha: float = 0.15) -> str:
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red}, {green}, {blue}, {alpha})"
