"""Changes' JSON held in a temporary file, not in memory, while a trends document is made."""

import os
import tempfile
from array import array
from collections.abc import Hashable
from types import TracebackType
from typing import Self


class ChangeSpill:
    """Pieces of JSON written as they are found and read back by group.

    A large collaboration's changes are megabytes of JSON found round by round but written
    party by party; kept in memory they sat beside the whole document at its peak. The
    operating system's page cache holds them instead, which no worker's memory counts.
    """

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile()  # noqa: SIM115 (closed by __exit__)
        self._where: dict[Hashable, array[int]] = {}  # group -> offset, length, offset, ...
        self._end = 0
        self._flushed = True

    def add(self, group: Hashable, piece: bytes) -> None:
        self._file.write(piece)
        self._where.setdefault(group, array("q")).extend((self._end, len(piece)))
        self._end += len(piece)
        self._flushed = False

    def joined(self, group: Hashable, separator: bytes = b",") -> bytes:
        """A group's pieces in the order they were added, separated; then forgotten."""
        if not self._flushed:
            self._file.flush()
            self._flushed = True
        where = self._where.pop(group, array("q"))
        descriptor = self._file.fileno()
        pieces = (os.pread(descriptor, where[i + 1], where[i]) for i in range(0, len(where), 2))
        return separator.join(pieces)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._file.close()
