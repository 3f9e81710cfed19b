"""The OpenAPI document: every operation described, with examples and its error responses."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import TypeAdapter

from app.main import create_app
from tests.api.routes import operations, schema_only_settings

PROBLEM_REF = "#/components/schemas/Problem"


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    app = create_app(schema_only_settings())
    with TestClient(app) as client:
        document = client.get("/api/v1/openapi.json").json()
    assert isinstance(document, dict)
    return document


def _operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, item in spec["paths"].items()
        for method, operation in item.items()
    ]


def test_the_document_lists_every_route(spec: dict[str, Any]) -> None:
    documented = {f"{method} {path}" for method, path, _ in _operations(spec)}
    assert documented == {str(operation) for operation in operations()}


def test_every_operation_has_a_summary_and_a_description(spec: dict[str, Any]) -> None:
    for method, path, operation in _operations(spec):
        assert operation.get("summary"), f"{method} {path}"
        assert len(operation.get("description", "")) > 20, f"{method} {path}"


def test_every_success_and_every_request_body_has_an_example(spec: dict[str, Any]) -> None:
    for method, path, operation in _operations(spec):
        success = next(v for k, v in operation["responses"].items() if k.startswith("2"))
        contents = success.get("content", {})
        assert any("example" in c or "examples" in c for c in contents.values()) or (
            # binary downloads: their CSV variant carries the example; a PDF has no text one
            "text/csv; charset=utf-8" in contents or "application/pdf" in contents
        ), f"{method} {path}"
        body = operation.get("requestBody", {}).get("content", {})
        for media_type, content in body.items():
            assert "example" in content or "examples" in content, f"{method} {path} {media_type}"


def _problem_statuses(operation: dict[str, Any]) -> set[int]:
    statuses = set()
    for status, response in operation["responses"].items():
        content = response.get("content", {}).get("application/problem+json")
        if content is not None:
            assert content["schema"]["$ref"].startswith("#/components/schemas/")
            assert "Problem" in content["schema"]["$ref"]
            statuses.add(int(status))
    return statuses


def test_every_operation_documents_its_problem_responses(spec: dict[str, Any]) -> None:
    for method, path, operation in _operations(spec):
        statuses = _problem_statuses(operation)
        expected = {401, 403, 422, 429}
        if "{" in path:
            expected.add(404)
        if "requestBody" in operation:
            expected |= {400, 413}
        if method == "POST":
            expected.add(409)  # a duplicate Idempotency-Key in flight
        assert expected <= statuses, f"{method} {path} lacks {sorted(expected - statuses)}"


def test_every_post_takes_an_idempotency_key(spec: dict[str, Any]) -> None:
    for method, path, operation in _operations(spec):
        if method != "POST":
            continue
        headers = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
        assert "Idempotency-Key" in headers, f"{method} {path}"


def test_problem_details_have_the_rfc_9457_members(spec: dict[str, Any]) -> None:
    problem = spec["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "detail", "invalid_params"} <= set(problem["properties"])


@pytest.mark.parametrize(
    ("overrides", "docs_status"),
    [
        ({"environment": "development"}, 200),
        ({"environment": "production", "secret_key": "a-long-production-secret-0123456789"}, 404),
        (
            {
                "environment": "production",
                "secret_key": "a-long-production-secret-0123456789",
                "docs_enabled": True,
            },
            200,
        ),
        ({"environment": "test", "docs_enabled": False}, 404),
    ],
)
def test_interactive_docs_can_be_switched_off_and_the_schema_stays(
    overrides: dict[str, object], docs_status: int
) -> None:
    app = create_app(schema_only_settings(**overrides))
    with TestClient(app) as client:
        assert client.get("/api/v1/docs").status_code == docs_status
        assert client.get("/api/v1/openapi.json").status_code == 200


def test_response_examples_are_valid_responses() -> None:
    # Checked where they are declared: the rendered document drops null members (FastAPI
    # renders it with exclude_none), which says nothing about the example itself.
    checked = set()
    for operation in operations():
        route = operation.route
        for status, response in route.responses.items():
            example = response.get("content", {}).get("application/json", {}).get("example")
            if example is not None and str(status).startswith("2"):
                TypeAdapter(route.response_model).validate_python(example)
                checked.add(str(operation))
    binary = {"GET /collaborations/{collaboration_id}/export", "GET /rounds/{round_id}/report.pdf"}
    assert checked == {str(op) for op in operations()} - binary
