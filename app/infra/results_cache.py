"""A per-process memo of computed results, valid exactly as long as the data behind them.

Trends are a pure function of a collaboration's settings, parties, rounds, invitations and
stored responses. Every write to those rows moves a cheap stamp (row count, highest id,
latest `updated_at`, which the ORM and Core updates both set), so a memo keyed by the stamp
can never serve stale figures; it only saves recomputing unchanged ones.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from typing import Any, TypeVar

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.models import Collaboration, Invitation, Party, Response, Round

T = TypeVar("T")


class Memo:
    """A small LRU map name -> (stamp, value); a value counts only under the same stamp."""

    def __init__(self, *, max_entries: int, max_bytes: int | None = None) -> None:
        self._entries: OrderedDict[Hashable, tuple[Hashable, Any, int]] = OrderedDict()
        self._lock = threading.Lock()
        self._max_entries = max_entries
        self._max_bytes = max_bytes
        self._bytes = 0
        self._making: dict[Hashable, threading.Lock] = {}

    def get(self, name: Hashable, stamp: Hashable) -> Any | None:
        with self._lock:
            entry = self._entries.get(name)
            if entry is None or entry[0] != stamp:
                return None
            self._entries.move_to_end(name)
            return entry[1]

    def get_or_make(
        self, name: Hashable, stamp: Hashable, make: Callable[[], T], *, size: Callable[[T], int]
    ) -> T:
        """The value under this stamp, made once even when many requests ask at the same time.

        A cold value takes seconds and a lot of memory to make; requests arriving meanwhile
        wait for it instead of each making their own copy.
        """
        found = self.get(name, stamp)
        if found is not None:
            return found
        with self._making_lock(name):
            found = self.get(name, stamp)
            if found is None:
                found = make()
                self.put(name, stamp, found, size=size(found))
            return found

    def _making_lock(self, name: Hashable) -> threading.Lock:
        with self._lock:
            if len(self._making) > 4 * self._max_entries:  # forget locks of long-gone names
                self._making = {k: v for k, v in self._making.items() if v.locked()}
            return self._making.setdefault(name, threading.Lock())

    def put(self, name: Hashable, stamp: Hashable, value: Any, *, size: int = 0) -> None:
        if self._max_bytes is not None and size > self._max_bytes:
            return  # bigger than the whole budget: not worth evicting everything else
        with self._lock:
            self._drop(name)
            self._entries[name] = (stamp, value, size)
            self._bytes += size
            while len(self._entries) > self._max_entries or (
                self._max_bytes is not None and self._bytes > self._max_bytes
            ):
                self._drop(next(iter(self._entries)))

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def _drop(self, name: Hashable) -> None:
        entry = self._entries.pop(name, None)
        if entry is not None:
            self._bytes -= entry[2]


def memo_name(session: Session, collaboration_id: int | None) -> Hashable:
    """One memo serves every database the process talks to (tests use many)."""
    return (str(session.get_bind().engine.url), collaboration_id)


def _stamp(session: Session, model: Any, condition: Any) -> tuple[Any, ...]:
    query = select(func.count(), func.max(model.id), func.max(model.updated_at)).where(condition)
    return tuple(session.exec(query).one())


def data_stamp(
    session: Session, *, collaboration: Collaboration, rounds: Sequence[Round]
) -> Hashable:
    """Changes whenever anything the collaboration's round results depend on changes."""
    round_ids = [r.id for r in rounds]
    return (
        collaboration.id,
        collaboration.updated_at,
        tuple((r.id, r.status, r.questionnaire_id, r.updated_at) for r in rounds),
        _stamp(session, Party, col(Party.collaboration_id) == collaboration.id),
        _stamp(session, Invitation, col(Invitation.round_id).in_(round_ids)),
        _stamp(session, Response, col(Response.round_id).in_(round_ids)),
    )
