"""RFC 9457 problem details: the one shape of every API error, and its OpenAPI documentation."""

from typing import Any

from pydantic import BaseModel, Field
from starlette.responses import JSONResponse

from app.models.imports import ImportRowError

PROBLEM_MEDIA_TYPE = "application/problem+json"


class InvalidParam(BaseModel):
    name: str = Field(description="The offending field, as a dotted path (`answers.3.value`).")
    reason: str = Field(description="What is wrong with it.")


class Problem(BaseModel):
    """An error, as RFC 9457 problem details."""

    type: str = Field(examples=["urn:trustmeter:problem:not-found"])
    title: str = Field(examples=["Not found"])
    status: int = Field(examples=[404])
    detail: str = Field(examples=["No collaboration 42 in your organisation."])
    instance: str | None = None
    invalid_params: list[InvalidParam] = Field(default_factory=list)
    code: str | None = Field(
        default=None,
        description="A stable name of the rule that was broken (e.g. `round_not_open`), for"
        " programs that react to it; `detail` is for people.",
        examples=["not_found"],
    )


class ImportProblem(Problem):
    """A refused import: besides `invalid_params` (the first rows), `errors` lists every row."""

    errors: list[ImportRowError] = Field(default_factory=list)


def problem_type(title: str) -> str:
    return "urn:trustmeter:problem:" + title.lower().replace(" ", "-")


def problem_response(
    status: int,
    title: str,
    detail: str,
    *,
    invalid_params: list[dict[str, str]] | None = None,
    instance: str | None = None,
    headers: dict[str, str] | None = None,
    extensions: dict[str, Any] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": problem_type(title),
        "title": title,
        "status": status,
        "detail": detail,
        "invalid_params": invalid_params or [],
        **(extensions or {}),
    }
    if instance:
        body["instance"] = instance
    return JSONResponse(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


_DESCRIPTIONS = {
    400: "Malformed request (for example invalid JSON).",
    401: "Missing, unknown or revoked API key.",
    403: "The API key lacks the scope this operation needs.",
    404: "No such resource in your organisation.",
    409: "The request conflicts with the current state (or an identical request is in flight).",
    413: "The request body is larger than the configured limit.",
    415: "The request body has a media type this operation does not accept.",
    422: "The request is well-formed but invalid; `invalid_params` names each field.",
    429: "Too many requests; retry after the `Retry-After` seconds.",
    503: "A part this operation needs is unavailable for now; try again later.",
}


def problem_responses(
    *statuses: int, model: type[Problem] = Problem
) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entries documenting problem details for the given statuses."""
    ref = f"#/components/schemas/{model.__name__}"
    return {
        status: {
            "model": model,
            "description": _DESCRIPTIONS[status],
            "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": ref}}},
        }
        for status in statuses
    }
