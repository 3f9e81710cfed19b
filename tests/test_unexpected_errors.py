"""An unexpected error is logged once, with its request id and traceback, never shown."""

import json
import logging
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.logging import JsonFormatter
from app.main import create_app
from app.unexpected_errors import SKIP_LOGGED_ERRORS
from tests.conftest import make_settings

REQUEST_ID = "req-unexpected-1"
TOKEN = "Tok3nNotForLogs"
PATHS = [f"/api/v1/invitations/{TOKEN}/boom", "/boom"]
LOGGERS = ("trustmeter", "uvicorn.error")


class _Boom(Exception):
    pass


def _boom() -> None:
    raise _Boom("internal detail: /srv/trustmeter/app.py line 42")


@pytest.fixture
def failing_app(database_url: str) -> FastAPI:
    app = create_app(make_settings(database_url))
    app.add_api_route("/boom", _boom)
    api = next(r.app for r in app.routes if getattr(r, "path", "") == "/api/v1")  # type: ignore[attr-defined]
    assert isinstance(api, FastAPI)
    api.add_api_route("/invitations/{token}/boom", _boom)
    return app


@pytest.fixture
def error_log(
    failing_app: FastAPI, caplog: pytest.LogCaptureFixture
) -> Iterator[pytest.LogCaptureFixture]:
    """Records of the app's and the server's loggers (they do not propagate to the root),
    formatted as in production while the request runs. After create_app: it resets handlers."""
    caplog.handler.setFormatter(JsonFormatter())
    loggers = [logging.getLogger(name) for name in LOGGERS]
    for logger in loggers:
        logger.addHandler(caplog.handler)
    yield caplog
    for logger in loggers:
        logger.removeHandler(caplog.handler)


def _errors(caplog: pytest.LogCaptureFixture) -> list[dict[str, object]]:
    entries = [json.loads(line) for line in caplog.text.splitlines() if line.startswith("{")]
    assert len(entries) == len(caplog.records)
    return [entry for entry in entries if entry["level"] == "ERROR"]


@pytest.mark.parametrize("path", PATHS)
def test_an_unexpected_error_is_logged_once_with_its_request_id(
    failing_app: FastAPI, error_log: pytest.LogCaptureFixture, path: str
) -> None:
    with TestClient(failing_app, raise_server_exceptions=False) as client:
        answer = client.get(path, headers={"X-Request-ID": REQUEST_ID})
    assert answer.status_code == 500
    assert "internal detail" not in answer.text and "Traceback" not in answer.text
    (entry,) = _errors(error_log)
    assert entry["request_id"] == REQUEST_ID
    assert "_Boom: internal detail" in str(entry["exception"])
    assert TOKEN not in error_log.text


@pytest.mark.parametrize("path", PATHS)
def test_the_server_does_not_log_an_error_the_app_logged(
    failing_app: FastAPI, error_log: pytest.LogCaptureFixture, path: str
) -> None:
    with (
        TestClient(failing_app, raise_server_exceptions=True) as client,
        pytest.raises(_Boom) as raised,
    ):
        client.get(path)
    # What uvicorn does with an exception that leaves the app.
    logging.getLogger("uvicorn.error").error(
        "Exception in ASGI application\n", exc_info=raised.value
    )
    assert len(_errors(error_log)) == 1


def test_the_server_still_logs_errors_the_app_never_saw() -> None:
    record = logging.LogRecord("uvicorn.error", logging.ERROR, "", 0, "x", None, None)
    try:
        raise _Boom("outside any request")
    except _Boom as exc:
        record.exc_info = (type(exc), exc, exc.__traceback__)
    assert SKIP_LOGGED_ERRORS.filter(record)
