"""Trends of a collaboration: every round's aggregates and the changes between rounds."""

from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, replace
from itertools import pairwise

from sqlmodel import Session, col, select

from app.infra.change_spill import ChangeSpill
from app.infra.results_cache import Memo, data_stamp, memo_name
from app.models import Alert, Collaboration, Round
from app.scoring import PairAggregate, PartyAggregate, RespondentTargetScores, compare_rounds
from app.scoring.change import GroupSample
from app.scoring.figures import respondent_means
from app.services.access.lookups import get_collaboration
from app.services.results import result_documents
from app.services.results.results import RoundResult, measured_rounds, results_for_rounds
from app.services.results.trend_types import (
    MeasureChangeResult,
    Moves,
    RoundTrends,
    Trends,
    TrendsJson,
    add_move,
)

__all__ = [
    "MeasureChangeResult",
    "RoundTrends",
    "Trends",
    "changes_between",
    "collaboration_trends",
    "round_trends",
]


@dataclass(frozen=True, slots=True)
class _Computed:
    """What later requests need: aggregates, the parties' changes (the dashboard) and the
    document's JSON. The pairs' changes, nine in ten, are only ever needed for that JSON."""

    results: list[RoundResult]
    party_changes: list[MeasureChangeResult]
    json: TrendsJson
    moves: dict[int, Moves]  # per round: every change from the round before (the story's)


# Recomputing a large collaboration's trends takes seconds; serving them again takes a stamp.
_computed = Memo(max_entries=8)


def collaboration_trends(
    session: Session, *, organisation_id: int, collaboration_id: int
) -> Trends:
    """Everything the trends document holds: figures, the parties' changes, the alerts."""
    found, computed, stamp = _current(session, organisation_id, collaboration_id)
    alerts = _alerts(session, collaboration_id)
    return Trends(found.collaboration, found.rounds, found.changes, alerts, computed.json, stamp)


def round_trends(session: Session, *, organisation_id: int, collaboration_id: int) -> RoundTrends:
    """The rounds' figures and the parties' changes, without loading every alert."""
    return _current(session, organisation_id, collaboration_id)[0]


def _current(
    session: Session, organisation_id: int, collaboration_id: int
) -> tuple[RoundTrends, _Computed, Hashable]:
    collaboration = get_collaboration(
        session, organisation_id=organisation_id, collaboration_id=collaboration_id
    )
    rounds = measured_rounds(session, collaboration_id=collaboration_id)
    stamp = data_stamp(session, collaboration=collaboration, rounds=rounds)
    name = memo_name(session, collaboration_id)
    computed = _computed.get_or_make(
        name, stamp, lambda: _compute(session, collaboration, rounds), size=lambda _: 0
    )
    # The same rows under the same stamp; this session's round objects are the current ones.
    results = [
        replace(result, round=round_)
        for result, round_ in zip(computed.results, rounds, strict=True)
    ]
    found = RoundTrends(collaboration, results, list(computed.party_changes), stamp, computed.moves)
    return found, computed, stamp


def _alerts(session: Session, collaboration_id: int | None) -> list[Alert]:
    query = select(Alert).where(Alert.collaboration_id == collaboration_id).order_by(col(Alert.id))
    return list(session.exec(query).all())


def every_change(
    session: Session, *, organisation_id: int, collaboration_id: int
) -> list[MeasureChangeResult]:
    """All changes, the pairs' too, computed afresh (the memo keeps only their JSON)."""
    collaboration = get_collaboration(
        session, organisation_id=organisation_id, collaboration_id=collaboration_id
    )
    rounds = measured_rounds(session, collaboration_id=collaboration_id)
    results = results_for_rounds(session, collaboration=collaboration, rounds=rounds)
    return [
        change for before, after in pairwise(results) for change in changes_between(before, after)
    ]


