"""Dashboard charts as pure functions: dashboard data in, a Plotly figure (plain dict) out.

Every series has its own marker symbol and line dash besides its colour, so no chart relies on
colour alone; the pages show the same figures in a table next to each chart.
"""

import html
from collections.abc import Callable, Sequence
from itertools import pairwise
from typing import Any, TypeGuard

from app.services.results.charts_numbers import Stop, round_numbers, zone_names_of
from app.services.results.dashboard import Dashboard, Estimate, PartyView, Position, RoundView

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


def _zone_shapes(dashboard: Dashboard) -> list[dict[str, Any]]:
    """A light tint per zone and the two cut-off lines."""
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
    return shapes


def _zone_labels(_: Translate) -> list[dict[str, Any]]:
    """The four zone names, each in its own corner, whatever the cut-offs."""
    names = zone_names(_)
    corners = {
        "distrust": (2, 98, "left", "top"),
        "smart_trust": (98, 98, "right", "top"),
        "no_trust": (2, 2, "left", "bottom"),
        "blind_trust": (98, 2, "right", "bottom"),
    }
    return [
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
    shapes, annotations = _zone_shapes(dashboard), _zone_labels(_)
    data, trails = [], []
    current = rounds[-1].id if rounds else None
    for index, party in enumerate(dashboard.parties):
        style = series_style(index)
        points = [
            (number, round_, position)
            for number, round_ in enumerate(rounds, start=1)
            if _shown(position := dashboard.position(party.id, round_.id))
        ]
        data.append(_matrix_trace(party, points, current, style, _))
        annotations += _arrows(points, style["colour"])
        trails.append((style["colour"], _stops(points, current)))
    numbers, narrow_numbers = round_numbers(
        trails,
        zones=zone_names_of(annotations[:4]),
        first_index=len(annotations),
        faint=[_faint(colour, 0.7) for colour, _stops in trails],
    )
    layout = base_layout(
        _("Smart Trust matrix"),
        shapes=shapes,
        annotations=annotations,
        xaxis={"title": {"text": _("Propensity to trust")}, "range": [0, 100], "dtick": 10},
        yaxis={"title": {"text": _("Analysis")}, "range": [0, 100], "dtick": 10},
        legend={"orientation": "h", "x": 0, "y": -0.2, "yanchor": "top"},
        height=560,
        # On a phone the four zone names would run into each other and the round numbers
        # need other places (see dashboard.js).
        meta={
            "narrow": {**{f"annotations[{i}].font.size": 11 for i in range(4)}, **narrow_numbers}
        },
    )
    layout["annotations"] += numbers
    return {"data": data, "layout": layout}


def _stops(
    points: list[tuple[int, RoundView, Position]], selected_round_id: int | None
) -> list[Stop]:
    return [
        Stop(number, p.propensity.mean, p.analysis.mean, r.id == selected_round_id)
        for number, r, p in points
        if p.propensity and p.analysis
    ]


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
        # The round numbers are annotations placed clear of each other (charts_numbers);
        # `text` keeps them with the points for the hover.
        "mode": "markers",
        "name": plain(party.name),
        "x": [e.mean for e in propensity if e],
        "y": [e.mean for e in analysis if e],
        "text": [str(number) for number, _r, _p in points],
        "customdata": [[plain(party.name), plain(r.label), p.n] for _n, r, p in points],
        "hovertemplate": "%{customdata[0]}<br>%{text}. %{customdata[1]}<br>"
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
        # Earlier rounds are the trail, the selected round is where the party stands now.
        "opacity": 0.9,
        # Only the selected round's uncertainty is drawn, thin and faint: sixteen crosses of
        # error bars would bury the points and the trajectories between them.
        "error_x": _light_bars(propensity, points, selected_round_id, style["colour"]),
        "error_y": _light_bars(analysis, points, selected_round_id, style["colour"]),
    }


def _light_bars(
    estimates: Sequence[Estimate | None],
    points: list[tuple[int, RoundView, Position]],
    selected_round_id: int | None,
    colour: str,
) -> dict[str, Any]:
    current = [
        e if r.id == selected_round_id else None
        for e, (_n, r, _p) in zip(estimates, points, strict=True)
    ]
    return {**error_bars(current), "color": _faint(colour), "thickness": 1, "width": 0}


def _faint(colour: str, alpha: float = 0.45) -> str:
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red}, {green}, {blue}, {alpha})"


def in_language(figure: Figure, language: str) -> Figure:
    """Numbers as the reader writes them: a decimal comma on Dutch pages."""
    figure["layout"]["separators"] = ",." if language == "nl" else ".,"
    return figure


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


def measure_of(position: Position | None, measure: str) -> Estimate | None:
    if position is None or position.suppressed:
        return None
    if measure == "propensity":
        return position.propensity
    if measure == "analysis":
        return position.analysis
    return position.areas.get(measure)
