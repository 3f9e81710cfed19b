"""Liveness and readiness: /livez answers, /healthz checks the database, /readyz migrations."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from app.infra import health

router = APIRouter(include_in_schema=False)


@router.get("/livez")
async def livez() -> dict[str, str]:
    return {"status": "ok"}  # the process answers; nothing else is checked


@router.get("/healthz")
def healthz(request: Request) -> JSONResponse:
    database_ok, database = health.database_ok(request.app.state.engine)
    writes_ok, writes = health.writes_ok()
    ok = database_ok and writes_ok
    return JSONResponse(
        {"status": "ok" if ok else "unavailable", "database": database, "writes": writes},
        status_code=200 if ok else 503,
    )


@router.get("/readyz")
def readyz(request: Request) -> JSONResponse:
    ok, detail = health.schema_current(request.app.state.engine)
    return JSONResponse(
        {"status": "ready" if ok else "not ready", "schema": detail}, status_code=200 if ok else 503
    )
