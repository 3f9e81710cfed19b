"""plotly.js and its stylesheet under versioned URLs, cached by browsers for a year.

The script is sent from files (the vendored one, or its gzipped copy in the asset cache), in
chunks: a worker holds none of it. Both answers carry an ETag of their own.
"""

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, Response

from app.web.plotly_assets import plotly_assets

router = APIRouter(include_in_schema=False)
CACHE = "public, max-age=31536000, immutable"


@router.get("/vendor/plotly-{version}.min.js")
def plotly_js(version: str, request: Request) -> Response:
    assets = plotly_assets(request.app.state.settings.plotly_bundle)
    if version != assets.version:
        raise HTTPException(status_code=404)
    headers = {"Cache-Control": CACHE, "Vary": "Accept-Encoding"}
    if "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
        headers["ETag"] = f'"{assets.version}-gzip"'
        path = assets.js_gzip_path
    else:
        headers["ETag"] = f'"{assets.version}"'
        path = assets.js_path
    if request.headers.get("if-none-match") == headers["ETag"]:
        return Response(status_code=304, headers=headers)
    return FileResponse(path, media_type="text/javascript", headers=headers)


@router.get("/vendor/plotly-{version}.css")
def plotly_css(version: str, request: Request) -> Response:
    assets = plotly_assets(request.app.state.settings.plotly_bundle)
    if version != assets.version:
        raise HTTPException(status_code=404)
    return Response(assets.css, media_type="text/css", headers={"Cache-Control": CACHE})
