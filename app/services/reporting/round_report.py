"""The round report as plain data: the dashboard cut off at one round, and what the PDF lists.

Everything comes from the dashboard's own view model, so the report and the dashboard never
disagree, and a suppressed group arrives here with its flag and nothing else.
"""

from dataclasses import dataclass, replace

from sqlmodel import Session

from app.errors import Conflict
from app.models import Alert, RoundStatus
from app.services.access.lookups import get_collaboration, get_round
from app.services.results.agreement_outcomes import (
    AgreementView,
    Outcome,
    agreements_for_round,
)
from app.services.results.dashboard import (
    Dashboard,
    Participation,
    PartyView,
    Position,
    RoundView,
    Shift,
    build_dashboard,
    round_alerts,
)
from app.services.results.mirror import MirrorPair, mirror


@dataclass(frozen=True, slots=True)
class PartyChange:
    """One party from the previous round to this one: zones and the coordinates' changes."""

    party: PartyView
    before: Position | None
    now: Position | None
    propensity: Shift | None
    analysis: Shift | None


@dataclass(frozen=True, slots=True)
class RoundReport:
    dashboard: Dashboard  # the rounds up to and including this one, nothing later
    round: RoundView
    number: int  # the round's place in the collaboration (1 = first)
    previous: RoundView | None
    changes: list[PartyChange]
    participation: dict[int, Participation]  # party id -> this round's counts
    mirrors: list[MirrorPair]  # issue 14's mirror: A about B beside B about A, per measure
    agreements: list[AgreementView]  # made after this round or checked in it
    alerts: list[Alert]  # this round's, each once
    language: str  # the collaboration's own, when the reader asks for none

    @property
    def k(self) -> int:
        return self.dashboard.k


def build_round_report(session: Session, *, organisation_id: int, round_id: int) -> RoundReport:
    """The report of one measured round; a draft round has nothing to report yet."""
    round_ = get_round(session, organisation_id=organisation_id, round_id=round_id)
    if round_.status == RoundStatus.DRAFT:
        raise Conflict(
            "This round is still a draft: open it and collect answers first.",
            code="report.draft_round",
        )
    if round_.status == RoundStatus.OPEN:
        # Figures that changed with every answer would show what one person answered.
        raise Conflict(
            "This round is still open: its report can be made once it is closed.",
            code="report.open_round",
        )
    collaboration = get_collaboration(
        session, organisation_id=organisation_id, collaboration_id=round_.collaboration_id
    )
    full = build_dashboard(
        session, organisation_id=organisation_id, collaboration_id=round_.collaboration_id
    )
    dashboard = until_round(full, round_id)
    rounds = dashboard.rounds
    previous = rounds[-2] if len(rounds) > 1 else None
    return RoundReport(
        dashboard=dashboard,
        round=rounds[-1],
        number=len(rounds),
        previous=previous,
        changes=_changes(dashboard, rounds[-1], previous),
        participation={
            party.id: counts
            for party in dashboard.parties
            if (counts := dashboard.participation.get((party.id, round_id))) is not None
        },
        mirrors=mirror(dashboard, round_id=round_id),
        agreements=_as_of(
            agreements_for_round(session, organisation_id=organisation_id, round_id=round_id),
            round_ids={r.id for r in rounds},
        ),
        alerts=round_alerts(
            session, collaboration_id=dashboard.collaboration_id, round_id=round_id
        ),
        language=collaboration.language,
    )


def until_round(dashboard: Dashboard, round_id: int) -> Dashboard:
    """The dashboard as it stood at `round_id`: later rounds, their figures, changes and
    alerts are left out, so no chart or table of the report can show them."""
    ids = [r.id for r in dashboard.rounds]
    kept = set(ids[: ids.index(round_id) + 1])
    return replace(
        dashboard,
        rounds=[r for r in dashboard.rounds if r.id in kept],
        positions={key: p for key, p in dashboard.positions.items() if key[1] in kept},
        pairs={key: p for key, p in dashboard.pairs.items() if key[2] in kept},
        shifts=[s for s in dashboard.shifts if s.to_round_id in kept],
        participation={key: c for key, c in dashboard.participation.items() if key[1] in kept},
        alerts=[a for a in dashboard.alerts if a.round_id in kept],
    )


def _changes(
    dashboard: Dashboard, current: RoundView, previous: RoundView | None
) -> list[PartyChange]:
    return [
        PartyChange(
            party=party,
            before=dashboard.position(party.id, previous.id) if previous else None,
            now=dashboard.position(party.id, current.id),
            propensity=dashboard.shift(party.id, "propensity", current.id),
            analysis=dashboard.shift(party.id, "analysis", current.id),
        )
        for party in dashboard.parties
    ]


def _as_of(agreements: list[AgreementView], *, round_ids: set[int]) -> list[AgreementView]:
    """Agreements as they stood at this round: one checked in a later round keeps its
    before-figure only, so the report says nothing a later round measured."""
    return [
        agreement
        if agreement.check_round is None or agreement.check_round[0] in round_ids
        else replace(
            agreement,
            check_round=None,
            outcome=Outcome(agreement.outcome.before, after=None, verdict=None),
        )
        for agreement in agreements
    ]
