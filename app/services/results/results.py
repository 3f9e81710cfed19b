"""Round results from stored scores: aggregates per party and pair, and scale reliability."""

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from sys import intern
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from app.errors import Conflict
from app.models import (
    Collaboration,
    Invitation,
    InvitationStatus,
    Party,
    Response,
    Round,
    RoundStatus,
)
from app.scoring import (
    QuestionnaireDefinition,
    Reliability,
    RespondentTargetScores,
    RoundAggregate,
    ScaleRoles,
    aggregate_round,
    cronbach_alpha,
)
from app.services.access.lookups import get_round
from app.services.access.scoring_rules import aggregation_rules
from app.services.setup import questionnaires


@dataclass(frozen=True, slots=True)
class RoundResult:
    round: Round
    aggregate: RoundAggregate
    roles: ScaleRoles
    k: int
    responded: dict[int, int]  # submitted respondents per truster party (for alerts, not display)
    rows: list[RespondentTargetScores]  # the stored scores behind the aggregate (for changes)


@dataclass(frozen=True, slots=True)
class ScaleReliability:
    key: str
    role: str
    n: int
    alpha: Reliability | None
    suppressed: bool


def round_result(session: Session, *, organisation_id: int, round_id: int) -> RoundResult:
    round_ = closed_round(session, organisation_id=organisation_id, round_id=round_id)
    collaboration = session.get(Collaboration, round_.collaboration_id)
    assert collaboration is not None
    return results_for_rounds(session, collaboration=collaboration, rounds=[round_])[0]


def results_for_rounds(
    session: Session, *, collaboration: Collaboration, rounds: Sequence[Round]
) -> list[RoundResult]:
    """Aggregate several rounds of one collaboration with one query for all their scores.

    Only closed rounds have figures: an open round's would move with each submission, and
    two readings around one submission would give that person's score.
    """
    round_ids = [r.id for r in rounds if r.id is not None and r.status == RoundStatus.CLOSED]
    rows = scored_rows(session, round_ids)
    invited = _invited(session, round_ids)
    party_ids = _party_ids(session, collaboration.id)
    rules = aggregation_rules(collaboration)
    results = []
    for round_ in rounds:
        assert round_.id is not None
        definition = questionnaires.definition_by_id(session, round_.questionnaire_id)
        roles = ScaleRoles.of(definition)
        round_invited: dict[Hashable, int] = {
            party: invited[round_.id].get(party, 0) for party in party_ids
        }
        round_rows = rows.get(round_.id, [])
        aggregate = aggregate_round(round_rows, invited=round_invited, roles=roles, rules=rules)
        responded = _respondents_per_party(round_rows)
        results.append(RoundResult(round_, aggregate, roles, rules.k, responded, round_rows))
    return results


def closed_round(session: Session, *, organisation_id: int, round_id: int) -> Round:
    """The round, if its figures may be read: Conflict while it is still open (or a draft)."""
    round_ = get_round(session, organisation_id=organisation_id, round_id=round_id)
    if round_.status != RoundStatus.CLOSED:
        raise Conflict(
            f"Round '{round_.label}' is {round_.status.value}: its figures appear when it "
            "closes, so that no one can work out one person's answers from how they change."
        )
    return round_


def measured_rounds(session: Session, *, collaboration_id: int) -> list[Round]:
    """The closed rounds, in calendar order (planned opening, else actual).

    Open rounds are left out of every figure (see `results_for_rounds`).
    """
    query = select(Round).where(Round.collaboration_id == collaboration_id)
    rounds = [r for r in session.exec(query) if r.status == RoundStatus.CLOSED]
    return sorted(rounds, key=lambda r: (r.opens_at or r.opened_at or r.created_at, r.id or 0))


