"""Pure-ASGI middleware: request id, access log, security headers with a CSP nonce, body limit."""

import json
import logging
import secrets
import time
import uuid
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
        started = time.perf_counter()
        status_holder = {"status": 500}
        limit = self._body_limit(scope)
        try:
            if _declared_length(scope) > limit:
                await _send_too_large(send, limit, self._headers(nonce, request_id, scope))
                status_holder["status"] = 413
                return

            async def send_with_headers(message: Message) -> None:
                if message["type"] == "http.response.start":
                    status_holder["status"] = message["status"]
                    headers = list(message.get("headers", []))
                    present = {name.lower() for name, _ in headers}
                    for name, value in self._headers(nonce, request_id, scope):
                        if name not in present:
                            headers.append((name, value))
                    message["headers"] = headers
                await send(message)

            await self.app(scope, _limited_receive(receive, limit), send_with_headers)
        finally:
            log.info(
                "request",
                extra={
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status_holder["status"],
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                },
            )
            request_id_var.reset(token)

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


class BodyTooLarge(Exception):
    pass


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


async def _send_too_large(send: Send, limit: int, headers: list[tuple[bytes, bytes]]) -> None:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": "Request body too large",
        "status": 413,
        "detail": f"The request body is larger than the limit of {limit} bytes.",
    }
    payload = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/problem+json"),
                (b"content-length", str(len(payload)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})


def install_middleware(app: FastAPI, settings: Settings) -> None:
    app.add_middleware(TrustmeterMiddleware, settings=settings)
