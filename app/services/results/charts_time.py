"""Trends over time: one measure per party across the rounds, with 95% confidence bands."""

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date

from app.services.results.charts import (
    Figure,
    Translate,
    base_layout,
    identity,
    measure_of,
    plain,
    series_style,
)
from app.services.results.dashboard import Dashboard, Estimate, PartyView

# Months as on the partners' calendars (the pages show dates on Dutch clocks too).
DISPLAY_TIMEZONE = ZoneInfo("Europe/Amsterdam")


def trend_figure(
    dashboard: Dashboard, *, measure: str, _: Translate = identity, language: str = "en"
) -> Figure:
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
        xaxis={
            "type": "date",
            "range": _time_range(dashboard),
            **_round_ticks(dashboard, language),
        },
        yaxis={"range": [0, 100], "dtick": 10, "title": {"text": _("Score (0-100)")}},
        shapes=[{**line, "line": {"color": "#444444", "width": 1.5, "dash": "dash"}}],
        legend={"orientation": "h", "x": 0, "y": -0.32, "yanchor": "top"},
        # Room on the right for the last round's name, centred on its tick.
        margin={"l": 64, "r": 56, "t": 56, "b": 24},
        height=400,
        # On a phone the rounds are named by number and month (see dashboard.js).
        meta={"narrow": {"xaxis.ticktext": _narrow_ticks(dashboard, language)}},
    )
    return {"data": data, "layout": layout}


def _round_ticks(dashboard: Dashboard, language: str) -> dict[str, Any]:
    """The rounds named on the time axis, each with its month in the page's language: Plotly's
    own month names are English, and a steering group thinks in rounds, not dates."""
    texts = [
        f"{number}. {plain(_short(r.label))}<br>{_month(r.moment, language)}"
        for number, r in enumerate(dashboard.rounds, start=1)
    ]
    return {
        "tickmode": "array",
        "tickvals": [r.moment.isoformat() for r in dashboard.rounds],
        "ticktext": texts,
        "tickangle": 0,
        "tickfont": {"size": 12},
        "automargin": True,
    }


def _narrow_ticks(dashboard: Dashboard, language: str) -> list[str]:
    return [
        f"{number}<br>{format_date(r.moment.astimezone(DISPLAY_TIMEZONE), 'MMM', locale=language)}"
        for number, r in enumerate(dashboard.rounds, start=1)
    ]


def _month(moment: datetime, language: str) -> str:
    return format_date(moment.astimezone(DISPLAY_TIMEZONE), "MMM yyyy", locale=language)


def _short(label: str, most: int = 14) -> str:
    """A long round label would run into its neighbour on the axis; the table has it whole."""
    return label if len(label) <= most else label[: most - 1].rstrip() + "…"


def _time_range(dashboard: Dashboard) -> list[str] | None:
    """A fortnight of room on both sides, so a single round is not drawn on an hour's axis."""
    if not dashboard.rounds:
        return None
    moments = [r.moment for r in dashboard.rounds]
    margin = timedelta(days=14)
    return [(min(moments) - margin).isoformat(), (max(moments) + margin).isoformat()]


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


def _translucent(colour: str, alpha: float = 0.1) -> str:
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red}, {green}, {blue}, {alpha})"
