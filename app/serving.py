"""`trustmeter serve` with several workers: each worker listens on a socket of its own.

uvicorn's own worker mode shares one listening socket, and an asyncio worker that wakes up
accepts every connection waiting: a burst of new connections (partners at a deadline, a
reverse proxy filling its keep-alive pool) lands on one worker while the others idle. We
measured exactly that: 32 clients, one worker at full load, the other at none. Here every
worker binds the port with SO_REUSEPORT and the kernel spreads new connections evenly.

The supervisor is deliberately small: it starts the workers, replaces one that dies, and on
SIGTERM or SIGINT passes the signal on and waits for them to finish their requests.

Slow clients: uvicorn closes an idle kept-alive connection, but not one that never sends a
request or sends its headers a byte at a time; `HeadDeadlineProtocol` closes those.
"""

import asyncio
import logging
import multiprocessing
import multiprocessing.connection
import os
import signal
import socket
import sys
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.process import BaseProcess
from multiprocessing.synchronize import Event as EventType
from types import FrameType
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from app.config import get_settings

logger = logging.getLogger("trustmeter.serving")

SUPPORTED = hasattr(socket, "SO_REUSEPORT")
STARTUP_FAILURE = 3  # uvicorn's exit code when the app cannot start
_context = multiprocessing.get_context("spawn")  # a fresh interpreter: no inherited threads


def listening_socket(host: str, port: int) -> socket.socket:
    """A socket bound to host:port that other workers may bind as well (SO_REUSEPORT)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    return sock


class HeadDeadlineProtocol(HttpToolsProtocol):
    """uvicorn's HTTP protocol, plus a deadline for each request's head (line and headers).

    The clock starts when the connection opens and when a request's first byte arrives, and
    stops when its headers are complete: a few hundred silent or slowloris connections are
    closed in seconds instead of holding a worker's connections for ever.
    """

    _head_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._start_head_deadline()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._start_head_deadline()

    def on_headers_complete(self) -> None:
        self._stop_head_deadline()
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_head_deadline()
        super().connection_lost(exc)

    def _start_head_deadline(self) -> None:
        if self._head_deadline is None:
            seconds = get_settings().header_timeout_seconds
            self._head_deadline = self.loop.call_later(seconds, self._head_too_late)

    def _stop_head_deadline(self) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
            self._head_deadline = None

    def _head_too_late(self) -> None:
        self._head_deadline = None
        if not self.transport.is_closing():
            self.transport.close()


def _worker(options: dict[str, Any], started: EventType) -> None:
    config = uvicorn.Config(**options)
    server = uvicorn.Server(config)
    threading.Thread(target=_report_start, args=(server, started), daemon=True).start()
    server.run(sockets=[listening_socket(config.host, config.port)])


def _report_start(server: uvicorn.Server, started: EventType) -> None:
    while not server.started:
        time.sleep(0.05)
    started.set()


@dataclass
class Supervisor:
    """Keeps `workers` worker processes running until told to stop."""

    options: dict[str, Any]
    workers: int
    processes: list[BaseProcess] = field(default_factory=list)
    started: dict[int, EventType] = field(default_factory=dict)  # by worker pid
    stopping: bool = False
    exit_code: int = 0

    def run(self) -> int:
        # Bound, never listening: it reserves the port for the workers (a port in use fails
        # here, once, with a clear message) and receives no connections itself.
        with listening_socket(self.options["host"], self.options["port"]):
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, self._stop)
            self.processes = [self._start() for _ in range(self.workers)]
            while not self.stopping:
                self._replace_the_dead()
            for process in self.processes:
                process.join()
        return self.exit_code

    def _start(self) -> BaseProcess:
        started = _context.Event()
        process = _context.Process(
            target=_worker, args=(self.options, started), name="trustmeter-worker"
        )
        process.start()
        assert process.pid is not None
        self.started[process.pid] = started
        return process

    def _replace_the_dead(self) -> None:
        multiprocessing.connection.wait([process.sentinel for process in self.processes], 1.0)
        for index, process in enumerate(self.processes):
            if self.stopping or process.is_alive():
                continue
            assert process.pid is not None
            if not self.started.pop(process.pid).is_set():  # restarting it would fail again
                logger.error("worker %s failed to start; stopping", process.pid)
                self.exit_code = STARTUP_FAILURE
                self._stop(signal.SIGTERM, None)
                return
            logger.warning(
                "worker %s ended (exit code %s); starting another", process.pid, process.exitcode
            )
            self.processes[index] = self._start()

    def _stop(self, _signum: int, _frame: FrameType | None) -> None:
        # Always SIGTERM, as uvicorn's own supervisor does: after a Ctrl-C the workers have
        # their SIGINT from the terminal already, and a second SIGINT would cut requests off.
        self.stopping = True
        for process in self.processes:
            if process.is_alive() and process.pid is not None:
                os.kill(process.pid, signal.SIGTERM)


def serve(options: dict[str, Any], *, workers: int) -> None:
    """Run uvicorn with `options` (keyword arguments of uvicorn.Config) in `workers` processes."""
    if workers == 1 or not SUPPORTED:
        uvicorn.run(**options, workers=workers)
        return
    try:
        sys.exit(Supervisor(options, workers).run())
    except OSError as error:  # the port is taken, or the address is not ours
        logger.error("cannot listen on %s:%s: %s", options["host"], options["port"], error)
        sys.exit(1)
