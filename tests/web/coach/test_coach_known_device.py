"""A browser where the coach signed in is remembered for sign-in limits, and only for that."""

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.models import User
from tests.factories import make_organisation, make_user
from tests.web.coach.conftest import sign_in


def test_signing_in_remembers_the_browser_in_a_cookie_only_the_login_form_sees(
    client: TestClient, session: Session
) -> None:
    user: User = make_user(session, organisation_id=make_organisation(session))
    answer = sign_in(client, user.email)
    assert answer.status_code == 303
    (device,) = [
        c for c in answer.headers.get_list("set-cookie") if c.startswith("trustmeter_device=")
    ]
    assert "HttpOnly" in device and "Path=/login" in device and "SameSite=strict" in device
    assert "Max-Age=31536000" in device
    value = device.split(";")[0].split("=", 1)[1]
    assert value.count(".") == 1 and user.email not in value
