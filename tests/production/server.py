"""The real `trustmeter serve` in a subprocess on 127.0.0.1: start, kill -9, stop, read its logs."""

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tests.conftest import TEST_SECRET_KEY

REPO_ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_SECONDS = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_environment(database_url: str, **settings: str) -> dict[str, str]:
    """The process environment: ours without TRUSTMETER_* leftovers, plus the given settings."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("TRUSTMETER_")}
    values = {
        "environment": "test",
        "database_url": database_url,
        "secret_key": TEST_SECRET_KEY,
        "log_json": "true",
        "log_level": "INFO",
        **settings,
    }
    env.update({f"TRUSTMETER_{key.upper()}": value for key, value in values.items()})
    return env


@dataclass
class LiveServer:
    """One `trustmeter serve` process group; restartable on the same port and log file."""

    database_url: str
    log_path: Path
    workers: int = 1
    settings: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    _startups_seen: int = 0  # "startup complete" lines logged by earlier runs

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        assert self.process is None, "already running"
        command = [sys.executable, "-m", "app.cli", "serve", "--host", "127.0.0.1"]
        command += ["--port", str(self.port), "--workers", str(self.workers)]
        with self.log_path.open("ab") as log:
            # A session of its own: kill() reaches the uvicorn supervisor and all its workers.
            self.process = subprocess.Popen(
                command,
                cwd=REPO_ROOT,
                env=server_environment(self.database_url, **self.settings),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self._wait_until_serving()

    def _wait_until_serving(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"trustmeter serve exited early:\n{self.logs()}")
            if self._healthy() and self._startups() >= self._startups_seen + self.workers:
                return
            time.sleep(0.1)
        raise RuntimeError(f"trustmeter serve did not become healthy:\n{self.logs()}")

    def _startups(self) -> int:
        return self.logs().count("Application startup complete")

    def _healthy(self) -> bool:
        try:
            return httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def kill(self) -> None:
        """SIGKILL the whole process group: no shutdown hooks, no flushing, like a crash."""
        self._signal(signal.SIGKILL)

    def stop(self) -> int:
        """SIGTERM and wait for a graceful exit; returns the exit code."""
        return self._signal(signal.SIGTERM)

    def _signal(self, signum: int) -> int:
        assert self.process is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signum)
        code = self.process.wait(timeout=60)
        self.process = None
        self._startups_seen = self._startups()
        return code

    def wait_for_exit(self) -> int:
        """Wait for the server to end by itself (after a signal it was sent); its exit code."""
        assert self.process is not None
        code = self.process.wait(timeout=60)
        self.process = None
        self._startups_seen = self._startups()
        return code

    def restart(self) -> None:
        self.start()

    def logs(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def json_log_entries(self) -> list[dict[str, Any]]:
        entries = []
        for line in self.logs().splitlines():
            if line.startswith("{"):
                with contextlib.suppress(ValueError):  # a line still being written
                    entries.append(json.loads(line))
        return entries

    def pid_for(self, request_id: str) -> int:
        """Which worker process served the request with this X-Request-ID (from its log line)."""
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            for entry in self.json_log_entries():
                if entry.get("request_id") == request_id and entry.get("message") == "request":
                    return int(entry["pid"])
            time.sleep(0.05)  # the access line is written just after the answer is sent
        raise AssertionError(f"no access log line for request {request_id}")

    def close(self) -> None:
        if self.process is not None:
            self.kill()