def _compute(session: Session, collaboration: Collaboration, rounds: Sequence[Round]) -> _Computed:
    """Round by round, keeping the scored rows of two rounds at a time: a worker's memory
    stays flat however many rounds a collaboration has. The results keep no rows, and each
    change is turned into its JSON as soon as it is found."""
    results: list[RoundResult] = []
    party_changes: list[MeasureChangeResult] = []
    moves: dict[int, Moves] = {}
    with ChangeSpill() as changes_json:
        for round_ in rounds:
            [current] = results_for_rounds(session, collaboration=collaboration, rounds=[round_])
            if results:
                round_moves = moves.setdefault(round_.id or 0, {})
                for change in changes_between(results[-1], current):
                    key = (change.party_id, change.target_party_id)
                    changes_json.add(key, result_documents.change_json(change))
                    add_move(round_moves, change)
                    if change.target_party_id is None:
                        party_changes.append(change)
                results[-1] = replace(results[-1], rows=[])
            results.append(current)
        if results:
            results[-1] = replace(results[-1], rows=[])
        alerts = _alerts(session, collaboration.id)  # the document's, as they are now
        document = result_documents.document_json(
            session, collaboration, results, alerts, changes_json
        )
    return _Computed(results, party_changes, document, moves)


def changes_between(before: RoundResult, after: RoundResult) -> list[MeasureChangeResult]:
    """Changes of every shown measure, per party and per directed pair, between two rounds.

    A group hidden (or a measure withheld) in either round gets no change: the change of a
    suppressed group would reveal what suppression hides.
    """
    measures = [m for m in after.roles.measures if m in before.roles.measures]
    previous = {p.party: p for p in before.aggregate.parties}
    rows_before, rows_after = _rows_by_party(before.rows), _rows_by_party(after.rows)
    found = []
    for party in after.aggregate.parties:
        earlier = previous.get(party.party)
        if earlier is None:
            continue
        sides = (rows_before.get(party.party, []), rows_after.get(party.party, []))
        found += _group_changes(before, after, (earlier, party), sides, measures, target=None)
        earlier_pairs = {t.target: t for t in earlier.targets}
        for pair in party.targets:
            if pair.target in earlier_pairs:
                groups = (earlier_pairs[pair.target], pair)
                found += _group_changes(before, after, groups, sides, measures, target=pair.target)
    return found


Group = PartyAggregate | PairAggregate


def _group_changes(
    before: RoundResult,
    after: RoundResult,
    groups: tuple[Group, Group],
    rows: tuple[list[RespondentTargetScores], list[RespondentTargetScores]],
    measures: Sequence[str],
    *,
    target: object,
) -> list[MeasureChangeResult]:
    earlier, later = groups
    if earlier.suppressed or later.suppressed:
        return []
    party_id = int(later.truster if isinstance(later, PairAggregate) else later.party)  # type: ignore[call-overload]
    shown = [m for m in measures if _shown(earlier, m, before) and _shown(later, m, after)]
    if not shown:
        return []
    samples_before, samples_after = _samples(rows[0], target), _samples(rows[1], target)
    found = []
    for measure in shown:
        change = compare_rounds(
            GroupSample(samples_before.get(measure, {})),
            GroupSample(samples_after.get(measure, {})),
            min_n=after.k,
        )
        if change.welch is None and change.paired is None:
            continue
        assert before.round.id is not None and after.round.id is not None
        found.append(
            MeasureChangeResult(
                party_id,
                None if target is None else int(target),  # type: ignore[call-overload]
                measure,
                before.round.id,
                after.round.id,
                change,
            )
        )
    return found


def _rows_by_party(
    rows: Sequence[RespondentTargetScores],
) -> dict[object, list[RespondentTargetScores]]:
    by_party: dict[object, list[RespondentTargetScores]] = defaultdict(list)
    for row in rows:
        by_party[row.truster_party].append(row)
    return by_party


def _samples(rows: Sequence[RespondentTargetScores], target: object) -> dict[str, dict[str, float]]:
    """`sample_of` for every measure at once: each respondent's means are computed once."""
    if target is not None:
        rows = [row for row in rows if row.target_party == target]
    values: dict[str, dict[str, float]] = defaultdict(dict)
    for (_, participant), scales in respondent_means(rows).items():
        for measure, value in scales.items():
            if value is not None:
                values[measure][participant] = value
    return values


def _shown(group: Group, measure: str, result: RoundResult) -> bool:
    if measure == result.roles.propensity:
        return group.propensity is not None
    if measure == result.roles.analysis:
        return group.analysis is not None
    return group.areas is not None and measure in group.areas
