"""What trends are made of: shared by their computation (trends) and their documents."""

import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

from app.models import Alert, Collaboration
from app.scoring import MeasureChange
from app.services.results.results import RoundResult

_PARTIES = b'"parties":['
_NO_PARTIES = b'"parties":[]'


@dataclass(frozen=True, slots=True)
class MeasureChangeResult:
    """One measure's change between consecutive rounds, for a party (target None) or a pair."""

    party_id: int
    target_party_id: int | None
    measure: str
    from_round_id: int
    to_round_id: int
    change: MeasureChange


# (truster party, target party or None for the party's roll-up) -> measure key -> (before,
# after, CI low, CI high) of the change from the previous measured round.
Moves = dict[tuple[int, int | None], dict[str, tuple[float, float, float, float]]]


def add_move(moves: Moves, found: MeasureChangeResult) -> None:
    """Note a change's figures in `moves` (what the story tells), if it has any."""
    change = found.change.welch or found.change.paired
    if change is None:
        return
    key = (found.party_id, found.target_party_id)
    moves.setdefault(key, {})[found.measure] = (
        change.mean_before,
        change.mean_after,
        change.ci_low,
        change.ci_high,
    )


class TrendsJson:
    """The trends document's JSON. The parties, nearly all of it, are serialised once, with
    the trends; the small rest (alerts change without the data changing) is spliced around
    them again whenever its key differs from the last one."""

    def __init__(self, document: bytes, parties: tuple[int, int], key: Hashable) -> None:
        # One tuple, so a reader in another thread never sees half of an update.
        self._state: tuple[Hashable, bytes, int, int] = (key, document, *parties)
        self._lock = threading.Lock()

    def document(self, key: Hashable, shell: Callable[[], bytes]) -> bytes:
        """The whole document, given the shell's key and JSON (with `"parties":[]`)."""
        state = self._state
        if state[0] == key:
            return state[1]
        with self._lock:
            state_key, body, start, end = self._state
            if state_key == key:
                return body
            head, tail = split_shell(shell())
            document = b"".join((head, memoryview(body)[start:end], tail))
            self._state = (key, document, len(head), len(head) + end - start)
            return document


def split_shell(shell: bytes) -> tuple[bytes, bytes]:
    """The document's JSON before and after its parties, from its JSON without them.

    The first marker is the parties field: it comes before the alerts, whose details are the
    only place where another one could appear.
    """
    before, _, after = shell.partition(_NO_PARTIES)
    return before + _PARTIES, b"]" + after


@dataclass(frozen=True, slots=True)
class RoundTrends:
    """The rounds' figures and the parties' changes: what the dashboard draws."""

    collaboration: Collaboration
    rounds: list[RoundResult]  # aggregates, not rows (see trends._compute)
    changes: list[MeasureChangeResult]  # the parties' own
    stamp: Hashable = None  # changes whenever rounds or changes would (see results_cache)
    moves: dict[int, Moves] = field(default_factory=dict)  # per round, from the one before


@dataclass(frozen=True, slots=True)
class Trends:
    collaboration: Collaboration
    rounds: list[RoundResult]  # aggregates, not rows (see trends._compute)
    changes: list[MeasureChangeResult]  # the parties' own; the pairs' live only in `json`
    alerts: list[Alert]
    json: TrendsJson
    stamp: Hashable = None  # changes whenever rounds or changes would (see results_cache)
