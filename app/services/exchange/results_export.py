"""The results export: per round, party and relationship the figures a coach sees, as a file.

One row per round x truster party (x target party) x measure: n, response rate, mean with its
95% interval, the zone, and the change since the previous round with its interval. The
figures come from the same aggregation and change computation as the scores and trends API,
so a hidden group is hidden here too, and so is its change: `suppressed` 1 says "fewer than k",
2 "hidden to protect a smaller group" (k or more, but shown it would give a smaller one away).
Only closed rounds are exported: an open round's figures would move with every submission.
"""

from functools import lru_cache
from itertools import pairwise
from typing import Any

from sqlmodel import Session, select

from app.models import Party
from app.scoring import PairAggregate, PartyAggregate
from app.scoring.aggregate import COMPLEMENTARY
from app.services.access.lookups import get_collaboration
from app.services.exchange import export_formats
from app.services.exchange.export_formats import CsvStyle, Table
from app.services.exchange.exports import ExportFile, ExportFormat
from app.services.privacy import audit
from app.services.results import results, trends
from app.services.results.story import wording_for
from app.services.results.trend_types import MeasureChangeResult
from app.services.setup import questionnaires

COLUMNS = [
    "round_number",
    "round",
    "phase",
    "party",
    "target",
    "measure",
    "measure_label",
    "n",
    "response_rate",
    "mean",
    "ci_low",
    "ci_high",
    "zone",
    "change",
    "change_ci_low",
    "change_ci_high",
    "suppressed",
]
# Columns shared with the answers export keep its labels; these say what differs here.
LABELS = {
    **{key: export_formats.LABELS[key] for key in ("round_number", "round", "phase", "party", "n")},
    "target": ("Beoordeelde partij (leeg: alle samen)", "Target party (empty: all together)"),
    "measure": ("Maat (sleutel)", "Measure (key)"),
    "measure_label": ("Maat", "Measure"),
    "response_rate": ("Respons (deel van de uitgenodigden)", "Response rate (share of invited)"),
    "mean": ("Gemiddelde (0-100)", "Mean (0-100)"),
    "ci_low": ("95%-interval, ondergrens", "95% interval, lower bound"),
    "ci_high": ("95%-interval, bovengrens", "95% interval, upper bound"),
    "zone": ("Zone", "Zone"),
    "change": ("Verandering sinds de vorige ronde", "Change since the previous round"),
    "change_ci_low": ("Verandering, 95%-interval ondergrens", "Change, 95% interval lower"),
    "change_ci_high": ("Verandering, 95%-interval bovengrens", "Change, 95% interval upper"),
    "suppressed": ("Niet getoond", "Not shown"),
}


@lru_cache(maxsize=4)
def zone_names(language: str) -> dict[str, str]:
    """The zones as the dashboard's story names them, in running text (lower case)."""
    return {key: name.lower() for key, name in wording_for(language).zone_names.items()}


EMPTY: dict[str, Any] = dict.fromkeys(COLUMNS)
HIDDEN = {"nl": "minder dan k respondenten", "en": "fewer than k respondents"}
# Hidden with k or more respondents, because shown it would give a smaller hidden group away.
PROTECTING = {
    "nl": "verborgen om een kleinere groep te beschermen",
    "en": "hidden to protect a smaller group",
}


