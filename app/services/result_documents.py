"""Results as API documents: round scores, reliability and trends in their public shapes."""

import io
from collections import defaultdict
from collections.abc import Iterator

from pydantic import TypeAdapter
from sqlmodel import Session, col, select

from app.models import Party
from app.models.results import (
    AlertPublic,
    MeasureChangeOut,
    PairScoresOut,
    PairTrendOut,
    PartyScoresOut,
    PartyTrendOut,
    ReliabilityOut,
    RoundPointOut,
    RoundRefOut,
    RoundScoresOut,
    TrendsOut,
)
from app.scoring import PairAggregate, PartyAggregate
from app.services.results import RoundResult, ScaleReliability
from app.services.results_cache import Memo, memo_name
from app.services.trends import MeasureChangeResult, Trends


def round_scores_document(result: RoundResult) -> RoundScoresOut:
    assert result.round.id is not None
    return RoundScoresOut(
        round_id=result.round.id,
        k=result.k,
        parties=[PartyScoresOut.of(party) for party in result.aggregate.parties],
    )


def reliability_document(scales: list[ScaleReliability]) -> list[ReliabilityOut]:
    return [
        ReliabilityOut(
            key=scale.key,
            role=scale.role,
            n=scale.n,
            suppressed=scale.suppressed,
            alpha=scale.alpha.alpha if scale.alpha else None,
            ci=[scale.alpha.ci_low, scale.alpha.ci_high] if scale.alpha else None,
        )
        for scale in scales
    ]


# A large collaboration's trends are megabytes of JSON: building them again costs more than
# every query behind them, so the bytes are kept while the data behind them is unchanged.
_trends_json = Memo(max_entries=4, max_bytes=32_000_000)
_TRENDS_ADAPTER = TypeAdapter(TrendsOut)
_PARTY_ADAPTER = TypeAdapter(PartyTrendOut)
_NO_PARTIES = b'"parties":[]'


def trends_json(session: Session, trends: Trends) -> bytes:
    """The trends document as the API sends it (the response model's own JSON)."""
    if trends.stamp is None:
        return _trends_bytes(session, trends)
    stamp = (trends.stamp, tuple((alert.id, alert.updated_at) for alert in trends.alerts))
    name = memo_name(session, trends.collaboration.id)
    body: bytes = _trends_json.get_or_make(
        name, stamp, lambda: _trends_bytes(session, trends), size=len
    )
    return body


def _trends_bytes(session: Session, trends: Trends) -> bytes:
    """The document's JSON, serialised one party at a time.

    The whole document as models takes several times the memory of its JSON; one party at
    a time keeps a worker's peak low. The parties are spliced into the JSON of the document
    without them, so every other field is the response model's own serialisation.
    """
    shell, parties = _trends_parts(session, trends)
    body = _TRENDS_ADAPTER.dump_json(shell)
    if body.count(_NO_PARTIES) != 1:  # an alert's detail holds the marker: build it whole
        return _TRENDS_ADAPTER.dump_json(shell.model_copy(update={"parties": list(parties)}))
    before, after = body.split(_NO_PARTIES)
    # One growing buffer, not a list of parts joined at the end: that held the document twice.
    out = io.BytesIO()
    out.write(before + b'"parties":[')
    for number, party in enumerate(parties):
        out.write(b"," if number else b"")
        out.write(_PARTY_ADAPTER.dump_json(party))
    out.write(b"]" + after)
    return out.getvalue()  # the buffer itself, not a copy


def trends_document(session: Session, trends: Trends) -> TrendsOut:
    shell, parties = _trends_parts(session, trends)
    return shell.model_copy(update={"parties": list(parties)})


def _trends_parts(session: Session, trends: Trends) -> tuple[TrendsOut, Iterator[PartyTrendOut]]:
    """The document without its parties, and the parties, made one by one as they are read."""
    collaboration = trends.collaboration
    names = {
        party.id: party.name
        for party in session.exec(
            select(Party).where(Party.collaboration_id == collaboration.id).order_by(col(Party.id))
        )
    }
    changes: dict[tuple[int, int | None], list[MeasureChangeResult]] = defaultdict(list)
    for item in trends.changes:
        changes[(item.party_id, item.target_party_id)].append(item)
    parties = (
        _party_trend(party_id, name, trends, changes)
        for party_id, name in names.items()
        if party_id is not None
    )
    assert collaboration.id is not None
    shell = TrendsOut(
        collaboration_id=collaboration.id,
        k=collaboration.anonymity_threshold,
        rounds=[RoundRefOut.model_validate(r.round, from_attributes=True) for r in trends.rounds],
        parties=[],
        alerts=[AlertPublic.model_validate(a, from_attributes=True) for a in trends.alerts],
    )
    return shell, parties


def _changes_out(items: list[MeasureChangeResult]) -> list[MeasureChangeOut]:
    return [
        MeasureChangeOut.of(item.from_round_id, item.to_round_id, item.measure, item.change)
        for item in items
    ]


def _party_trend(
    party_id: int,
    name: str,
    trends: Trends,
    changes: dict[tuple[int, int | None], list[MeasureChangeResult]],
) -> PartyTrendOut:
    points: list[RoundPointOut] = []
    rates: dict[int, float | None] = {}
    pair_points: dict[int, list[RoundPointOut]] = defaultdict(list)
    for result in trends.rounds:
        assert result.round.id is not None
        party = _find(result.aggregate.parties, party_id)
        if party is None:
            continue
        points.append(_point(result.round.id, party))
        rates[result.round.id] = party.response_rate
        for pair in party.targets:
            pair_points[int(pair.target)].append(_point(result.round.id, pair))  # type: ignore[call-overload]
    targets = [
        PairTrendOut(
            target_party_id=target, rounds=rows, changes=_changes_out(changes[(party_id, target)])
        )
        for target, rows in pair_points.items()
    ]
    return PartyTrendOut(
        party_id=party_id,
        name=name,
        rounds=points,
        response_rates=rates,
        changes=_changes_out(changes[(party_id, None)]),
        targets=targets,
    )


def _find(parties: list[PartyAggregate], party_id: int) -> PartyAggregate | None:
    return next((p for p in parties if p.party == party_id), None)


def _point(round_id: int, group: PartyAggregate | PairAggregate) -> RoundPointOut:
    fields = (
        PairScoresOut.of(group).model_dump(exclude={"target_party_id"})
        if isinstance(group, PairAggregate)
        else PartyScoresOut.of(group).model_dump(
            exclude={"party_id", "invited", "response_rate", "targets"}
        )
    )
    return RoundPointOut(round_id=round_id, **fields)
