"""A real SMTP server inside the test process (aiosmtpd) that records or refuses messages."""

import email
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any, cast

from aiosmtpd.controller import Controller


@dataclass
class RecordingHandler:
    """Accepts and keeps every message, or answers DATA with `refusal` (e.g. "451 …")."""

    messages: list[EmailMessage] = field(default_factory=list)
    refusal: str | None = None
    received: threading.Event = field(default_factory=threading.Event)  # set at each message

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refusal:
            return self.refusal
        message = email.message_from_bytes(envelope.content, policy=default_policy)
        self.messages.append(cast(EmailMessage, message))
        self.received.set()
        return "250 Message accepted for delivery"


@dataclass
class SmtpServer:
    url: str
    handler: RecordingHandler

    @property
    def messages(self) -> list[EmailMessage]:
        return self.handler.messages


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def smtp_server(*, refusal: str | None = None) -> Iterator[SmtpServer]:
    """Run an SMTP server on 127.0.0.1 at a free port for the duration of the block."""
    handler = RecordingHandler(refusal=refusal)
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpServer(url=f"smtp://127.0.0.1:{port}", handler=handler)
    finally:
        controller.stop()


def text_part(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return cast(str, cast(EmailMessage, part).get_content())


def html_part(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("html",))
    assert part is not None
    return cast(str, cast(EmailMessage, part).get_content())
