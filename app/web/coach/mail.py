"""/coach/mail: the e-mails the development mail catcher kept instead of sending them."""

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from app.services.messaging.caught_mail import list_caught_mail
from app.web.coach.deps import PrincipalDep
from app.web.coach.pages import page
from app.web.deps import SessionDep, SettingsDep

router = APIRouter(include_in_schema=False)


@router.get("/coach/mail")
def caught_mail(
    request: Request, session: SessionDep, settings: SettingsDep, principal: PrincipalDep
) -> Response:
    if not settings.catches_mail:  # e-mail really goes out: there is nothing to show here
        raise HTTPException(status_code=404)
    caught = list_caught_mail(session, organisation_id=principal.organisation_id)
    context = {"messages": caught.messages, "total": caught.total, "nav": "mail"}
    return page(request, "coach/mail.html", principal, context)
