"""Chart builders as pure functions: the figure data they produce, never HTML."""

import copy
import itertools
import json
import re
from datetime import UTC, datetime
from typing import Any

import pytest

from app.services.results.charts import COLOURS, Figure, matrix_figure, zone_names
from app.services.results.charts_grid import (
    areas_heatmap,
    pair_matrix_figure,
    participation_figure,
    perception_gap_figure,
)
from app.services.results.charts_time import trend_figure
from app.services.results.dashboard import (
    Dashboard,
    Estimate,
    Participation,
    PartyView,
    Position,
    RoundView,
    ScaleView,
    Shift,
)

A, B = 1, 2
R1, R2, R3 = 10, 20, 30


def est(mean: float, half: float | None = 5.0, n: int = 5) -> Estimate:
    return Estimate(mean, mean - half if half else None, mean + half if half else None, n)


def pos(p: float, a: float, **areas: float) -> Position:
    return Position(
        n=5,
        suppressed=False,
        propensity=est(p),
        analysis=est(a),
        zone="smart_trust",
        areas={key: est(v) for key, v in areas.items()},
    )


HIDDEN = Position(n=None, suppressed=True)


def make_dashboard(**overrides: Any) -> Dashboard:
    values: dict[str, Any] = {
        "collaboration_id": 1,
        "name": "Bruggen",
        "k": 3,
        "propensity_cutoff": 50.0,
        "analysis_cutoff": 60.0,
        "rounds": [
            RoundView(
                R1, "Nulmeting", "preparation", "closed", datetime(2026, 1, 5, tzinfo=UTC), None
            ),
            RoundView(R2, "Gunning", "tender", "closed", datetime(2026, 4, 6, tzinfo=UTC), None),
            RoundView(
                R3, "Uitvoering", "execution", "open", datetime(2026, 9, 7, tzinfo=UTC), None
            ),
        ],
        "parties": [PartyView(A, "Gemeente <A>", "client"), PartyView(B, "Aannemer", "contractor")],
        "positions": {
            (A, R1): pos(30, 70, integrity=40),
            (A, R2): pos(45, 72, integrity=55),
            (A, R3): pos(62, 75, integrity=70),
            (B, R1): pos(70, 30, integrity=60),
            (B, R2): HIDDEN,
            (B, R3): pos(40, 35, integrity=45),
        },
        "pairs": {
            (A, B, R3): pos(62, 75),
            (B, A, R3): pos(40, 35),
            (A, B, R2): pos(45, 72),
            (B, A, R2): HIDDEN,
        },
        "areas": [ScaleView("integrity", {"nl": "Integriteit", "en": "Integrity"})],
        "shifts": [
            Shift(A, "integrity", R1, R2, 15.0, 4.0, 26.0),
            Shift(A, "integrity", R2, R3, 15.0, -2.0, 32.0),
        ],
        "participation": {
            (A, R1): Participation(invited=6, started=0, submitted=5),
            (B, R1): Participation(invited=6, started=1, submitted=2),
        },
        "alerts": [],
        "open_alerts": 0,
        "seen_alerts": 0,
    }
    values.update(overrides)
    return Dashboard(**values)


def test_matrix_draws_the_cutoffs_where_the_collaboration_put_them() -> None:
    figure = matrix_figure(make_dashboard())
    lines = [s for s in figure["layout"]["shapes"] if s["type"] == "line"]
    assert {(s["x0"], s["x1"], s["y0"], s["y1"]) for s in lines} == {
        (50.0, 50.0, 0, 100),
        (0, 100, 60.0, 60.0),
    }
    assert figure["layout"]["xaxis"]["range"] == [0, 100]
    assert figure["layout"]["yaxis"]["range"] == [0, 100]


def test_matrix_labels_all_four_zones_in_the_right_corners() -> None:
    figure = matrix_figure(make_dashboard(), _=str.upper)
    annotations = figure["layout"]["annotations"]
    names = [a for a in annotations if a["text"] and not a["text"].isdigit()]
    labels = {a["text"]: (a["x"], a["y"]) for a in names}
    assert labels == {
        "DISTRUST": (2, 98),
        "SMART TRUST": (98, 98),
        "NO TRUST": (2, 2),
        "BLIND TRUST": (98, 2),
    }


