"""The demo as a newcomer walks it: an open round, its e-mails in the mail catcher, a partner's
link that works, and the dashboard that changes when that partner answers."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.config import Settings
from app.models import CaughtMail, Collaboration, Participant, Round, RoundStatus, User
from app.models.response import AnswerIn
from app.services import demo
from app.services.answering import responses
from app.services.messaging.outbox_worker import deliver_due_jobs
from app.services.results.dashboard import build_dashboard
from app.services.setup import rounds
from tests.conftest import make_settings
from tests.web.coach.conftest import Browser, browser_for


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(database_url, mail_catcher=True)


@pytest.fixture
def login(session: Session, settings: Settings) -> demo.DemoLogin:
    return demo.load_demo(session, settings=settings)


@pytest.fixture
def demo_coach(client: TestClient, session: Session, login: demo.DemoLogin) -> Browser:
    user = session.exec(select(User).where(User.email == demo.COACH_EMAIL)).one()
    return browser_for(client, user, demo.COACH_PASSWORD)


def _open_round(session: Session) -> Round:
    return session.exec(select(Round).where(Round.status == RoundStatus.OPEN)).one()


def test_the_demo_has_an_open_round_and_one_unanswered_link_per_party(
    session: Session, login: demo.DemoLogin, settings: Settings
) -> None:
    assert _open_round(session).label == "Evaluatie eerste jaar"
    assert [link.party for link in login.links] == [name for name, *_ in demo.PARTIES]
    assert all(link.url.startswith(f"{settings.base_url}/s/") for link in login.links)
    participants = session.exec(select(Participant)).all()
    assert participants and all(p.email and "@" in p.email for p in participants)
    again = demo.load_demo(session, settings=settings)
    assert again.links == login.links  # `make run` prints the same links every time


def test_the_open_rounds_invitations_land_in_the_mail_catcher(
    engine, session: Session, settings: Settings, demo_coach: Browser, login: demo.DemoLogin
) -> None:  # type: ignore[no-untyped-def]
    empty = demo_coach.get("/coach/mail")
    assert empty.status_code == 200 and "Nog geen e-mails" in empty.text
    report = deliver_due_jobs(engine, settings=settings)
    invited = len(session.exec(select(Participant)).all())
    assert report.outcomes["done"] == invited  # kept, not sent: no SMTP server is running
    page = demo_coach.get("/coach/mail")
    assert page.status_code == 200
    assert page.text.count('class="card mail-item"') == invited
    assert "Evaluatie eerste jaar" in page.text
    for link in login.links:
        assert f'href="{link.url}"' in page.text
    assert 'href="/coach/mail" aria-current="page"' in page.text


def test_a_partners_party_appears_on_the_dashboard_once_the_round_closes(
    client: TestClient, session: Session, login: demo.DemoLogin
) -> None:
    collaboration = session.exec(select(Collaboration)).one()
    link = login.links[0]
    assert _position(session, collaboration, link.party) is None
    token = link.url.rsplit("/", 1)[1]
    welcome = client.get(f"/s/{token}", follow_redirects=True)
    assert welcome.status_code == 200 and collaboration.name in welcome.text
    _answer_all(session, token)
    # Live figures would give this one partner's answers away: none until the round closes.
    assert _position(session, collaboration, link.party) is None
    round_id = _open_round(session).id or 0
    rounds.close_round(session, organisation_id=collaboration.organisation_id, round_id=round_id)
    after = _position(session, collaboration, link.party, round_id=round_id)
    assert after is not None and not after.suppressed and after.n == 3


def _answer_all(session: Session, token: str) -> None:
    context = responses.load_invitation(session, token=token)
    kinds = context.invitation.target_kinds  # the demo's form asks what fits each party
    answers = [
        AnswerIn(target_party_id=target, item_id=item.id, value=5)
        for target in context.invitation.target_party_ids
        for item in context.definition.items
        if item.fits(kinds.get(str(target)))
    ]
    responses.submit_answers(session, token=token, answers=answers, final=True)


def _position(  # type: ignore[no-untyped-def]
    session: Session, collaboration: Collaboration, party_name: str, round_id: int | None = None
):
    session.rollback()
    session.expire_all()
    dashboard = build_dashboard(
        session,
        organisation_id=collaboration.organisation_id,
        collaboration_id=collaboration.id or 0,
    )
    party = next(p for p in dashboard.parties if p.name == party_name)
    return dashboard.position(party.id, round_id or _open_round(session).id or 0)


def test_another_organisation_sees_none_of_the_demos_mail(
    engine, app, session: Session, settings: Settings, login: demo.DemoLogin
) -> None:  # type: ignore[no-untyped-def]
    from tests.factories import make_organisation, make_user

    deliver_due_jobs(engine, settings=settings)
    session.rollback()  # see what the worker committed
    assert session.exec(select(CaughtMail)).first() is not None
    other = make_user(session, organisation_id=make_organisation(session, name="Elders"))
    with TestClient(app) as other_client:
        page = browser_for(other_client, other).get("/coach/mail")
    assert page.status_code == 200 and "Nog geen e-mails" in page.text
    assert all(link.url not in page.text for link in login.links)


def test_without_the_catcher_there_is_no_mail_page(database_url: str, session: Session) -> None:
    from app.main import create_app
    from tests.factories import make_organisation, make_user

    plain = create_app(make_settings(database_url))  # the test environment: e-mail is sent
    user = make_user(session, organisation_id=make_organisation(session, name="Echt"))
    with TestClient(plain) as client:
        browser = browser_for(client, user)
        assert browser.get("/coach/mail").status_code == 404
        assert 'href="/coach/mail"' not in browser.get("/coach").text
