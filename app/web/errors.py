"""HTML error pages for the web side: one calm page per status, in the reader's language."""

from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from app.api.problems import problem_response
from app.errors import TrustmeterError
from app.middleware import BodyTooLarge
from app.unexpected_errors import log_unexpected
from app.web.templating import render


class PageResponse(Exception):
    """Raised (typically by a dependency) to answer with a page that is already rendered."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


def error_page(
    request: Request, status_code: int, *, headers: dict[str, str] | None = None
) -> Response:
    """The generic page for a status; its wording lives in errors/error.html."""
    return render(
        request,
        "errors/error.html",
        {"status": status_code},
        status_code=status_code,
        headers=headers,
    )


async def _page_response(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, PageResponse)
    return exc.response


async def _domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, TrustmeterError)
    # Service messages are English and written for integrators; pages say it in their words.
    headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after is not None else None
    return error_page(request, exc.status_code, headers=headers)


API_PREFIX = "/api/"


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    headers = dict(exc.headers) if exc.headers else None
    if request.url.path.startswith(API_PREFIX):
        # A path the API mount cannot match (its `.*` stops at a newline in an id, say) still
        # answers an integrator in problem details, not with an HTML page.
        title = HTTPStatus(exc.status_code).phrase
        return problem_response(exc.status_code, title, f"{title}.", headers=headers)
    return error_page(request, exc.status_code, headers=headers)


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    # A path that names no possible record (an id beyond any the database holds) is not found.
    in_path = all(error.get("loc", ("",))[0] == "path" for error in exc.errors())
    return error_page(request, 404 if in_path else 422)


async def _too_large(request: Request, exc: Exception) -> Response:
    return error_page(request, 413)


async def _unexpected(request: Request, exc: Exception) -> Response:
    log_unexpected(request, exc)
    return error_page(request, 500)


def install_error_pages(app: FastAPI) -> None:
    """HTML pages for errors outside /api/v1 (the API answers problem details itself)."""
    app.add_exception_handler(PageResponse, _page_response)
    app.add_exception_handler(TrustmeterError, _domain_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(BodyTooLarge, _too_large)
    app.add_exception_handler(Exception, _unexpected)