def test_matrix_shows_each_partys_rounds_joined_by_arrows() -> None:
    figure = matrix_figure(make_dashboard())
    first = figure["data"][0]
    assert (first["x"], first["y"], first["text"]) == ([30, 45, 62], [70, 72, 75], ["1", "2", "3"])
    arrows = [a for a in figure["layout"]["annotations"] if a.get("showarrow")]
    a_arrows = [(a["ax"], a["ay"], a["x"], a["y"]) for a in arrows if a["arrowcolor"] == COLOURS[0]]
    assert a_arrows == [(30, 70, 45, 72), (45, 72, 62, 75)]


def test_a_suppressed_round_leaves_no_point_and_no_number() -> None:
    figure = matrix_figure(make_dashboard())
    second = figure["data"][1]
    assert (second["x"], second["text"]) == ([70, 40], ["1", "3"])
    assert "customdata" in second and all(row[2] == 5 for row in second["customdata"])


def test_matrix_error_bars_are_the_confidence_intervals() -> None:
    dashboard = make_dashboard(positions={(A, R1): pos(30, 70)} | {(A, R2): HIDDEN})
    trace = matrix_figure(dashboard, selected_round_id=R1)["data"][0]
    assert trace["error_x"]["array"] == [5.0] and trace["error_x"]["arrayminus"] == [5.0]
    assert trace["error_y"]["symmetric"] is False


def test_only_the_selected_rounds_uncertainty_is_drawn_and_lightly() -> None:
    trace = matrix_figure(make_dashboard(), selected_round_id=R2)["data"][0]
    assert trace["error_x"]["array"] == [0, 5.0]  # the earlier point is the trail, no cross
    assert trace["error_x"]["color"].startswith("rgba(") and trace["error_x"]["width"] == 0


def test_round_selector_shows_the_trajectory_up_to_that_round_and_enlarges_it() -> None:
    trace = matrix_figure(make_dashboard(), selected_round_id=R2)["data"][0]
    assert trace["x"] == [30, 45]
    assert trace["marker"]["size"] == [10, 18]


def test_parties_differ_in_symbol_and_not_only_in_colour() -> None:
    traces = matrix_figure(make_dashboard())["data"]
    symbols = {t["marker"]["symbol"] for t in traces}
    assert len(symbols) == len(traces)


def test_party_names_are_escaped_for_plotlys_label_markup() -> None:
    trace = matrix_figure(make_dashboard())["data"][0]
    assert trace["name"] == "Gemeente &lt;A&gt;"


def test_trend_uses_a_time_axis_and_leaves_empty_rounds_as_gaps() -> None:
    figure = trend_figure(make_dashboard(), measure="propensity")
    lines = [t for t in figure["data"] if t.get("showlegend") is not False]
    b_line = lines[1]
    assert figure["layout"]["xaxis"]["type"] == "date"
    assert figure["layout"]["xaxis"]["range"] == [
        "2025-12-22T00:00:00+00:00",
        "2026-09-21T00:00:00+00:00",
    ]
    assert b_line["x"][0].startswith("2026-01-05")
    assert b_line["y"] == [70, None, 40] and b_line["connectgaps"] is False


def test_confidence_bands_do_not_bridge_a_gap() -> None:
    figure = trend_figure(make_dashboard(), measure="analysis")
    b_bands = [
        t for t in figure["data"] if t.get("fill") == "toself" and t["legendgroup"] == "party-2"
    ]
    assert [band["y"] for band in b_bands] == [[35, 25], [40, 30]]


def test_a_band_needs_an_interval() -> None:
    positions = {(A, R1): Position(n=1, suppressed=False, propensity=est(40, half=None))}
    figure = trend_figure(make_dashboard(positions=positions), measure="propensity")
    assert [t for t in figure["data"] if t.get("fill")] == []


def test_areas_heatmap_marks_only_significant_changes() -> None:
    figure = areas_heatmap(make_dashboard(), party_id=A, language="en")
    trace = figure["data"][0]
    assert trace["y"] == ["Integrity"]
    assert trace["x"] == ["1. Nulmeting", "2. Gunning", "3. Uitvoering"]
    assert trace["z"] == [[40, 55, 70]]
    assert trace["text"] == [["40", "55 ▲", "70"]]


def test_areas_heatmap_says_fewer_than_k_for_a_suppressed_round() -> None:
    trace = areas_heatmap(make_dashboard(), party_id=B, language="nl")["data"][0]
    assert trace["z"][0][1] is None
    assert trace["text"][0][1] == "fewer than 3"


