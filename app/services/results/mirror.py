"""The mirror per relationship: what A says about B beside what B says about A, per measure,
and each party's change since the previous round. Built from the dashboard's own figures, so
every suppression the coach sees holds here too."""

from dataclasses import dataclass
from itertools import combinations

from sqlmodel import Session

from app.services.access.lookups import get_round
from app.services.results.dashboard import Dashboard, Estimate, Position, Shift, build_dashboard


@dataclass(frozen=True, slots=True)
class MirrorRow:
    measure: str
    a_about_b: Estimate | None
    b_about_a: Estimate | None


@dataclass(frozen=True, slots=True)
class MirrorPair:
    """One relationship; a side that is suppressed carries no figures, only the flag."""

    a: tuple[int, str]
    b: tuple[int, str]
    a_suppressed: bool
    b_suppressed: bool
    rows: list[MirrorRow]
    # A hidden side with k or more answers: hidden so a smaller group cannot be worked out.
    a_complementary: bool = False
    b_complementary: bool = False


@dataclass(frozen=True, slots=True)
class ChangeRow:
    """A party's measure in the previous round and this one; `shift` when both are shown."""

    party: tuple[int, str]
    measure: str
    before: Estimate | None
    after: Estimate | None
    shift: Shift | None


def measures(dashboard: Dashboard) -> list[str]:
    return ["propensity", "analysis", *(area.key for area in dashboard.areas)]


def _value(position: Position | None, measure: str) -> Estimate | None:
    if position is None or position.suppressed:
        return None
    if measure in ("propensity", "analysis"):
        value: Estimate | None = getattr(position, measure)
        return value
    return position.areas.get(measure)


def mirror(dashboard: Dashboard, *, round_id: int) -> list[MirrorPair]:
    """Every pair of parties once, in the parties' order."""
    found = []
    for a, b in combinations(dashboard.parties, 2):
        about_b = dashboard.pairs.get((a.id, b.id, round_id))
        about_a = dashboard.pairs.get((b.id, a.id, round_id))
        rows = [
            MirrorRow(measure, _value(about_b, measure), _value(about_a, measure))
            for measure in measures(dashboard)
        ]
        found.append(
            MirrorPair(
                a=(a.id, a.name),
                b=(b.id, b.name),
                a_suppressed=about_b is not None and about_b.suppressed,
                b_suppressed=about_a is not None and about_a.suppressed,
                rows=rows,
                a_complementary=about_b is not None and about_b.complementary,
                b_complementary=about_a is not None and about_a.complementary,
            )
        )
    return found


def previous_round_id(dashboard: Dashboard, round_id: int) -> int | None:
    ids = [r.id for r in dashboard.rounds]
    index = ids.index(round_id) if round_id in ids else 0
    return ids[index - 1] if index > 0 else None


def changes(dashboard: Dashboard, *, round_id: int) -> list[ChangeRow]:
    """Each party's measures since the previous round; empty for the first round."""
    previous = previous_round_id(dashboard, round_id)
    if previous is None:
        return []
    return [
        ChangeRow(
            party=(party.id, party.name),
            measure=measure,
            before=_value(dashboard.position(party.id, previous), measure),
            after=_value(dashboard.position(party.id, round_id), measure),
            shift=dashboard.shift(party.id, measure, round_id),
        )
        for party in dashboard.parties
        for measure in measures(dashboard)
    ]


def mirror_for_round(session: Session, *, organisation_id: int, round_id: int) -> list[MirrorPair]:
    """The round's mirror as plain data (for the share page and the round report)."""
    round_ = get_round(session, organisation_id=organisation_id, round_id=round_id)
    dashboard = build_dashboard(
        session, organisation_id=organisation_id, collaboration_id=round_.collaboration_id
    )
    return mirror(dashboard, round_id=round_id)
