"""Map domain errors and framework errors to problem details, in one place."""

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import iter_route_contexts
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.routing import Match

from app.api.problems import problem_response
from app.errors import TrustmeterError
from app.middleware import BodyTooLarge
from app.services.exchange.imports import ImportRejected
from app.unexpected_errors import log_unexpected


def _field_path(location: tuple[object, ...]) -> str:
    parts = [str(part) for part in location]
    if parts and parts[0] in {"body", "query", "path", "header"}:
        parts = parts[1:] or parts
    return ".".join(parts)


async def _domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, TrustmeterError)
    headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after is not None else None
    params = [{"name": p.field, "reason": p.message} for p in exc.problems]
    return problem_response(
        exc.status_code,
        exc.title,
        exc.message,
        invalid_params=params,
        headers=headers,
        extensions={"code": exc.code},
    )


# The first rows are named in invalid_params; `errors` has every one.
IMPORT_PARAMS_SHOWN = 100


async def _import_rejected(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ImportRejected)
    params = [
        {"name": f"row {e.row}: {e.column}", "reason": e.reason}
        for e in exc.errors[:IMPORT_PARAMS_SHOWN]
    ]
    errors = [e.model_dump() for e in exc.errors]
    return problem_response(
        422, exc.title, exc.message, invalid_params=params, extensions={"errors": errors}
    )


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    if any(error.get("type") == "json_invalid" for error in errors):
        return problem_response(400, "Malformed request", "The request body is not valid JSON.")
    params = [{"name": _field_path(tuple(e["loc"])), "reason": e["msg"]} for e in errors]
    names = ", ".join(p["name"] for p in params[:5])
    return problem_response(
        422, "Invalid input", f"The request has invalid fields: {names}.", invalid_params=params
    )


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if isinstance(exc.__cause__, BodyTooLarge):
        # FastAPI turns any failure while reading the body into a 400; this one is a 413.
        return await _too_large(request, exc.__cause__)
    titles = {401: "Unauthorized", 403: "Forbidden", 404: "Not found", 405: "Method not allowed"}
    title = titles.get(exc.status_code, "Error")
    detail = exc.detail if isinstance(exc.detail, str) else title
    headers = dict(exc.headers) if exc.headers else {}
    if exc.status_code == 405:
        headers["Allow"] = ", ".join(_allowed_methods(request))
    return problem_response(exc.status_code, title, detail, headers=headers or None)


def _allowed_methods(request: Request) -> list[str]:
    """Every method of the path: GET and POST of one path are separate routes to Starlette,
    which would name only the first in `Allow`."""
    methods: set[str] = set()
    for route in iter_route_contexts(request.app.routes):
        match, _ = route.matches(request.scope)
        if match != Match.NONE:
            methods |= set(getattr(route, "methods", None) or ())
    return sorted(methods)


async def _too_large(request: Request, exc: Exception) -> Response:
    return problem_response(413, "Request body too large", "The request body is too large.")


async def _unexpected(request: Request, exc: Exception) -> Response:
    log_unexpected(request, exc)
    return problem_response(500, "Internal error", "Something went wrong on our side.")


def install_api_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ImportRejected, _import_rejected)
    app.add_exception_handler(TrustmeterError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(BodyTooLarge, _too_large)
    app.add_exception_handler(Exception, _unexpected)
