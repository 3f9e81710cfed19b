"""Trends of a collaboration: every round's aggregates and the changes between rounds."""

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from sqlmodel import Session, col, select

from app.models import Alert, Collaboration
from app.scoring import (
    MeasureChange,
    PairAggregate,
    PartyAggregate,
    RespondentTargetScores,
    compare_rounds,
    sample_of,
)
from app.services.access import get_collaboration
from app.services.results import RoundResult, measured_rounds, results_for_rounds


@dataclass(frozen=True, slots=True)
class MeasureChangeResult:
    """One measure's change between consecutive rounds, for a party (target None) or a pair."""

    party_id: int
    target_party_id: int | None
    measure: str
    from_round_id: int
    to_round_id: int
    change: MeasureChange


@dataclass(frozen=True, slots=True)
class Trends:
    collaboration: Collaboration
    rounds: list[RoundResult]
    changes: list[MeasureChangeResult]
    alerts: list[Alert]


def collaboration_trends(
    session: Session, *, organisation_id: int, collaboration_id: int
) -> Trends:
    collaboration = get_collaboration(
        session, organisation_id=organisation_id, collaboration_id=collaboration_id
    )
    rounds = measured_rounds(session, collaboration_id=collaboration_id)
    results = results_for_rounds(session, collaboration=collaboration, rounds=rounds)
    changes = [
        change for before, after in pairwise(results) for change in changes_between(before, after)
    ]
    alerts = session.exec(
        select(Alert).where(Alert.collaboration_id == collaboration_id).order_by(col(Alert.id))
    ).all()
    return Trends(collaboration, results, changes, list(alerts))


def changes_between(before: RoundResult, after: RoundResult) -> list[MeasureChangeResult]:
    """Changes of every shown measure, per party and per directed pair, between two rounds.

    A group hidden (or a measure withheld) in either round gets no change: the change of a
    suppressed group would reveal what suppression hides.
    """
    measures = [m for m in after.roles.measures if m in before.roles.measures]
    previous = {p.party: p for p in before.aggregate.parties}
    found = []
    for party in after.aggregate.parties:
        earlier = previous.get(party.party)
        if earlier is None:
            continue
        found += _group_changes(before, after, earlier, party, measures, target=None)
        earlier_pairs = {t.target: t for t in earlier.targets}
        for pair in party.targets:
            if pair.target in earlier_pairs:
                found += _group_changes(
                    before, after, earlier_pairs[pair.target], pair, measures, target=pair.target
                )
    return found


def _group_changes(
    before: RoundResult,
    after: RoundResult,
    earlier: PartyAggregate | PairAggregate,
    later: PartyAggregate | PairAggregate,
    measures: Sequence[str],
    *,
    target: object,
) -> list[MeasureChangeResult]:
    if earlier.suppressed or later.suppressed:
        return []
    party_id = int(later.truster if isinstance(later, PairAggregate) else later.party)  # type: ignore[call-overload]
    rows_before = _rows_of(before.rows, party_id)
    rows_after = _rows_of(after.rows, party_id)
    found = []
    for measure in measures:
        if not (_shown(earlier, measure, before) and _shown(later, measure, after)):
            continue
        change = compare_rounds(
            sample_of(rows_before, measure, target=target),
            sample_of(rows_after, measure, target=target),
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


def _rows_of(rows: Sequence[RespondentTargetScores], party_id: int) -> list[RespondentTargetScores]:
    return [row for row in rows if row.truster_party == party_id]


def _shown(group: PartyAggregate | PairAggregate, measure: str, result: RoundResult) -> bool:
    if measure == result.roles.propensity:
        return group.propensity is not None
    if measure == result.roles.analysis:
        return group.analysis is not None
    return group.areas is not None and measure in group.areas
