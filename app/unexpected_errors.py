"""Unexpected errors are logged once, with their request id, wherever else they surface."""

import contextlib
import logging

from starlette.requests import Request

log = logging.getLogger("trustmeter.errors")

# Starlette re-raises an error after its 500 handler ran, so servers and test clients see it:
# an API error surfaces again in the root app, whose handler runs too, and then in uvicorn,
# which logs whatever escapes the app. The first to log it marks it.
_LOGGED = "_trustmeter_logged"


def log_unexpected(request: Request, exc: BaseException) -> None:
    """Log the error with its traceback, unless it was logged already.

    The request id comes from the context (see app.logging); the path is redacted there.
    """
    if already_logged(exc):
        return
    log.error(
        "unhandled error",
        exc_info=exc,
        extra={"method": request.method, "path": request.url.path},
    )
    with contextlib.suppress(AttributeError):  # an exception class without a __dict__
        setattr(exc, _LOGGED, True)


def already_logged(exc: BaseException | None) -> bool:
    return bool(getattr(exc, _LOGGED, False))


class SkipLoggedErrors(logging.Filter):
    """Drops the server's report of an error the app has logged already."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and already_logged(record.exc_info[1]))


SKIP_LOGGED_ERRORS = SkipLoggedErrors()


def quiet_server_repeats() -> None:
    """Uvicorn logs every exception that leaves the app; ours were logged with more context."""
    logging.getLogger("uvicorn.error").addFilter(SKIP_LOGGED_ERRORS)
