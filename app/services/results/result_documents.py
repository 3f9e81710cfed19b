"""Results as API documents: round scores, reliability and trends in their public shapes."""

import io
from collections import defaultdict
from collections.abc import Hashable, Sequence

from pydantic import TypeAdapter
from sqlmodel import Session, col, select

from app.infra.change_spill import ChangeSpill
from app.models import Alert, Collaboration, Party, Round
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
from app.scoring.perception import perception_gaps
from app.services.results.results import RoundResult, ScaleReliability
from app.services.results.trend_types import MeasureChangeResult, Trends, TrendsJson, split_shell


def round_scores_document(result: RoundResult) -> RoundScoresOut:
    assert result.round.id is not None
    gaps = perception_gaps(result.aggregate) if result.roles.meta else {}
    return RoundScoresOut(
        round_id=result.round.id,
        k=result.k,
        parties=[PartyScoresOut.of(party, gaps) for party in result.aggregate.parties],
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


_TRENDS_ADAPTER = TypeAdapter(TrendsOut)
_PARTY_ADAPTER = TypeAdapter(PartyTrendOut)
_CHANGE_ADAPTER = TypeAdapter(MeasureChangeOut)
_NO_CHANGES = b'"changes":[]'


def trends_json(session: Session, trends: Trends) -> bytes:
    """The trends document as the API sends it (the response model's own JSON).

    The parties, megabytes of them, were serialised with the trends; only the rest (rounds,
    alerts) is serialised here, and only when the alerts changed since.
    """
    rounds = [result.round for result in trends.rounds]
    return trends.json.document(
        _alerts_key(trends.alerts),
        lambda: _TRENDS_ADAPTER.dump_json(_shell(trends.collaboration, rounds, trends.alerts)),
    )


def trends_document(
    session: Session, trends: Trends, changes: list[MeasureChangeResult]
) -> TrendsOut:
    """The document built whole from models, given every change (see trends.every_change)."""
    by_group: dict[tuple[int, int | None], list[MeasureChangeOut]] = defaultdict(list)
    for item in changes:
        by_group[(item.party_id, item.target_party_id)].append(_change_out(item))
    parties = []
    for party_id, name in _party_names(session, trends.collaboration.id).items():
        party = _party_trend(party_id, name, trends.rounds)
        party.changes = by_group[(party_id, None)]
        for target in party.targets:
            target.changes = by_group[(party_id, target.target_party_id)]
        parties.append(party)
    shell = _shell(trends.collaboration, [r.round for r in trends.rounds], trends.alerts)
    return shell.model_copy(update={"parties": parties})


def change_json(item: MeasureChangeResult) -> bytes:
    return _CHANGE_ADAPTER.dump_json(_change_out(item))


def document_json(
    session: Session,
    collaboration: Collaboration,
    results: list[RoundResult],
    alerts: Sequence[Alert],
    changes: ChangeSpill,
) -> TrendsJson:
    """The trends document's JSON, serialised one party at a time.

    Each party is serialised without changes and its changes' JSON spliced into the empty
    lists, so every byte is the response model's own serialisation. The changes wait in a
    temporary file (see ChangeSpill), so the document's peak is the document alone.
    """
    shell = _shell(collaboration, [result.round for result in results], alerts)
    head, tail = split_shell(_TRENDS_ADAPTER.dump_json(shell))
    out = io.BytesIO()  # one growing buffer: a list of parts joined at the end held it twice
    out.write(head)
    for number, (party_id, name) in enumerate(_party_names(session, collaboration.id).items()):
        party = _party_trend(party_id, name, results)
        groups = [None, *(target.target_party_id for target in party.targets)]
        pieces = _PARTY_ADAPTER.dump_json(party).split(_NO_CHANGES)
        # The party's own changes come before its targets', each target's in order.
        assert len(pieces) == len(groups) + 1
        out.write(b"," if number else b"")
        out.write(pieces[0])
        for group, piece in zip(groups, pieces[1:], strict=True):
            out.write(b'"changes":[' + changes.joined((party_id, group)) + b"]")
            out.write(piece)
    parties = (len(head), out.tell())
    out.write(tail)
    return TrendsJson(out.getvalue(), parties, _alerts_key(alerts))  # the buffer, not a copy


def _alerts_key(alerts: Sequence[Alert]) -> Hashable:
    return tuple((alert.id, alert.updated_at) for alert in alerts)


def _party_names(session: Session, collaboration_id: int | None) -> dict[int, str]:
    query = select(Party).where(Party.collaboration_id == collaboration_id).order_by(col(Party.id))
    return {party.id: party.name for party in session.exec(query) if party.id is not None}


def _shell(
    collaboration: Collaboration, rounds: Sequence[Round], alerts: Sequence[Alert]
) -> TrendsOut:
    """The document without its parties."""
    assert collaboration.id is not None
    return TrendsOut(
        collaboration_id=collaboration.id,
        k=collaboration.anonymity_threshold,
        rounds=[RoundRefOut.model_validate(round_, from_attributes=True) for round_ in rounds],
        parties=[],
        alerts=[AlertPublic.model_validate(a, from_attributes=True) for a in alerts],
    )


def _change_out(item: MeasureChangeResult) -> MeasureChangeOut:
    return MeasureChangeOut.of(item.from_round_id, item.to_round_id, item.measure, item.change)


def _party_trend(party_id: int, name: str, results: list[RoundResult]) -> PartyTrendOut:
    """A party's figures over the rounds, with empty lists of changes."""
    points: list[RoundPointOut] = []
    rates: dict[int, float | None] = {}
    pair_points: dict[int, list[RoundPointOut]] = defaultdict(list)
    for result in results:
        assert result.round.id is not None
        party = _find(result.aggregate.parties, party_id)
        if party is None:
            continue
        points.append(_point(result.round.id, party))
        rates[result.round.id] = party.response_rate
        for pair in party.targets:
            pair_points[int(pair.target)].append(_point(result.round.id, pair))  # type: ignore[call-overload]
    targets = [
        PairTrendOut(target_party_id=target, rounds=rows, changes=[])
        for target, rows in pair_points.items()
    ]
    return PartyTrendOut(
        party_id=party_id,
        name=name,
        rounds=points,
        response_rates=rates,
        changes=[],
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
