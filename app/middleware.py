"""Pure-ASGI middleware: request id, access log, security headers with a CSP nonce, body limit."""

import json
import logging
import secrets
import time
import uuid
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.config import Settings
from app.logging import request_id_var

log = logging.getLogger("trustmeter.access")

IMPORT_PATH_SUFFIX = "/responses/import"


def content_security_policy(nonce: str) -> str:
    return "; ".join(
        (
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )


@dataclass
class _Exchange:
    """What the middleware learns about one request while it is answered."""

    status: int = 500  # until a response starts: an exception escaped


class BodyTooLarge(Exception):
    pass


class TrustmeterMiddleware:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _incoming_request_id(scope) or uuid.uuid4().hex
        token = request_id_var.set(request_id)
        nonce = secrets.token_urlsafe(16)
        scope.setdefault("state", {})["csp_nonce"] = nonce
        headers = self._headers(nonce, request_id, scope)
        exchange = _Exchange()
        started = time.perf_counter()
        try:
            await self._answer(scope, receive, _with_headers(send, headers, exchange))
        finally:
            log.info(
                "request",
                extra={
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": exchange.status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                },
            )
            request_id_var.reset(token)

    async def _answer(self, scope: Scope, receive: Receive, send: Send) -> None:
        limit = self._body_limit(scope)
        if _declared_length(scope) > limit:
            await _send_too_large(send, limit)
            return
        await self.app(scope, _limited_receive(receive, limit), send)

    def _body_limit(self, scope: Scope) -> int:
        if scope["path"].endswith(IMPORT_PATH_SUFFIX):
            return self.settings.import_max_body_bytes
        return self.settings.max_body_bytes

    def _headers(self, nonce: str, request_id: str, scope: Scope) -> list[tuple[bytes, bytes]]:
        headers = [
            (b"x-request-id", request_id.encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"x-frame-options", b"DENY"),
            (b"referrer-policy", b"no-referrer"),
            (b"cross-origin-opener-policy", b"same-origin"),
            (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
            (b"content-security-policy", content_security_policy(nonce).encode()),
        ]
        if self.settings.secure_cookies:
            headers.append((b"strict-transport-security", b"max-age=63072000; includeSubDomains"))
        if not scope["path"].startswith("/static/"):
            headers.append((b"cache-control", b"no-store"))
        return headers


def _with_headers(send: Send, headers: list[tuple[bytes, bytes]], exchange: _Exchange) -> Send:
    """Add our headers to the response (unless the route set its own) and note its status."""

    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            exchange.status = message["status"]
            present = {name.lower() for name, _ in message.get("headers", [])}
            extra = [(name, value) for name, value in headers if name not in present]
            message["headers"] = [*message.get("headers", []), *extra]
        await send(message)

    return wrapped


def _incoming_request_id(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"x-request-id":
            candidate = value.decode("latin-1")[:64]
            if candidate.replace("-", "").isalnum():
                return candidate
    return None


def _declared_length(scope: Scope) -> int:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return 0
    return 0


def _limited_receive(receive: Receive, limit: int) -> Receive:
    """Refuse a chunked body that grows past the limit without a Content-Length."""
    seen = 0

    async def wrapped() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge
        return message

    return wrapped


async def _send_too_large(send: Send, limit: int) -> None:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": "Request body too large",
        "status": 413,
        "detail": f"The request body is larger than the limit of {limit} bytes.",
    }
    await _send_json(send, 413, body)


async def _send_json(send: Send, status: int, body: dict[str, Any]) -> None:
    payload = json.dumps(body).encode()
    headers = [
        (b"content-type", b"application/problem+json"),
        (b"content-length", str(len(payload)).encode()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


def install_middleware(app: FastAPI, settings: Settings) -> None:
    """Wrap the whole stack, outside Starlette's error middleware: its 500 page for an
    unexpected error then carries the security headers and the request id too."""
    build_stack = app.build_middleware_stack

    def outermost() -> ASGIApp:
        return TrustmeterMiddleware(build_stack(), settings)

    app.build_middleware_stack = outermost  # type: ignore[method-assign]
