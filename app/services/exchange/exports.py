"""Collaboration exports in long format: individual answers in identified mode, else aggregates.

Anonymity: individual rows only when the collaboration is explicitly in identified mode.
Otherwise one row per round x truster party x target party x scale or item, with n and the
mean. Scale figures are exactly what the scores API shows (the same aggregation, with its
primary and complementary suppression). An item's mean is shown only where its pair and its
scale are shown and at least k respondents answered the item, so an item never reveals a
figure its scale withholds. Every export is written to the audit log.
"""

from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Literal

from sqlmodel import Session, col, select

from app.models import Collaboration, Participant, Party, Response, Round
from app.scoring import PairAggregate, QuestionnaireDefinition, Summary
from app.services.access.lookups import get_collaboration
from app.services.exchange import export_formats
from app.services.exchange.export_formats import CsvStyle, Table
from app.services.privacy import audit
from app.services.results import results
from app.services.setup import questionnaires

ExportFormat = Literal["csv", "xlsx", "sav"]
DONT_KNOW = {"nl": "Weet niet", "en": "Don't know"}


@dataclass(frozen=True, slots=True)
class ExportFile:
    content: bytes
    media_type: str
    filename: str
    mode: Literal["individual", "aggregate"]


def export_collaboration(
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
    """`language` (default: the collaboration's) labels columns and values; a CSV for people
    (`csv_style`, e.g. EXCEL["nl"]) carries those labels instead of the variable names."""
    collaboration = get_collaboration(
        session, organisation_id=organisation_id, collaboration_id=collaboration_id
    )
    language = language or collaboration.language
    rounds = results.measured_rounds(session, collaboration_id=collaboration_id)
    if collaboration.identified_mode:
        table = _individual_table(session, collaboration, rounds, language)
    else:
        table = _aggregate_table(session, collaboration, rounds, language)
    content, media_type = export_formats.write(table, format, csv_style=csv_style)
    mode: Literal["individual", "aggregate"] = (
        "individual" if collaboration.identified_mode else "aggregate"
    )
    audit.record(
        session,
        organisation_id=organisation_id,
        action="collaboration.exported",
        subject=f"collaboration:{collaboration_id} format:{format} rows:{mode}",
        api_key_id=api_key_id,
        user_id=user_id,
    )
    filename = f"trustmeter-collaboration-{collaboration_id}-{mode}.{format}"
    return ExportFile(content, media_type, filename, mode)


def _party_names(session: Session, collaboration_id: int | None) -> dict[int, str]:
    query = select(Party.id, Party.name).where(Party.collaboration_id == collaboration_id)
    return {party_id: name for party_id, name in session.exec(query) if party_id is not None}


def _round_fields(number: int, round_: Round) -> dict[str, Any]:
    return {
        "round_number": number,
        "round_id": round_.id,
        "round": round_.label,
        "phase": round_.phase.value,
    }


def _individual_table(
    session: Session, collaboration: Collaboration, rounds: list[Round], language: str
) -> Table:
    names = _party_names(session, collaboration.id)
    by_id = {r.id: (number, r) for number, r in enumerate(rounds, start=1)}
    query = (
        select(Response, Participant.pseudonym)
        .join(Participant, col(Participant.id) == col(Response.participant_id))
        .where(col(Response.round_id).in_(list(by_id)))
        .where(col(Response.submitted_at).is_not(None))
        .order_by(col(Response.round_id), col(Response.participant_id), col(Response.id))
    )
    rows: list[dict[str, Any]] = []
    for response, pseudonym in session.exec(query):
        number, round_ = by_id[response.round_id]
        definition = questionnaires.definition_by_id(session, round_.questionnaire_id)
        base = {
            **_round_fields(number, round_),
            "party_id": response.truster_party_id,
            "party": names.get(response.truster_party_id, ""),
            "participant": pseudonym,
            "target_party_id": response.target_party_id,
            "target": names.get(response.target_party_id, ""),
        }
        for item in definition.items:
            if item.id not in response.answers:
                continue  # not answered at all (a "don't know" is an answer)
            value = response.answers[item.id]
            label = definition.anchor(value) if value is not None else None
            rows.append(
                {
                    **base,
                    "item": item.id,
                    "scale": item.scale,
                    "value": value,
                    "value_label": label.get(language) if label else _dont_know(value, language),
                }
            )
    return export_formats.individual(rows, _definitions(session, rounds), language)


def _dont_know(value: int | None, language: str) -> str:
    return DONT_KNOW.get(language, DONT_KNOW["en"]) if value is None else ""


def _definitions(session: Session, rounds: list[Round]) -> list[QuestionnaireDefinition]:
    return [questionnaires.definition_by_id(session, r.questionnaire_id) for r in rounds]


def _aggregate_table(
    session: Session, collaboration: Collaboration, rounds: list[Round], language: str
) -> Table:
    names = _party_names(session, collaboration.id)
    found = results.results_for_rounds(session, collaboration=collaboration, rounds=rounds)
    item_values = _item_values(session, [r.id for r in rounds if r.id is not None])
    k = collaboration.anonymity_threshold
    rows: list[dict[str, Any]] = []
    for number, result in enumerate(found, start=1):
        definition = questionnaires.definition_by_id(session, result.round.questionnaire_id)
        for party in result.aggregate.parties:
            for pair in party.targets:
                base = {
                    **_round_fields(number, result.round),
                    "party_id": pair.truster,
                    "party": names.get(pair.truster, ""),  # type: ignore[call-overload]
                    "target_party_id": pair.target,
                    "target": names.get(pair.target, ""),  # type: ignore[call-overload]
                }
                values = item_values[(result.round.id, pair.truster, pair.target)]
                rows.extend(_pair_rows(base, pair, definition, values, k))
    return export_formats.aggregate(rows, language, _definitions(session, rounds))


def _pair_rows(
    base: dict[str, Any],
    pair: PairAggregate,
    definition: QuestionnaireDefinition,
    values: dict[str, list[int]],
    k: int,
) -> list[dict[str, Any]]:
    if pair.n == 0:  # nobody answered: nothing to hide, nothing to show
        empty = Summary(0, None, None, None, None)
        return [
            _figure_row(base, level, item, scale, empty)
            for level, item, scale in _measures(definition)
        ]
    shown = _shown_scales(pair, definition)
    rows = []
    for level, item, scale in _measures(definition):
        summary = shown.get(scale)
        if level == "item":
            answered = values.get(item, [])
            visible = summary is not None and len(answered) >= k
            summary = _item_summary(answered) if visible else None
        rows.append(_figure_row(base, level, item, scale, summary))
    return rows


def _measures(definition: QuestionnaireDefinition) -> list[tuple[str, str, str]]:
    """(level, item, scale) for every scale followed by its items."""
    found = []
    for scale in definition.scales:
        found.append(("scale", "", scale.key))
        found.extend(("item", item.id, scale.key) for item in definition.items_of(scale.key))
    return found


def _item_summary(values: list[int]) -> Summary:
    return Summary(len(values), sum(values) / len(values), None, None, None)


def _shown_scales(pair: PairAggregate, definition: QuestionnaireDefinition) -> dict[str, Summary]:
    """The scale figures the scores API shows for this pair (none when it is suppressed)."""
    if pair.suppressed:
        return {}
    shown = dict(pair.areas or {})
    for scale, summary in (
        (definition.propensity_scale.key, pair.propensity),
        (definition.analysis_scale.key, pair.analysis),
    ):
        if summary is not None:
            shown[scale] = summary
    return shown


def _figure_row(
    base: dict[str, Any], level: str, item: str, scale: str, summary: Summary | None
) -> dict[str, Any]:
    return {
        **base,
        "level": level,
        "item": item,
        "scale": scale,
        "n": summary.n if summary else None,
        "mean": summary.mean if summary else None,
        "suppressed": summary is None,
    }


def _item_values(
    session: Session, round_ids: list[int]
) -> defaultdict[tuple[int | None, Any, Any], dict[str, list[int]]]:
    """Submitted answers per (round, truster, target): item id -> the values given."""
    query = (
        select(
            Response.round_id, Response.truster_party_id, Response.target_party_id, Response.answers
        )
        .where(col(Response.round_id).in_(round_ids))
        .where(col(Response.submitted_at).is_not(None))
    )
    found: defaultdict[tuple[int | None, Any, Any], dict[str, list[int]]] = defaultdict(dict)
    for round_id, truster, target, answers in session.exec(query):
        pair = found[(round_id, truster, target)]
        for item_id, value in answers.items():
            if value is not None:
                pair.setdefault(item_id, []).append(value)
    return found
