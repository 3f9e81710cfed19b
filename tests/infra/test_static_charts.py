"""The report's chart drawer draws each distinct figure once, and answers in the asked order."""

from typing import Any

import pytest

from app.infra import static_charts
from app.infra.static_charts import ChartDrawer


def _figure(title: str) -> dict[str, Any]:
    return {"data": [{"type": "scatter", "x": [1, 2], "y": [3, 4]}], "layout": {"title": title}}


def test_a_figure_drawn_before_is_not_drawn_again(monkeypatch: pytest.MonkeyPatch) -> None:
    drawer = ChartDrawer()
    asked: list[list[str]] = []

    async def draw_all(figures: list[dict[str, Any]]) -> list[bytes]:
        asked.append([f["layout"]["title"] for f in figures])
        return [f"<svg>{f['layout']['title']}</svg>".encode() for f in figures]

    monkeypatch.setattr(drawer, "_draw_all", draw_all)
    try:
        first = drawer.svgs([_figure("a"), _figure("b")])
        second = drawer.svgs([_figure("c"), _figure("a"), _figure("b")])
    finally:
        drawer.close()
    assert first == [b"<svg>a</svg>", b"<svg>b</svg>"]
    assert second == [b"<svg>c</svg>", b"<svg>a</svg>", b"<svg>b</svg>"]
    assert asked == [["a", "b"], ["c"]]


def test_the_drawer_keeps_a_bounded_number_of_pictures(monkeypatch: pytest.MonkeyPatch) -> None:
    drawer = ChartDrawer()

    async def draw_all(figures: list[dict[str, Any]]) -> list[bytes]:
        return [b"<svg/>" for _ in figures]

    monkeypatch.setattr(drawer, "_draw_all", draw_all)
    try:
        for number in range(static_charts.DRAWN_KEPT + 10):
            drawer.svgs([_figure(str(number))])
    finally:
        drawer.close()
    assert len(drawer._drawn) == static_charts.DRAWN_KEPT


def test_the_report_charts_are_drawn_with_the_vendored_cartesian_bundle() -> None:
    # Kaleido reloads plotly.js after every figure; the small bundle is what makes that cheap.
    assert static_charts.PLOTLY_JS.name == "plotly-cartesian.min.js"
    assert static_charts.PLOTLY_JS.is_file()