def test_heatmaps_keep_gaps_between_cells_and_no_colour_scale() -> None:
    trace = areas_heatmap(make_dashboard(), party_id=A, language="en")["data"][0]
    assert (trace["xgap"], trace["ygap"], trace["showscale"]) == (2, 2, False)


def test_pair_matrix_has_trusters_as_rows_and_leaves_the_diagonal_empty() -> None:
    trace = pair_matrix_figure(make_dashboard(), round_id=R3, measure="propensity")["data"][0]
    assert trace["z"] == [[None, 62], [40, None]]
    assert trace["text"] == [["", "62"], ["40", ""]]


def test_perception_gap_puts_a_about_b_next_to_b_about_a() -> None:
    figure = perception_gap_figure(make_dashboard(), a_id=A, b_id=B, round_id=R3)
    names = [t["name"] for t in figure["data"]]
    assert names == ["Gemeente &lt;A&gt; about Aannemer", "Aannemer about Gemeente &lt;A&gt;"]
    assert [t["x"] for t in figure["data"]] == [[62, 75], [40, 35]]
    symbols = [t["marker"]["symbol"] for t in figure["data"]]
    assert symbols[0] != symbols[1]
    assert figure["layout"]["scattermode"] == "group"


def test_perception_gap_with_a_suppressed_side_shows_no_number_for_it() -> None:
    figure = perception_gap_figure(make_dashboard(), a_id=A, b_id=B, round_id=R2)
    hidden = figure["data"][1]
    assert hidden["x"] == [None, None]
    assert hidden["text"] == ["fewer than 3", "fewer than 3"]


def test_participation_shows_rates_and_counts_per_round() -> None:
    figure = participation_figure(make_dashboard())
    a, b = figure["data"]
    assert a["x"] == ["1. Nulmeting", "2. Gunning", "3. Uitvoering"]
    assert (a["y"], a["text"]) == ([83, None, None], ["5/6", "", ""])
    assert b["y"][0] == 33 and a["marker"]["symbol"] != b["marker"]["symbol"]


@pytest.mark.parametrize(
    "build",
    [
        lambda d: matrix_figure(d),
        lambda d: trend_figure(d, measure="analysis"),
        lambda d: areas_heatmap(d, party_id=A, language="nl"),
        lambda d: pair_matrix_figure(d, round_id=R3, measure="analysis"),
        lambda d: perception_gap_figure(d, a_id=A, b_id=B, round_id=R3),
        lambda d: participation_figure(d),
    ],
)
def test_every_figure_is_plain_json_with_a_title(build: Any) -> None:
    figure = build(make_dashboard())
    assert json.loads(json.dumps(figure)) == figure
    assert figure["layout"]["title"]["text"]


def test_an_empty_collaboration_still_draws_the_matrix() -> None:
    figure = matrix_figure(make_dashboard(rounds=[], positions={}, parties=[]))
    assert figure["data"] == [] and len(figure["layout"]["annotations"]) == 4


def test_zone_names_are_translated_through_the_given_function() -> None:
    assert zone_names(lambda text: f"[{text}]")["distrust"] == "[Distrust]"


# Label placement on the matrix: boxes measured here independently of the placement code, in
# the pixels of a plot of the given size, with Plotly's conventions (`ay` counts downwards).
def _label_boxes(layout: dict[str, Any], width: float, height: float) -> list[tuple[float, ...]]:
    boxes: list[tuple[float, ...]] = []
    for a in layout["annotations"]:
        if not a["text"].isdigit():
            continue
        size = a["font"]["size"]
        w, h = 0.6 * size * len(a["text"]) + 4, 1.2 * size + 4  # digits, padding and border
        cx = a["x"] / 100 * width + (a["ax"] if a["showarrow"] else a["xshift"])
        cy = a["y"] / 100 * height + (-a["ay"] if a["showarrow"] else a["yshift"])
        boxes.append((cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2))
    return boxes


def _markers(figure: Figure, width: float, height: float) -> list[tuple[float, ...]]:
    found: list[tuple[float, ...]] = []
    for trace in figure["data"]:
        for x, y, size in zip(trace["x"], trace["y"], trace["marker"]["size"], strict=True):
            px, py, r = x / 100 * width, y / 100 * height, size / 2
            found.append((px - r, py - r, px + r, py + r))
    return found


