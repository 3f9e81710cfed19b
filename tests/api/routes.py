"""The API's route table as the tests walk it: every operation, its scope, a valid request.

Tests parametrised over `operations()` cover a new route automatically; when the route needs
a request body, `request_for` fails until one is added to REQUESTS below.
"""

import re
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import BaseModel
from starlette.routing import Mount

from app.api.deps import ReaderDep, WriterDep
from app.api.v1.questionnaires import EXAMPLE_DEFINITION
from app.config import Settings
from app.main import create_app
from tests.conftest import make_settings

ROUTE_EXAMPLE_QUESTIONNAIRE: dict[str, Any] = {**EXAMPLE_DEFINITION, "key": "route-table"}

READ_CHECK = ReaderDep.__metadata__[0].dependency
WRITE_CHECK = WriterDep.__metadata__[0].dependency


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    route: APIRoute

    def __str__(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def params(self) -> list[str]:
        return re.findall(r"{(\w+)}", self.path)

    def url(self, ids: dict[str, object]) -> str:
        missing = [p for p in self.params if p not in ids]
        assert not missing, f"{self}: the tests know no value for {missing}"
        return re.sub(r"{(\w+)}", lambda m: str(ids[m.group(1)]), self.path)

    @property
    def scopes(self) -> set[str]:
        calls = set(_calls(self.route.dependant))
        return {
            name for name, check in (("read", READ_CHECK), ("write", WRITE_CHECK)) if check in calls
        }

    @property
    def body_model(self) -> type[BaseModel] | None:
        field = self.route.body_field
        annotation = field.field_info.annotation if field else None
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            return annotation
        return None

    @property
    def paginated(self) -> bool:
        model = self.route.response_model
        return (
            isinstance(model, type)
            and issubclass(model, BaseModel)
            and {
                "items",
                "next_cursor",
            }
            <= set(model.model_fields)
        )


def _calls(dependant: Any) -> Iterator[Callable[..., Any]]:
    for dependency in dependant.dependencies:
        if dependency.call is not None:
            yield dependency.call
        yield from _calls(dependency)


def api_app(app: FastAPI) -> FastAPI:
    mount = next(r for r in app.routes if isinstance(r, Mount) and r.path == "/api/v1")
    assert isinstance(mount.app, FastAPI)
    return mount.app


def operations(app: FastAPI | None = None) -> list[Operation]:
    """Every operation of /api/v1 (built from a throwaway app: routes do not need a database)."""
    app = app or create_app(_settings())
    found = []
    for context in iter_route_contexts(api_app(app).routes):
        route = context.original_route
        if isinstance(route, APIRoute) and route.include_in_schema:
            found.extend(Operation(method, route.path, route) for method in sorted(route.methods))
    return found


# Describing routes opens no connection; the file is never created.
SCHEMA_ONLY_URL = (
    f"sqlite:///{Path(tempfile.gettempdir()) / 'trustmeter-schema-only' / 'unused.db'}"
)


def schema_only_settings(**overrides: object) -> Settings:
    return make_settings(SCHEMA_ONLY_URL, **overrides)


def _settings() -> Settings:
    return schema_only_settings()


def operation_ids() -> list[str]:
    return [str(operation) for operation in operations()]


@dataclass(frozen=True)
class Request:
    json: Any = None
    content: bytes | None = None
    content_type: str | None = None

    def kwargs(self) -> dict[str, Any]:
        if self.content is not None:
            return {"content": self.content, "headers": {"Content-Type": self.content_type}}
        return {} if self.json is None else {"json": self.json}


IMPORT_HEADER = b"external_ref;target_party;item_id;value\n"

# A valid request per operation that has a body; `ids` are the caller's or another's.
REQUESTS: dict[str, Callable[[dict[str, object]], Request]] = {
    "POST /questionnaires": lambda ids: Request(json={**ROUTE_EXAMPLE_QUESTIONNAIRE, "version": 9}),
    "POST /collaborations": lambda ids: Request(json={"name": "Nieuwe samenwerking"}),
    "PATCH /collaborations/{collaboration_id}": lambda ids: Request(json={"name": "Hernoemd"}),
    "POST /collaborations/{collaboration_id}/parties": lambda ids: Request(
        json={"name": "Nieuwe partij", "kind": "partner"}
    ),
    "POST /parties/{party_id}/participants": lambda ids: Request(json={"external_ref": "new-1"}),
    "POST /parties/{party_id}/participants:batch": lambda ids: Request(
        json={"participants": [{"external_ref": "batch-1"}, {"email": "b@example.org"}]}
    ),
    "POST /collaborations/{collaboration_id}/rounds": lambda ids: Request(
        json={"label": "Tweede meting", "questionnaire_id": ids["questionnaire_id"]}
    ),
    "POST /collaborations/{collaboration_id}/agreements": lambda ids: Request(
        json={
            "title": "Sneller terugbellen",
            "committing_party_ids": [ids["party_id"]],
            "round_id": ids["round_id"],
        }
    ),
    "PATCH /agreements/{agreement_id}": lambda ids: Request(json={"status": "kept"}),
    "POST /rounds/{round_id}/shares": lambda ids: Request(json={"sections": ["matrix", "mirror"]}),
    "POST /invitations/{token}/agreements": lambda ids: Request(
        # Accepted where the world has an agreement checked in the open round.
        json={
            "answers": [
                {"agreement_id": ids["checked_agreement_id"] or ids["agreement_id"], "value": 4}
            ]
        }
    ),
    "PUT /rounds/{round_id}/note": lambda ids: Request(json={"body": "Eigen aantekening"}),
    "POST /invitations/{token}/responses": lambda ids: Request(
        json={"answers": [], "final": False}
    ),
    "POST /rounds/{round_id}/responses/import": lambda ids: Request(
        content=IMPORT_HEADER, content_type="text/csv"
    ),
    "PUT /collaborations/{collaboration_id}/cadence": lambda ids: Request(
        json={
            "every": 3,
            "unit": "months",
            "open_days": 14,
            "questionnaire_id": ids["questionnaire_id"],
            "starts_at": "2099-04-01T07:00:00Z",
        }
    ),
    "PATCH /participants/{participant_id}": lambda ids: Request(json={"name": "Nieuwe naam"}),
    "POST /invitations/{invitation_id}/link": lambda ids: Request(json={"send_email": False}),
    "PUT /participants/{participant_id}/targets": lambda ids: Request(
        json={"target_party_ids": [ids["other_party_id"]]}
    ),
    "PUT /parties/{party_id}/targets": lambda ids: Request(
        json={"target_party_ids": [ids["other_party_id"]]}
    ),
    "POST /webhooks": lambda ids: Request(
        json={"url": "https://hooks.example.org/new", "events": ["alert.raised"]}
    ),
}


def request_for(operation: Operation, ids: dict[str, object]) -> Request:
    has_body = operation.route.body_field is not None or "requestBody" in (
        operation.route.openapi_extra or {}
    )
    if not has_body:
        return Request()
    assert str(operation) in REQUESTS, f"add a valid request for {operation} to REQUESTS"
    return REQUESTS[str(operation)](ids)