def export_results(
    session: Session,
    *,
    organisation_id: int,
    collaboration_id: int,
    format: ExportFormat,
    language: str | None = None,
    csv_style: CsvStyle | None = None,
    api_key_id: int | None = None,
    user_id: int | None = None,
) -> ExportFile:
    collaboration = get_collaboration(
        session, organisation_id=organisation_id, collaboration_id=collaboration_id
    )
    language = language if language in ("nl", "en") else collaboration.language
    rounds = results.measured_rounds(session, collaboration_id=collaboration_id)
    found = results.results_for_rounds(session, collaboration=collaboration, rounds=rounds)
    changes = {
        _change_key(change): change
        for before, after in pairwise(found)
        for change in trends.changes_between(before, after)
    }
    names = {
        party_id: name
        for party_id, name in session.exec(
            select(Party.id, Party.name).where(Party.collaboration_id == collaboration_id)
        )
    }
    rows: list[dict[str, Any]] = []
    for number, result in enumerate(found, start=1):
        definition = questionnaires.definition_by_id(session, result.round.questionnaire_id)
        titles = {scale.key: scale.title.get(language) for scale in definition.scales}
        base = {**EMPTY, "round_number": number, "round": result.round.label}
        base["phase"] = export_formats.PHASES[language][result.round.phase.value]
        for party in result.aggregate.parties:
            context = (result.round.id, changes, names, titles, language)
            rows += _group_rows(base, party, None, *context)
            for pair in party.targets:
                rows += _group_rows(base, pair, party, *context)
    table = _table(rows, language)
    content, media_type = export_formats.write(table, format, csv_style=csv_style)
    audit.record(
        session,
        organisation_id=organisation_id,
        action="collaboration.exported",
        subject=f"collaboration:{collaboration_id} format:{format} rows:results",
        api_key_id=api_key_id,
        user_id=user_id,
    )
    filename = f"trustmeter-collaboration-{collaboration_id}-results.{format}"
    return ExportFile(content, media_type, filename, "aggregate")


def _change_key(change: MeasureChangeResult) -> tuple[Any, Any, str, int]:
    return (change.party_id, change.target_party_id, change.measure, change.to_round_id)


def _group_rows(
    base: dict[str, Any],
    group: PartyAggregate | PairAggregate,
    truster: PartyAggregate | None,
    round_id: int | None,
    changes: dict[tuple[Any, Any, str, int], MeasureChangeResult],
    names: dict[Any, str],
    titles: dict[str, str],
    language: str,
) -> list[dict[str, Any]]:
    if truster is None:
        assert isinstance(group, PartyAggregate)
        party, target, rate = group.party, None, group.response_rate
    else:
        assert isinstance(group, PairAggregate)
        party, target, rate = group.truster, group.target, None
    who = {"party": names.get(party, ""), "target": names.get(target, "") if target else ""}
    if group.suppressed:
        code = 2 if group.reason == COMPLEMENTARY else 1
        return [{**base, **who, "n": None, "suppressed": code}]
    measures = {"propensity": group.propensity, "analysis": group.analysis, **(group.areas or {})}
    zones = zone_names(language)
    rows = []
    for measure, summary in measures.items():
        if summary is None:
            continue
        key = (party, target, measure, round_id or 0)
        change = changes.get(key)
        welch = change.change.welch if change else None
        rows.append(
            {
                **base,
                **who,
                "measure": measure,
                "measure_label": titles.get(measure, measure),
                "n": group.n,
                "response_rate": round(rate * 100, 1) if rate is not None else None,
                "mean": _rounded(summary.mean),
                "ci_low": _rounded(summary.ci_low),
                "ci_high": _rounded(summary.ci_high),
                "zone": zones.get(group.zone.value, "") if group.zone else "",
                "change": _rounded(welch.difference) if welch else None,
                "change_ci_low": _rounded(welch.ci_low) if welch else None,
                "change_ci_high": _rounded(welch.ci_high) if welch else None,
                "suppressed": 0,
            }
        )
    return rows


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _table(rows: list[dict[str, Any]], language: str) -> Table:
    shown = {"nl": "getoond", "en": "shown"}[language]
    value_labels: dict[str, dict[Any, str]] = {
        "round_number": {row["round_number"]: row["round"] for row in rows},
        "suppressed": {0: shown, 1: HIDDEN[language], 2: PROTECTING[language]},
    }
    labels = {column: LABELS[column][0 if language == "nl" else 1] for column in COLUMNS}
    return Table(COLUMNS, rows, labels, value_labels, language)
