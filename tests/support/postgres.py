"""A throwaway PostgreSQL cluster on a loopback port, started and stopped by the test run."""

import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

PG_BIN_CANDIDATES = [Path("/usr/lib/postgresql/15/bin"), Path("/usr/lib/postgresql/16/bin")]


@dataclass
class PostgresServer:
    url: str  # to the maintenance database `postgres`, as superuser `postgres`
    data_dir: Path | None = None
    bin_dir: Path | None = None
    as_postgres_user: bool = False

    def stop(self) -> None:
        if self.data_dir is None or self.bin_dir is None:
            return
        _run(
            self,
            [str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-m", "immediate", "stop"],
            check=False,
        )
        shutil.rmtree(self.data_dir.parent, ignore_errors=True)

    def kill_and_restart(self) -> None:
        """Crash the server (SIGKILL-like immediate stop) and start it again on the same data."""
        assert self.data_dir is not None and self.bin_dir is not None
        _run(
            self,
            [str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-m", "immediate", "stop"],
        )
        _start(self)


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


def _run(server: PostgresServer, args: list[str], check: bool = True) -> None:
    if server.as_postgres_user:
        args = ["runuser", "-u", "postgres", "--", *args]
    subprocess.run(args, check=check, capture_output=True, timeout=120)


def start_postgres() -> PostgresServer:
    """initdb + pg_ctl start in a temp dir; as the `postgres` user when running as root."""
    bin_dir = pg_bin_dir()
    if bin_dir is None:
        raise RuntimeError(
            "PostgreSQL server binaries (initdb) not found; apt-get install postgresql"
        )
    root = Path(tempfile.mkdtemp(prefix="trustmeter-pg-"))
    data_dir = root / "data"
    as_postgres = os.geteuid() == 0
    if as_postgres:
        shutil.chown(root, user="postgres", group="postgres")
        root.chmod(0o700)
    port = _free_port()
    server = PostgresServer(
        url=f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres",
        data_dir=data_dir,
        bin_dir=bin_dir,
        as_postgres_user=as_postgres,
    )
    _run(
        server,
        [
            str(bin_dir / "initdb"),
            "-D",
            str(data_dir),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
        ],
    )
    conf = (
        f"port = {port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{root}'\n"
        "fsync = on\nmax_connections = 300\nshared_buffers = 128MB\n"
    )
    conf_path = data_dir / "postgresql.conf"
    if as_postgres:
        subprocess.run(
            ["runuser", "-u", "postgres", "--", "sh", "-c", f"cat >> {conf_path}"],
            input=conf.encode(),
            check=True,
        )
    else:
        with conf_path.open("a") as handle:
            handle.write(conf)
    _start(server)
    return server


def _start(server: PostgresServer) -> None:
    assert server.data_dir is not None and server.bin_dir is not None
    log = server.data_dir.parent / "server.log"
    _run(
        server,
        [
            str(server.bin_dir / "pg_ctl"),
            "-D",
            str(server.data_dir),
            "-l",
            str(log),
            "-w",
            "-t",
            "60",
            "start",
        ],
    )
    deadline = time.monotonic() + 30
    port = int(server.url.rsplit(":", 1)[1].split("/")[0])
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"PostgreSQL did not start; see {log}")
