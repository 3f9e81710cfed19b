"""plotly.js and its stylesheet under versioned URLs, cached by browsers for a year."""

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from app.web.plotly_assets import plotly_assets

router = APIRouter(include_in_schema=False)
CACHE = "public, max-age=31536000, immutable"


@router.get("/vendor/plotly-{version}.min.js")
def plotly_js(version: str, request: Request) -> Response:
    assets = plotly_assets()
    if version != assets.version:
        raise HTTPException(status_code=404)
    headers = {"Cache-Control": CACHE, "Vary": "Accept-Encoding"}
    if "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
        return Response(assets.js_gzip, media_type="text/javascript", headers=headers)
    return Response(assets.js, media_type="text/javascript", headers=headers)


@router.get("/vendor/plotly-{version}.css")
def plotly_css(version: str) -> Response:
    assets = plotly_assets()
    if version != assets.version:
        raise HTTPException(status_code=404)
    return Response(assets.css, media_type="text/css", headers={"Cache-Control": CACHE})
