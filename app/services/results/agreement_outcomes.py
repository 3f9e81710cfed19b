"""Agreements beside their figures: the area before and after, and the partners' verdict."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, or_, select

from app.models import (
    Agreement,
    AgreementCheck,
    AgreementStatus,
    Collaboration,
    Invitation,
    InvitationStatus,
    Party,
    Round,
    RoundStatus,
)
from app.scoring.agreements import (
    AreaScore,
    Pair,
    Verdict,
    area_score,
    relationship_pairs,
    verdict,
)
from app.services.access.lookups import get_collaboration, get_round
from app.services.results.results import RoundResult, results_for_rounds
from app.services.setup import questionnaires


@dataclass(frozen=True, slots=True)
class Outcome:
    """Figures only: every one of them obeys the anonymity threshold."""

    before: AreaScore | None
    after: AreaScore | None
    verdict: Verdict | None


@dataclass(frozen=True, slots=True)
class AgreementView:
    """An agreement as partners and the report may see it: names, never a coach note."""

    id: int
    title: str
    description: str
    status: AgreementStatus
    area: str | None
    area_title: dict[str, str] | None
    committing: list[tuple[int, str]]
    target: tuple[int, str] | None
    round: tuple[int, str]
    check_round: tuple[int, str] | None
    outcome: Outcome


def outcomes(
    session: Session, *, collaboration: Collaboration, agreements: Sequence[Agreement]
) -> dict[int, Outcome]:
    """Each agreement's outcome by id, with one aggregation per round involved."""
    round_ids = {a.round_id for a in agreements} | {
        a.check_round_id for a in agreements if a.check_round_id is not None
    }
    rounds = [r for r in (session.get(Round, i) for i in sorted(round_ids)) if r is not None]
    results = {
        r.round.id: r
        for r in results_for_rounds(session, collaboration=collaboration, rounds=rounds)
    }
    parties = list(session.exec(select(Party.id).where(Party.collaboration_id == collaboration.id)))
    answers = _answers(session, agreements)
    k = collaboration.anonymity_threshold
    # A checking round still open has no figures yet: they would move with every answer.
    closed = {r.id for r in rounds if r.status == RoundStatus.CLOSED}
    found = {}
    for agreement in agreements:
        assert agreement.id is not None
        pairs = relationship_pairs(
            agreement.committing_party_ids, agreement.target_party_id, parties
        )
        checked = agreement.check_round_id in closed
        before = _score(results.get(agreement.round_id), pairs, agreement.area, k)
        after = _score(results.get(agreement.check_round_id or 0), pairs, agreement.area, k)
        judged = (
            None
            if agreement.check_round_id is None
            else verdict(answers.get(agreement.id, []) if checked else [], k=k)
        )
        after = after if checked else None
        found[agreement.id] = Outcome(before, after, judged)
    return found


def _score(
    result: RoundResult | None, pairs: set[Pair], area: str | None, k: int
) -> AreaScore | None:
    if result is None or area is None or area not in result.roles.measures:
        return None
    return area_score(
        result.aggregate, result.rows, pairs=pairs, measure=area, roles=result.roles, k=k
    )


def _answers(session: Session, agreements: Sequence[Agreement]) -> dict[int, list[int | None]]:
    """Submitted follow-up answers per agreement, from its checking round only."""
    checked = {a.id: a.check_round_id for a in agreements if a.check_round_id is not None}
    if not checked:
        return {}
    query = (
        select(AgreementCheck.agreement_id, AgreementCheck.value, Invitation.round_id)
        .join(Invitation, col(Invitation.id) == AgreementCheck.invitation_id)
        .where(col(AgreementCheck.agreement_id).in_(list(checked)))
        .where(Invitation.status == InvitationStatus.SUBMITTED)
    )
    found: dict[int, list[int | None]] = defaultdict(list)
    for agreement_id, value, round_id in session.exec(query):
        if checked.get(agreement_id) == round_id:
            found[agreement_id].append(value)
    return found


def agreements_for_round(
    session: Session, *, organisation_id: int, round_id: int
) -> list[AgreementView]:
    """The agreements made after this round or checked in it, with their figures: for the
    share page, the dashboard and the round report."""
    round_ = get_round(session, organisation_id=organisation_id, round_id=round_id)
    collaboration = session.get(Collaboration, round_.collaboration_id)
    assert collaboration is not None
    query = (
        select(Agreement)
        .where(Agreement.collaboration_id == collaboration.id)
        .where(or_(Agreement.round_id == round_id, Agreement.check_round_id == round_id))
        .order_by(col(Agreement.id))
    )
    return agreement_views(
        session, collaboration=collaboration, agreements=list(session.exec(query))
    )


def agreement_views(
    session: Session, *, collaboration: Collaboration, agreements: Sequence[Agreement]
) -> list[AgreementView]:
    found = outcomes(session, collaboration=collaboration, agreements=agreements)
    names = {
        p.id: p.name
        for p in session.exec(select(Party).where(Party.collaboration_id == collaboration.id))
    }
    labels: dict[int, Round] = {}
    views = []
    for a in agreements:
        assert a.id is not None
        made = labels.setdefault(a.round_id, session.get(Round, a.round_id))  # type: ignore[arg-type]
        check = session.get(Round, a.check_round_id) if a.check_round_id else None
        views.append(
            AgreementView(
                id=a.id,
                title=a.title,
                description=a.description,
                status=a.status,
                area=a.area,
                area_title=_area_title(session, made, a.area),
                committing=[(p, names.get(p, "?")) for p in a.committing_party_ids],
                target=(a.target_party_id, names.get(a.target_party_id, "?"))
                if a.target_party_id
                else None,
                round=(a.round_id, made.label),
                check_round=(check.id, check.label) if check and check.id else None,
                outcome=found[a.id],
            )
        )
    return views


def _area_title(session: Session, round_: Round, area: str | None) -> dict[str, str] | None:
    if area is None:
        return None
    definition = questionnaires.definition_by_id(session, round_.questionnaire_id)
    scale = next((s for s in definition.scales if s.key == area), None)
    return {"nl": scale.title.nl, "en": scale.title.en} if scale else {"nl": area, "en": area}


def agreements_of_collaboration(
    session: Session, *, organisation_id: int, collaboration_id: int
) -> list[AgreementView]:
    """Every agreement of the collaboration with its figures, oldest first (the dashboard)."""
    collaboration = get_collaboration(
        session, organisation_id=organisation_id, collaboration_id=collaboration_id
    )
    query = (
        select(Agreement)
        .where(Agreement.collaboration_id == collaboration_id)
        .order_by(col(Agreement.id))
    )
    return agreement_views(
        session, collaboration=collaboration, agreements=list(session.exec(query))
    )