def scored_rows(
    session: Session, round_ids: Sequence[int]
) -> dict[int, list[RespondentTargetScores]]:
    """Submitted responses' stored scores, per round: no answer is rescored here."""
    if not round_ids:
        return {}
    # Five columns: more than sqlmodel's typed select() takes, so plain SQLAlchemy Core.
    query = (
        sa_select(
            col(Response.round_id),
            col(Response.participant_id),
            col(Response.truster_party_id),
            col(Response.target_party_id),
            col(Response.scores),
        )
        .where(col(Response.round_id).in_(round_ids))
        .where(col(Response.submitted_at).is_not(None))
        .order_by(col(Response.id))
    )
    by_round: dict[int, list[RespondentTargetScores]] = defaultdict(list)
    for round_id, participant_id, truster, target, scores in session.connection().execute(query):
        # Each decoded row brings its own copies of the same nine scale names: sharing one
        # copy of each saves a third of a round's rows.
        shared = {intern(key): value for key, value in scores.items()}
        by_round[round_id].append(
            RespondentTargetScores(str(participant_id), truster, target, shared)
        )
    return by_round


def _invited(session: Session, round_ids: Sequence[int]) -> dict[int, dict[int, int]]:
    query = (
        select(Invitation.round_id, Invitation.party_id, func.count())
        .where(col(Invitation.round_id).in_(round_ids))
        .where(Invitation.status != InvitationStatus.REVOKED)
        .group_by(col(Invitation.round_id), col(Invitation.party_id))
    )
    invited: dict[int, dict[int, int]] = defaultdict(dict)
    for round_id, party_id, count in session.exec(query):
        invited[round_id][party_id] = count
    return invited


def _party_ids(session: Session, collaboration_id: int | None) -> list[int]:
    query = (
        select(Party.id).where(Party.collaboration_id == collaboration_id).order_by(col(Party.id))
    )
    return [party_id for party_id in session.exec(query) if party_id is not None]


def _respondents_per_party(rows: Iterable[RespondentTargetScores]) -> dict[int, int]:
    seen: dict[int, set[str]] = defaultdict(set)
    for row in rows:
        seen[int(row.truster_party)].add(row.participant_key)  # type: ignore[call-overload]
    return {party: len(people) for party, people in seen.items()}


def round_reliability(
    session: Session, *, organisation_id: int, round_id: int
) -> list[ScaleReliability]:
    """Cronbach's alpha per scale over the round's submitted responses (listwise)."""
    round_ = closed_round(session, organisation_id=organisation_id, round_id=round_id)
    collaboration = session.get(Collaboration, round_.collaboration_id)
    assert collaboration is not None
    definition = questionnaires.definition_by_id(session, round_.questionnaire_id)
    found = session.exec(
        select(Response.answers, Response.target_party_id, Invitation.target_kinds)
        .join(Invitation, col(Invitation.id) == Response.invitation_id)
        .where(Response.round_id == round_id)
        .where(col(Response.submitted_at).is_not(None))
    ).all()
    answers = [(answer, kinds.get(str(target))) for answer, target, kinds in found]
    k = collaboration.anonymity_threshold
    return [
        _scale_reliability(definition, scale.key, scale.role, answers, k)
        for scale in definition.scales
    ]


def _scale_reliability(
    definition: QuestionnaireDefinition,
    key: str,
    role: str,
    answers: Sequence[tuple[Mapping[str, Any], str | None]],
    k: int,
) -> ScaleReliability:
    """Alpha over the largest group of responses that were asked the same items.

    Alpha needs one set of items for every row. Where items fit only some kinds of party,
    responses about a client and about a contractor were asked different items: the scale's
    alpha is then that of the item set most responses share (all of them, without kinds).
    """
    low, high = definition.range.min, definition.range.max
    by_items: dict[tuple[str, ...], list[list[int | None]]] = defaultdict(list)
    for answer, kind in answers:
        items = definition.items_for(key, kind)
        row = []
        for item in items:
            value = answer.get(item.id)
            row.append(None if value is None else (low + high - value if item.reverse else value))
        by_items[tuple(item.id for item in items)].append(row)
    rows = max(by_items.values(), key=_complete, default=[])
    complete = _complete(rows)
    if 0 < complete < k:
        return ScaleReliability(key, role, complete, None, suppressed=True)
    return ScaleReliability(key, role, complete, cronbach_alpha(rows), suppressed=False)


def _complete(rows: Sequence[Sequence[int | None]]) -> int:
    return sum(1 for row in rows if all(v is not None for v in row))
