"""Slow and silent clients cannot hold a worker: the server closes them within its deadlines.

Runs the real `trustmeter serve` on 127.0.0.1 only, with short deadlines, bounded in time.
"""

import selectors
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager

import httpx

from tests.production.server import LiveServer

GIVE_UP_SECONDS = 30  # a bound for the test, far above the 1 s deadlines it sets


@contextmanager
def connections(port: int, count: int, first_bytes: bytes = b"") -> Iterator[list[socket.socket]]:
    with ExitStack() as stack:
        opened = []
        for _ in range(count):
            sock = stack.enter_context(socket.create_connection(("127.0.0.1", port), timeout=5))
            if first_bytes:
                sock.sendall(first_bytes)
            opened.append(sock)
        yield opened


def _closed_by_server(sockets: list[socket.socket]) -> int:
    """Wait (bounded) until the server has closed every socket; returns how many it closed."""
    selector = selectors.DefaultSelector()
    for sock in sockets:
        sock.setblocking(False)
        selector.register(sock, selectors.EVENT_READ)
    closed, deadline = 0, time.monotonic() + GIVE_UP_SECONDS
    while closed < len(sockets) and time.monotonic() < deadline:
        for key, _ in selector.select(timeout=1.0):
            sock = key.fileobj
            assert isinstance(sock, socket.socket)
            try:
                data = sock.recv(4096)
            except ConnectionResetError:
                data = b""
            if not data:  # end of stream: the server hung up
                selector.unregister(sock)
                closed += 1
    selector.close()
    return closed


def test_silent_and_slow_connections_are_closed_and_the_server_keeps_serving(
    live_server: Callable[..., LiveServer],
) -> None:
    server = live_server(header_timeout_seconds="1", keep_alive_seconds="1")
    with (
        connections(server.port, 200) as silent,
        connections(server.port, 20, b"GET /livez HTTP/1.1\r\nHost: x\r\n") as slowloris,
    ):
        # While they hang on, real clients are served.
        assert httpx.get(f"{server.url}/livez", timeout=10).status_code == 200
        assert _closed_by_server(silent + slowloris) == 220
    assert httpx.get(f"{server.url}/livez", timeout=10).status_code == 200


def test_an_idle_kept_alive_connection_is_closed(live_server: Callable[..., LiveServer]) -> None:
    server = live_server(header_timeout_seconds="1", keep_alive_seconds="1")
    with connections(server.port, 1, b"GET /livez HTTP/1.1\r\nHost: x\r\n\r\n") as (sock,):
        assert sock.recv(4096).startswith(b"HTTP/1.1 200")
        assert _closed_by_server([sock]) == 1
