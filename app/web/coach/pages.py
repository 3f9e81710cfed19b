"""Rendering a coach page: the signed-in user and the language come along every time."""

from collections.abc import Mapping
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse

from app.services.identity.auth import Principal
from app.web.templating import render


def page(
    request: Request,
    name: str,
    principal: Principal,
    context: Mapping[str, Any] | None = None,
    *,
    status_code: int = 200,
) -> HTMLResponse:
    values = {
        "principal": principal,
        "notice": request.query_params.get("notice"),
        "notice_count": _count(request.query_params.get("count")),
        **(context or {}),
    }
    return render(request, name, values, status_code=status_code, language=principal.language)


def see_other(url: str, notice: str | None = None, *, count: int | None = None) -> RedirectResponse:
    """Redirect after a successful POST; `notice` names a message the next page shows, and
    `count` the number it gives (how many invitations were queued)."""
    if notice and count is not None:
        return RedirectResponse(f"{url}?notice={notice}&count={count}", status_code=303)
    return RedirectResponse(f"{url}?notice={notice}" if notice else url, status_code=303)


def _count(value: str | None) -> int:
    return int(value) if value and value.isdigit() and len(value) < 9 else 0
