"""Domain errors raised by services; the web and API layers map them to responses."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """One thing wrong with one input field: where it is and what is wrong."""

    field: str
    message: str


class TrustmeterError(Exception):
    """Base class: a message safe to show to the caller, and a stable code.

    `message` is English, written for integrators (problem details). `code` names the rule
    that was broken (e.g. "party.name_taken"); pages translate the code into their own words
    instead of checking the rule again. Each class has a general code; a raise may be precise.
    """

    status_code = 400
    title = "Bad request"
    code = "bad_request"
    retry_after: int | None = None  # seconds, sent as Retry-After

    def __init__(
        self, message: str, *, problems: list[FieldProblem] | None = None, code: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems or []
        if code is not None:
            self.code = code


class NotFound(TrustmeterError):
    status_code = 404
    title = "Not found"
    code = "not_found"


class Conflict(TrustmeterError):
    status_code = 409
    title = "Conflict"
    code = "conflict"


class InvalidInput(TrustmeterError):
    """Input that is well-formed but breaks a rule of the domain."""

    status_code = 422
    title = "Invalid input"
    code = "invalid_input"


class InvalidSubmission(InvalidInput):
    """Answers that cannot be accepted (unknown item, value out of range, wrong target)."""

    title = "Invalid submission"
    code = "invalid_submission"


class RoundNotOpen(TrustmeterError):
    status_code = 409
    title = "Round not open"
    code = "round_not_open"


class PermissionDenied(TrustmeterError):
    status_code = 403
    title = "Permission denied"
    code = "permission_denied"


class Unavailable(TrustmeterError):
    """A part the request needs is down for now (e.g. the browser that draws the charts)."""

    status_code = 503
    title = "Service unavailable"
    code = "unavailable"


class RateLimited(TrustmeterError):
    status_code = 429
    title = "Too many requests"
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class WriteUnavailable(TrustmeterError):
    """The database could not take a write in time (another writer held it too long)."""

    status_code = 503
    title = "Service unavailable"
    code = "write_unavailable"
    retry_after = 2


class Gone(TrustmeterError):
    """Something that existed and no longer works, such as a revoked or expired share link."""

    status_code = 410
    title = "Gone"
    code = "gone"
