"""Copies each SQLite WAL back into its database in a background thread, off the write lock."""

import contextlib
import sqlite3
import threading
import time

CHECKPOINT_EVERY_SECONDS = 0.5
CHECKPOINT_QUIET_SECONDS = 30.0


class Checkpointer:
    """Copies each SQLite WAL back into its database in a background thread, off the lock.

    SQLite's own automatic checkpoint runs inside whichever commit crosses its threshold, while
    that writer holds the lock every other writer is queued on: under load that halved the
    submissions per second and set their p99. A PASSIVE checkpoint here blocks no reader or
    writer. The automatic one stays, at a higher threshold, as the safety net for processes
    whose thread has not run. A thread ends after a quiet spell and starts again on a write.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._written: dict[str, bool] = {}  # database -> written since the last checkpoint

    def written(self, database: str) -> None:
        with self._lock:
            running = database in self._written
            self._written[database] = True
        if not running:
            threading.Thread(
                target=self._run, args=(database,), name="sqlite-checkpoint", daemon=True
            ).start()

    def _run(self, database: str) -> None:
        # The file may go away (a test's temp dir) or be busy: the safety net remains.
        with contextlib.suppress(sqlite3.Error):
            self._checkpoint_until_quiet(database)
        with self._lock:
            written_meanwhile = self._written.pop(database, False)
        if written_meanwhile:
            self.written(database)

    def _checkpoint_until_quiet(self, database: str) -> None:
        quiet = 0.0
        with contextlib.closing(sqlite3.connect(database, timeout=1.0)) as connection:
            while quiet < CHECKPOINT_QUIET_SECONDS:
                time.sleep(CHECKPOINT_EVERY_SECONDS)
                with self._lock:
                    written, self._written[database] = self._written[database], False
                if written:
                    connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
                quiet = 0.0 if written else quiet + CHECKPOINT_EVERY_SECONDS


checkpoints = Checkpointer()
