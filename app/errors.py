"""Domain errors raised by services; the web and API layers map them to responses."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """One thing wrong with one input field: where it is and what is wrong."""

    field: str
    message: str


class TrustmeterError(Exception):
    """Base class: a message safe to show to the caller."""

    status_code = 400
    title = "Bad request"

    def __init__(self, message: str, *, problems: list[FieldProblem] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems or []


class NotFound(TrustmeterError):
    status_code = 404
    title = "Not found"


class Conflict(TrustmeterError):
    status_code = 409
    title = "Conflict"


class InvalidInput(TrustmeterError):
    """Input that is well-formed but breaks a rule of the domain."""

    status_code = 422
    title = "Invalid input"


class InvalidSubmission(InvalidInput):
    """Answers that cannot be accepted (unknown item, value out of range, wrong target)."""

    title = "Invalid submission"


class RoundNotOpen(TrustmeterError):
    status_code = 409
    title = "Round not open"


class PermissionDenied(TrustmeterError):
    status_code = 403
    title = "Permission denied"


class Unavailable(TrustmeterError):
    """A part the request needs is down for now (e.g. the browser that draws the charts)."""

    status_code = 503
    title = "Service unavailable"


class RateLimited(TrustmeterError):
    status_code = 429
    title = "Too many requests"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
