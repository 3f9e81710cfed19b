"""The round numbers on the matrix's trajectories, placed clear of each other (see
charts_labels) once for a laptop's plot and once for a phone's."""

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from app.services.results.charts_labels import (
    NARROW_PLOTS,
    WIDE_PLOTS,
    Label,
    Placement,
    Segment,
    place_labels,
    text_box,
)

WIDE_FONT, NARROW_FONT = 12, 11
WIDE_ZONE_FONT, NARROW_ZONE_FONT = 15, 11
SELECTED_SIZE, TRAIL_SIZE = 18, 10  # marker diameters, pixels
CROWD = 8.0  # points closer than this (data units) count as neighbours when ordering
# Beyond this many numbers a matrix is a thicket whatever their places (and placing them takes
# a noticeable part of the page's time): the trail keeps its first and latest numbers.
MAX_NUMBERS = 32


@dataclass(frozen=True, slots=True)
class Stop:
    """One point of a party's trajectory: its round number and position."""

    number: int
    x: float
    y: float
    selected: bool


@dataclass(frozen=True, slots=True)
class ZoneName:
    x: float
    y: float
    text: str
    anchor: tuple[str, str]


def round_numbers(
    trails: Sequence[tuple[str, Sequence[Stop]]],
    *,
    zones: Sequence[ZoneName],
    first_index: int,
    faint: Sequence[str],
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The numbers as annotations (laid out for a laptop) and the relayout that moves them for
    a phone, keyed `annotations[i].…` from `first_index`; `faint` colours the leader lines."""
    stops = _numbered([(party, stop) for party, (_c, trail) in enumerate(trails) for stop in trail])
    order = _importance(stops)
    labels = [_label(stops[i][1]) for i in order]
    segments = [
        Segment(a.x, a.y, b.x, b.y) for _colour, trail in trails for a, b in pairwise(trail)
    ]
    wide = _placed(labels, zones, segments, WIDE_FONT, WIDE_ZONE_FONT, WIDE_PLOTS)
    narrow = _placed(labels, zones, segments, NARROW_FONT, NARROW_ZONE_FONT, NARROW_PLOTS)
    annotations, relayout = [], {}
    for position, i in enumerate(order):
        party, stop = stops[i]
        colour = trails[party][0]
        annotations.append(_annotation(stop, colour, faint[party], wide[position]))
        key = f"annotations[{first_index + position}]"
        relayout[f"{key}.font.size"] = NARROW_FONT
        relayout.update(
            {f"{key}.{name}": value for name, value in _shift(narrow[position]).items()}
        )
    return annotations, relayout


def _numbered(stops: list[tuple[int, Stop]]) -> list[tuple[int, Stop]]:
    """Every stop, or within the budget: where each party stands, where it started, then the
    most recent rounds."""
    if len(stops) <= MAX_NUMBERS:
        return stops
    first = {party: min(s.number for p, s in stops if p == party) for party, _s in stops}
    rank = sorted(
        range(len(stops)),
        key=lambda i: (
            not stops[i][1].selected,
            stops[i][1].number != first[stops[i][0]],
            -stops[i][1].number,
            i,
        ),
    )
    return [stops[i] for i in sorted(rank[:MAX_NUMBERS])]


def _importance(stops: list[tuple[int, Stop]]) -> list[int]:
    """Where each party stands now first, then the most crowded points: a greedy placement
    gives the first labels the best places."""

    def crowd(stop: Stop) -> int:
        return sum(abs(s.x - stop.x) < CROWD and abs(s.y - stop.y) < CROWD for _p, s in stops)

    return sorted(range(len(stops)), key=lambda i: (not stops[i][1].selected, -crowd(stops[i][1])))


def _label(stop: Stop) -> Label:
    size = SELECTED_SIZE if stop.selected else TRAIL_SIZE
    return Label(stop.x, stop.y, str(stop.number), radius=size / 2 + 1)


def _placed(
    labels: list[Label],
    zones: Sequence[ZoneName],
    segments: list[Segment],
    font: int,
    zone_font: int,
    plots: tuple[tuple[float, float], ...],
) -> list[Placement]:
    fixed = [text_box(z.x, z.y, z.text, zone_font, z.anchor) for z in zones]
    return place_labels(labels, font_size=font, fixed=fixed, segments=segments, plots=plots)


def _annotation(stop: Stop, colour: str, faint: str, placement: Placement) -> dict[str, Any]:
    # Dark digits on a light box framed in the party's colour: legible over lines and bars,
    # and still tied to their party.
    return {
        "x": stop.x,
        "y": stop.y,
        "xref": "x",
        "yref": "y",
        "text": str(stop.number),
        "xanchor": "center",
        "yanchor": "middle",
        "font": {"size": WIDE_FONT, "color": "#1a1a1a", "weight": 700 if stop.selected else 400},
        "bgcolor": "rgba(255, 255, 255, 0.85)",
        "bordercolor": colour,
        "borderwidth": 1,
        "borderpad": 1,
        "arrowhead": 0,
        "arrowwidth": 1,
        "arrowcolor": faint,
        "standoff": (SELECTED_SIZE if stop.selected else TRAIL_SIZE) / 2,
        **_shift(placement),
    }


def _shift(placement: Placement) -> dict[str, Any]:
    """Next to the point by a shift, or further out with a leader line (Plotly's `ay` counts
    downwards)."""
    dx, dy = round(placement.dx, 1), round(placement.dy, 1)
    if placement.leader:
        return {"showarrow": True, "ax": dx, "ay": -dy, "xshift": 0, "yshift": 0}
    return {"showarrow": False, "ax": dx, "ay": -dy, "xshift": dx, "yshift": dy}


def zone_names_of(annotations: Sequence[dict[str, Any]]) -> list[ZoneName]:
    return [ZoneName(a["x"], a["y"], a["text"], (a["xanchor"], a["yanchor"])) for a in annotations]
