"""/r/{token}: the read-only share page for the feedback session, without an account."""

from fastapi import APIRouter, Request
from starlette.responses import Response

from app.errors import Gone, NotFound, RateLimited
from app.services.results import share_views, shares
from app.services.results.charts import matrix_figure
from app.web.coach.forms import translator
from app.web.deps import SessionDep, SettingsDep, client_address
from app.web.errors import error_page
from app.web.i18n import normalise_language
from app.web.plotly_assets import page_context
from app.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/r/{token}")
def show_share(
    request: Request, token: str, session: SessionDep, settings: SettingsDep
) -> Response:
    try:
        share = shares.open_share(
            session,
            token=token,
            client_key=client_address(request),
            limit=settings.token_rate_limit,
            window_seconds=settings.token_rate_window_seconds,
        )
    except NotFound:
        return render(request, "share/unavailable.html", {"reason": "unknown"}, status_code=404)
    except Gone as exc:
        reason = "expired" if "expired" in exc.message else "revoked"
        return render(request, "share/unavailable.html", {"reason": reason}, status_code=410)
    except RateLimited as exc:
        return error_page(request, 429, headers={"Retry-After": str(exc.retry_after)})
    found = share_views.share_page(session, share=share)
    language = normalise_language(request.query_params.get("lang")) or found.language
    charts = {}
    if "matrix" in found.sections:
        _ = translator(language)
        charts["chart-matrix"] = matrix_figure(
            found.dashboard, selected_round_id=found.round_id, _=_
        )
    context = {"share": found, "charts": charts, "plotly": page_context()}
    # Nobody should find this page through a search engine, or keep it in a shared cache.
    headers = {
        "X-Robots-Tag": "noindex",
        "Cache-Control": "no-store",
        "Referrer-Policy": "no-referrer",
    }
    return render(request, "share/page.html", context, language=language, headers=headers)
