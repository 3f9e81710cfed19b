"""Logs: JSON lines with a request id, or readable lines in development; no token is ever logged."""

import json
import logging
import re
import sys
from contextvars import ContextVar
from datetime import UTC, datetime

from app.config import Settings

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)

_TOKEN_PATH = re.compile(r"(/s/|/invitations/)[A-Za-z0-9_\-]+")
_BEARER = re.compile(r"(Bearer\s+)\S+", re.IGNORECASE)


def redact(text: str) -> str:
    """Hide survey tokens in paths and API keys in headers."""
    return _BEARER.sub(r"\1[redacted]", _TOKEN_PATH.sub(r"\1[redacted]", text))


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
            "request_id": request_id_var.get(),
            "pid": record.process,  # which worker, when several serve the same port
        }
        for key in ("method", "path", "status", "duration_ms", "client"):
            if hasattr(record, key):
                value = getattr(record, key)
                entry[key] = redact(value) if isinstance(value, str) else value
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


class RedactingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class ConsoleFormatter(RedactingFormatter):
    """One short line per event for a developer's terminal; requests read like an access log."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)-7s %(message)s", datefmt="%H:%M:%S")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        if hasattr(record, "status") and hasattr(record, "path"):
            method, path = getattr(record, "method", ""), redact(str(record.path))
            line = line.replace(
                "request", f"{method} {path} {record.status} {getattr(record, 'duration_ms', 0)} ms"
            )
        elif record.name.startswith("trustmeter.") and record.name != "trustmeter.access":
            line = f"{line}  [{record.name.removeprefix('trustmeter.')}]"
        return line


def configure_logging(settings: Settings) -> None:
    handler = logging.StreamHandler(sys.stderr)
    formatter: logging.Formatter
    if settings.json_logs:
        formatter = JsonFormatter()
    elif settings.environment == "development":
        formatter = ConsoleFormatter()
    else:
        formatter = RedactingFormatter("%(levelname)s %(name)s %(message)s")
    handler.setFormatter(formatter)
    for name in ("trustmeter", "uvicorn", "uvicorn.error"):
        # Uvicorn's own lines (startup, shutdown, protocol errors) get the same format.
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.propagate = False
    logging.getLogger("trustmeter").setLevel(settings.log_level)
    # Uvicorn's own access log would print raw paths with tokens: we log requests ourselves.
    logging.getLogger("uvicorn.access").disabled = True
