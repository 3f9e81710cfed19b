"""The interactive API docs at /api/v1/docs: Swagger UI from an installed wheel, never a CDN."""

from pathlib import Path

from fastapi import APIRouter, FastAPI, HTTPException, Request
from fastapi.responses import FileResponse, Response
from swagger_ui_bundle import swagger_ui_path

from app.config import Settings
from app.web.templating import render

router = APIRouter(include_in_schema=False)

SWAGGER_DIR = Path(str(swagger_ui_path))
SWAGGER_VERSION = SWAGGER_DIR.name.removeprefix("swagger-ui-")
# Only what the page loads: the package also holds source maps and its own index page.
ASSETS = {
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui.css": "text/css",
    "favicon-32x32.png": "image/png",
}
CACHE = "public, max-age=31536000, immutable"  # the version is in the URL


def asset_url(name: str) -> str:
    return f"/vendor/swagger-ui-{SWAGGER_VERSION}/{name}"


@router.get("/api/v1/docs")
def api_docs(request: Request) -> Response:
    return render(
        request,
        "api/docs.html",
        {
            "openapi_url": "/api/v1/openapi.json",
            "script_url": asset_url("swagger-ui-bundle.js"),
            "style_url": asset_url("swagger-ui.css"),
            "icon_url": asset_url("favicon-32x32.png"),
        },
        language="en",  # the API and its descriptions are in English
    )


@router.get("/vendor/swagger-ui-{version}/{name}")
def swagger_asset(version: str, name: str) -> Response:
    if version != SWAGGER_VERSION or name not in ASSETS:
        raise HTTPException(status_code=404)
    return FileResponse(
        SWAGGER_DIR / name, media_type=ASSETS[name], headers={"Cache-Control": CACHE}
    )


def install_api_docs(app: FastAPI, settings: Settings) -> None:
    """Before /api/v1 is mounted, so this route is found first; off where docs are off."""
    if settings.show_docs:
        app.include_router(router)
