"""A throwaway PostgreSQL cluster on a loopback port, started, crashed and stopped by the tests.

The postmaster runs as a direct child of the test process (as the `postgres` user when we are
root), so a test can SIGKILL it and reap it: an orphaned, unreaped postmaster would stay a
zombie and block the restart on the same data directory.
"""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

PG_BIN_CANDIDATES = [Path("/usr/lib/postgresql/15/bin"), Path("/usr/lib/postgresql/16/bin")]
START_TIMEOUT_SECONDS = 60
CONFIG = """
listen_addresses = '127.0.0.1'
fsync = on
synchronous_commit = on
max_connections = 300
shared_buffers = 128MB
"""


@dataclass
class PostgresServer:
    url: str  # to the maintenance database `postgres`, as superuser `postgres`
    data_dir: Path | None = None
    bin_dir: Path | None = None
    as_postgres_user: bool = False
    process: subprocess.Popen[bytes] | None = None

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1].split("/")[0])

    @property
    def log_path(self) -> Path:
        assert self.data_dir is not None
        return self.data_dir.parent / "server.log"

    def start(self) -> None:
        """Start the postmaster on the data directory; after a crash it recovers from its WAL."""
        assert self.data_dir is not None and self.bin_dir is not None and self.process is None
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [str(self.bin_dir / "postgres"), "-D", str(self.data_dir)],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                **_as_postgres(self.as_postgres_user),
            )
        self._wait_until_accepting()

    def _wait_until_accepting(self) -> None:
        assert self.bin_dir is not None and self.process is not None
        ready = [str(self.bin_dir / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(self.port)]
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"PostgreSQL exited while starting:\n{self._log_tail()}")
            if subprocess.run(ready, check=False, timeout=10).returncode == 0:
                return
            time.sleep(0.1)
        raise RuntimeError(f"PostgreSQL did not start:\n{self._log_tail()}")

    def crash(self) -> None:
        """SIGKILL the postmaster, as the OOM killer would, and reap it and its backends.

        Orphaned backends notice their postmaster died and exit by themselves; any that
        linger are killed too, because a new postmaster refuses to start while they still
        hold the shared memory.
        """
        assert self.process is not None
        children = _children_of(self.process.pid)
        self.process.kill()
        self.process.wait(timeout=30)
        self.process = None
        _wait_for_exit(children, seconds=10)
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        _wait_for_exit(children, seconds=10)

    def kill_and_restart(self) -> None:
        """Crash the server and start it again on the same data."""
        self.crash()
        self.start()

    def stop(self) -> None:
        """Stop for good (immediate shutdown) and delete the cluster."""
        if self.data_dir is None:
            return
        if self.process is not None:
            self.process.send_signal(signal.SIGQUIT)  # immediate shutdown: the data is thrown away
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)
            self.process = None
        shutil.rmtree(self.data_dir.parent, ignore_errors=True)

    def _log_tail(self) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-20:])


def pg_bin_dir() -> Path | None:
    for candidate in PG_BIN_CANDIDATES:
        if (candidate / "initdb").exists():
            return candidate
    found = shutil.which("initdb")
    return Path(found).resolve().parent if found else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_postgres(as_postgres_user: bool) -> dict[str, str]:
    # PostgreSQL refuses to run as root; the Debian package creates the `postgres` user.
    return {"user": "postgres", "group": "postgres"} if as_postgres_user else {}


def _children_of(pid: int) -> list[int]:
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            # The command name may contain spaces; the fields after its ')' are fixed.
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                children.append(int(stat.parent.name))
    return children


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def _wait_for_exit(pids: list[int], *, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)


def start_postgres() -> PostgresServer:
    """initdb in a temp dir and start the server; as the `postgres` user when running as root."""
    bin_dir = pg_bin_dir()
    if bin_dir is None:
        raise RuntimeError(
            "PostgreSQL server binaries (initdb) not found; apt-get install postgresql"
        )
    root = Path(tempfile.mkdtemp(prefix="trustmeter-pg-"))
    as_postgres = os.geteuid() == 0
    if as_postgres:
        shutil.chown(root, user="postgres", group="postgres")
        root.chmod(0o700)
    port = _free_port()
    server = PostgresServer(
        url=f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres",
        data_dir=root / "data",
        bin_dir=bin_dir,
        as_postgres_user=as_postgres,
    )
    initdb = [str(bin_dir / "initdb"), "-D", str(server.data_dir), "-U", "postgres"]
    initdb += ["--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8"]
    subprocess.run(
        initdb, check=True, capture_output=True, timeout=120, **_as_postgres(as_postgres)
    )
    conf = CONFIG + f"port = {port}\nunix_socket_directories = '{root}'\n"
    assert server.data_dir is not None
    with (server.data_dir / "postgresql.conf").open("a") as handle:
        handle.write(conf)  # root may write the postgres user's file; ownership stays
    server.start()
    return server
