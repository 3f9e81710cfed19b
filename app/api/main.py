"""Assemble the /api/v1 application: its routers, error handlers and OpenAPI document."""

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy import Engine

from app.api.deps import refuse_nul_characters, refuse_unknown_query_parameters
from app.api.errors import install_api_error_handlers
from app.api.problems import problem_response
from app.api.v1 import (
    agreements,
    cadence,
    collaborations,
    exports,
    follow_up,
    imports,
    invitations,
    notes,
    participants,
    questionnaires,
    reports,
    results,
    rounds,
    shares,
    targets,
    webhooks,
)
from app.config import Settings
from app.services.answering.submission_batches import AnswerWriter

DESCRIPTION = """
Trustmeter's REST API for integrations: set up collaborations and measurement rounds, collect
answers in your own front end, and read scores, trends and exports.

Authenticate with `Authorization: Bearer <api key>` (create one with
`trustmeter api-key create` or on the coach's *API keys* page). Errors are RFC 9457 problem
details (`application/problem+json`). Lists are cursor-paginated: pass `limit`, then the
`next_cursor` you got back as `cursor`.
"""

TAGS = [
    {"name": "questionnaires", "description": "Questionnaire definitions (immutable versions)."},
    {"name": "collaborations", "description": "Collaborations, their parties and participants."},
    {"name": "rounds", "description": "Measurement rounds, invitations and results."},
    {"name": "responses", "description": "Partners' answers, submitted through an integration."},
    {"name": "results", "description": "Scores, reliability and trends (anonymity respected)."},
    {"name": "agreements", "description": "Agreements made after a round, and their follow-up."},
    {"name": "shares", "description": "Read-only links for the feedback session with partners."},
    {
        "name": "webhooks",
        "description": "Signed callbacks when rounds close, answers arrive or alerts rise.",
    },
]


def create_api(
    settings: Settings, engine: Engine, *, writer: AnswerWriter | None = None
) -> FastAPI:
    api = FastAPI(
        title="Trustmeter API",
        version="1.0.0",
        description=DESCRIPTION,
        openapi_tags=TAGS,
        openapi_url="/openapi.json",
        docs_url=None,  # served from a packaged Swagger UI by app.web.api_docs
        redoc_url=None,
        dependencies=[
            Depends(refuse_unknown_query_parameters),
            Depends(refuse_nul_characters),
        ],
    )
    api.state.settings = settings
    api.state.engine = engine
    # The app's writer, shared with the survey pages; an API built alone makes its own.
    api.state.answer_writer = writer or AnswerWriter(engine)
    install_api_error_handlers(api)
    # Routes are matched in order: the busiest (partners' submissions) is tried first.
    routers = (
        invitations,
        questionnaires,
        collaborations,
        targets,
        rounds,
        imports,
        results,
        reports,
        exports,
    )
    for module in (*routers, follow_up, agreements, notes, shares, cadence, participants, webhooks):
        api.include_router(module.router)
    return api


# Everything under /api that the mounted API does not own (/api, /api/v2, /api/v1;x…): an API
# client gets problem details there too, never the HTML page meant for people.
beyond_api = APIRouter(include_in_schema=False)


@beyond_api.api_route(
    "/api{rest:path}", methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
)
def api_path_not_found(request: Request, rest: str) -> JSONResponse:
    return problem_response(
        404, "Not Found", "There is nothing at this path; the API lives under /api/v1/."
    )