def _overlaps(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _narrow(layout: dict[str, Any]) -> dict[str, Any]:
    """The layout as dashboard.js relayouts it on a phone: `annotations[i].font.size` etc."""
    narrowed = copy.deepcopy(layout)
    for key, value in layout["meta"]["narrow"].items():
        *path, last = re.findall(r"[a-z_]+|\[\d+\]", key)
        node: Any = narrowed
        for part in path:
            node = node[int(part[1:-1])] if part.startswith("[") else node.setdefault(part, {})
        node[last] = value
    return narrowed


def _cluster() -> Dashboard:
    """Three parties whose four rounds lie within a few points of each other."""
    parties = [PartyView(1, "Gemeente", "client"), PartyView(2, "Provincie", "client")]
    parties.append(PartyView(3, "Aannemer", "contractor"))
    last = RoundView(
        40, "Oplevering", "evaluation", "closed", datetime(2026, 12, 1, tzinfo=UTC), None
    )
    rounds = [*make_dashboard().rounds, last]
    walk = [(57, 63), (58.5, 64), (60, 65.5), (61, 66)]
    positions = {
        (party.id, r.id): pos(x + party.id * 0.8, y - party.id * 0.6)
        for party in parties
        for r, (x, y) in zip(rounds, walk, strict=True)
    }
    return make_dashboard(parties=parties, rounds=rounds, positions=positions, pairs={})


@pytest.mark.parametrize(
    ("narrow", "width", "height"),
    [(False, 470, 380), (False, 700, 390), (False, 900, 400), (True, 230, 320), (True, 420, 340)],
)
def test_round_numbers_of_a_close_cluster_do_not_collide(
    narrow: bool, width: float, height: float
) -> None:
    figure = matrix_figure(_cluster(), selected_round_id=40)
    layout = _narrow(figure["layout"]) if narrow else figure["layout"]
    labels = _label_boxes(layout, width, height)
    assert len(labels) == 12  # every round of every party is numbered
    for i, j in itertools.combinations(range(len(labels)), 2):
        assert not _overlaps(labels[i], labels[j]), (i, j, labels[i], labels[j])
    for label in labels:
        assert not any(_overlaps(label, marker) for marker in _markers(figure, width, height))


def test_a_number_far_from_its_point_is_joined_to_it_by_a_faint_line() -> None:
    annotations = matrix_figure(_cluster(), selected_round_id=40)["layout"]["annotations"]
    numbers = [a for a in annotations if a["text"].isdigit()]
    leaders = [a for a in numbers if a["showarrow"]]
    assert leaders, "a cluster this close needs leader lines"
    assert all(a["arrowhead"] == 0 and a["arrowcolor"].startswith("rgba(") for a in leaders)
    assert all(a["xshift"] == 0 and a["yshift"] == 0 for a in leaders)


def test_the_phone_layout_moves_every_number_and_can_be_undone() -> None:
    layout = matrix_figure(_cluster(), selected_round_id=40)["layout"]
    narrow = layout["meta"]["narrow"]
    indices = [i for i, a in enumerate(layout["annotations"]) if a["text"].isdigit()]
    for i in indices:
        assert {
            f"annotations[{i}].{k}" for k in ("ax", "ay", "xshift", "yshift", "showarrow")
        } <= set(narrow)
        # dashboard.js restores the laptop's places from the figure: every key must exist there.
        assert "showarrow" in layout["annotations"][i] and "xshift" in layout["annotations"][i]


def test_a_long_trail_numbers_where_each_party_started_and_stands() -> None:
    rounds = [
        RoundView(100 + j, f"R{j}", "other", "closed", datetime(2026, 1, 1 + j, tzinfo=UTC), None)
        for j in range(12)
    ]
    parties = [PartyView(i, f"P{i}", "client") for i in range(1, 5)]
    positions = {
        (p.id, r.id): pos(20 + 5 * j, 20 * p.id + j) for p in parties for j, r in enumerate(rounds)
    }
    figure = matrix_figure(make_dashboard(rounds=rounds, parties=parties, positions=positions))
    numbers = [a for a in figure["layout"]["annotations"] if a["text"].isdigit()]
    assert len(numbers) == 32  # 48 points: a budget, not a thicket
    per_party = {p.id: {a["text"] for a in numbers if a["y"] // 20 == p.id} for p in parties}
    assert all({"1", "12"} <= texts for texts in per_party.values())
    assert all(trace["text"] == [str(n) for n in range(1, 13)] for trace in figure["data"])
