"""A fresh database (SQLite in a temp dir, or a throwaway PostgreSQL cluster) and the real server.

The server is `trustmeter serve --workers N` on 127.0.0.1 and a free port, in its own process
group, with its log in the temp dir; its workers are found through /proc to read their memory.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from app import migrations
from app.config import Settings
from app.db import make_engine, new_session
from app.services.setup.questionnaires import ensure_builtin_questionnaires

REPO_ROOT = Path(__file__).resolve().parents[1]
SECRET_KEY = "bench-secret-key-not-for-production-0123456789"
START_TIMEOUT_SECONDS = 60
DATABASES = ("sqlite", "postgres")


@dataclass
class BenchDatabase:
    kind: str
    url: str
    workdir: Path

    def settings(self) -> Settings:
        return Settings(
            environment="test",
            database_url=self.url,
            secret_key=SECRET_KEY,
            base_url="http://127.0.0.1",
            log_json=True,
            log_level="WARNING",
        )

    def engine(self) -> Engine:
        return make_engine(self.settings())


@contextmanager
def bench_database(kind: str) -> Iterator[BenchDatabase]:
    """A migrated, empty database with the built-in questionnaire, thrown away afterwards."""
    if kind not in DATABASES:
        raise ValueError(f"database must be one of {DATABASES}, not {kind!r}")
    workdir = Path(tempfile.mkdtemp(prefix="trustmeter-bench-"))
    try:
        if kind == "sqlite":
            database = BenchDatabase(kind, f"sqlite:///{workdir / 'bench.db'}", workdir)
            _migrate(database)
            yield database
            return
        from tests.support.postgres import start_postgres

        server = start_postgres()
        try:
            name = f"bench_{uuid.uuid4().hex[:8]}"
            admin = create_engine(server.url, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
            admin.dispose()
            url = make_url(server.url).set(database=name).render_as_string(hide_password=False)
            database = BenchDatabase(kind, url, workdir)
            _migrate(database)
            yield database
        finally:
            server.stop()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _migrate(database: BenchDatabase) -> None:
    engine = database.engine()
    migrations.upgrade(engine)
    with new_session(engine) as session:
        ensure_builtin_questionnaires(session)
    engine.dispose()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class BenchServer:
    """A running `trustmeter serve`: its address, its process and its log."""

    port: int
    workers: int
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def address(self) -> tuple[str, int]:
        return ("127.0.0.1", self.port)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def worker_pids(self) -> list[int]:
        # uvicorn's supervisor may also start multiprocessing's resource tracker: not a worker.
        return [pid for pid in _children_of(self.process.pid) if not _is_helper(pid)]

    def peak_rss_mb(self) -> list[float]:
        """VmHWM (peak resident set) of every worker process, in MB."""
        return [_vm_hwm_kb(pid) / 1024 for pid in self.worker_pids()]

    def cpu_seconds(self) -> dict[int, float]:
        """CPU time (user + system) each worker has used so far."""
        return {pid: _cpu_seconds(pid) for pid in self.worker_pids()}

    def logs(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def _command(port: int, workers: int) -> list[str]:
    script = Path(sys.executable).with_name("trustmeter")
    program = [str(script)] if script.exists() else [sys.executable, "-m", "app.cli"]
    return [
        *program,
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]


def _environment(database: BenchDatabase) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("TRUSTMETER_")}
    env.update(
        {
            "TRUSTMETER_ENVIRONMENT": "test",
            "TRUSTMETER_DATABASE_URL": database.url,
            "TRUSTMETER_SECRET_KEY": SECRET_KEY,
            "TRUSTMETER_LOG_JSON": "true",
            "TRUSTMETER_LOG_LEVEL": "INFO",  # as in production: one access line per request
        }
    )
    return env


@contextmanager
def running_server(database: BenchDatabase, *, workers: int = 2) -> Iterator[BenchServer]:
    """Start the server on the database, wait until every worker is up, stop it afterwards."""
    port = free_port()
    with running_command(
        _command(port, workers),
        port=port,
        workers=workers,
        workdir=database.workdir,
        env=_environment(database),
        ready=lambda server: _started(server, "/healthz"),
    ) as server:
        yield server


@contextmanager
def running_command(
    command: list[str],
    *,
    port: int,
    workers: int,
    workdir: Path,
    env: dict[str, str],
    ready: Callable[[BenchServer], bool],
    cwd: Path = REPO_ROOT,
) -> Iterator[BenchServer]:
    """Any server of `workers` worker processes on `port` (the peer and the ceiling too)."""
    log_path = workdir / f"server-{port}.log"
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            command,
            cwd=cwd,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # one process group: stopping it reaches every worker
        )
    server = BenchServer(port, workers, process, log_path)
    try:
        _wait_until_serving(server, ready)
        yield server
    finally:
        _stop(process)


def _wait_until_serving(server: BenchServer, ready: Callable[[BenchServer], bool]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"the server exited early:\n{server.logs()[-3000:]}")
        if ready(server):
            return
        time.sleep(0.1)
    raise RuntimeError(f"the server did not become ready:\n{server.logs()[-3000:]}")


def _started(server: BenchServer, path: str) -> bool:
    """Every uvicorn worker said it started, and `path` answers 200."""
    started = server.logs().count("Application startup complete")
    return started >= server.workers and answers(server.url + path, 200)


def answers(url: str, status: int) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == status
    except httpx.HTTPError:
        return False


def _stop(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    except ProcessLookupError:
        pass


def _children_of(pid: int) -> list[int]:
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # The command name may contain spaces; the fields after its ')' are fixed.
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    return sorted(children)


def _vm_hwm_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _is_helper(pid: int) -> bool:
    try:
        return b"resource_tracker" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return True


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
