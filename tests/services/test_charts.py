"""Chart builders as pure functions: the figure data they produce, never HTML."""

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from app.services.results.charts import COLOURS, matrix_figure, zone_names
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
    labels = {a["text"]: (a["x"], a["y"]) for a in figure["layout"]["annotations"] if a["text"]}
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
