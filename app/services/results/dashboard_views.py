"""What the coach's dashboard shows, as plain data: rounds, positions, mirrors, shifts."""

from dataclasses import dataclass, field
from datetime import datetime

from app.models import Alert
from app.services.answering.durations import RoundDuration
from app.services.results.trend_types import Moves


@dataclass(frozen=True, slots=True)
class Estimate:
    """A mean with its 95% confidence interval (None when n is too small for one)."""

    mean: float
    ci_low: float | None
    ci_high: float | None
    n: int


@dataclass(frozen=True, slots=True)
class Position:
    """One group (a party, or a truster about one target) in one round."""

    n: int | None
    suppressed: bool
    propensity: Estimate | None = None
    # True: hidden although it has k or more, because it would reveal a smaller group.
    complementary: bool = False
    analysis: Estimate | None = None
    zone: str | None = None
    borderline: bool = False
    areas: dict[str, Estimate] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RoundView:
    id: int
    label: str
    phase: str
    status: str
    moment: datetime  # where the round sits on the time axis
    closes_at: datetime | None
    form: str = ""  # the questionnaire's key: rounds on a short form are marked as such
    form_title: dict[str, str] = field(default_factory=dict)  # language -> title


@dataclass(frozen=True, slots=True)
class Mirror:
    """How the truster thinks the target trusts it, beside how the target does (the gap)."""

    suppressed: bool
    expected: Estimate | None = None
    seen_propensity: Estimate | None = None
    seen_analysis: Estimate | None = None
    gap: float | None = None


@dataclass(frozen=True, slots=True)
class PartyView:
    id: int
    name: str
    kind: str


@dataclass(frozen=True, slots=True)
class ScaleView:
    key: str
    titles: dict[str, str]  # language -> title


@dataclass(frozen=True, slots=True)
class Shift:
    """A party's change in one measure from one round to the next (Welch, 95% CI)."""

    party_id: int
    measure: str
    from_round_id: int
    to_round_id: int
    difference: float
    ci_low: float
    ci_high: float

    @property
    def significant(self) -> bool:
        return self.ci_high < 0 or self.ci_low > 0


@dataclass(frozen=True, slots=True)
class Participation:
    invited: int
    started: int
    submitted: int

    @property
    def rate(self) -> float | None:
        return self.submitted / self.invited if self.invited else None


@dataclass(frozen=True, slots=True)
class Dashboard:
    collaboration_id: int
    name: str
    k: int
    propensity_cutoff: float
    analysis_cutoff: float
    rounds: list[RoundView]
    parties: list[PartyView]
    positions: dict[tuple[int, int], Position]  # (party, round)
    pairs: dict[tuple[int, int, int], Position]  # (truster, target, round)
    areas: list[ScaleView]
    shifts: list[Shift]
    participation: dict[tuple[int, int], Participation]  # (party, round)
    alerts: list[Alert]  # the newest open ones, then the newest seen ones (ALERTS_SHOWN each)
    open_alerts: int  # how many in all
    seen_alerts: int
    # Rounds whose questionnaire has a meta scale: (truster, target, round) -> the mirror.
    mirrors: dict[tuple[int, int, int], Mirror] = field(default_factory=dict)
    durations: dict[int, RoundDuration] = field(default_factory=dict)  # round -> median time
    open_rounds: list[str] = field(default_factory=list)  # labels: figures come at closing
    # Round -> every shown change from the measured round before it (the story tells them).
    moves: dict[int, Moves] = field(default_factory=dict)
    # The charts look shifts up hundreds of times: an index, not a scan of the list.
    _shifts_by_key: dict[tuple[int, str, int], Shift] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        for found in reversed(self.shifts):  # the first of equal keys wins, as a scan would
            self._shifts_by_key[(found.party_id, found.measure, found.to_round_id)] = found

    def position(self, party_id: int, round_id: int) -> Position | None:
        return self.positions.get((party_id, round_id))

    def shift(self, party_id: int, measure: str, to_round_id: int) -> Shift | None:
        return self._shifts_by_key.get((party_id, measure, to_round_id))

    def mirror_rows(self, round_id: int | None) -> list[tuple[PartyView, PartyView, Mirror]]:
        """The mirror of expectations of a round, per directed pair in the parties' order
        (the dashboard and the printed report show the same rows)."""
        return [
            (truster, target, found)
            for truster in self.parties
            for target in self.parties
            if truster.id != target.id
            and (found := self.mirrors.get((truster.id, target.id, round_id or 0))) is not None
        ]


# A collaboration with many rounds has hundreds of alerts; listing every one made the page
# megabytes of HTML (and that much memory while it was rendered). The newest are shown.
