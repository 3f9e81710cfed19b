"""A tender deadline: every partner submits at the same moment, against several app workers."""

import threading
from collections.abc import Callable

import httpx
import pytest
from sqlmodel import Session, col, func, select

from app.config import Settings
from app.db import make_engine
from app.models import Invitation, InvitationStatus, Response
from app.models.response import AnswerIn
from app.security import hash_token
from app.services.answering import invitation_state, responses, survey
from app.services.answering.survey import page_plan
from app.web import csrf
from app.web.survey_deps import RESUME_COOKIE
from tests.production.conftest import SurveyWorld
from tests.production.server import LiveServer

pytestmark = pytest.mark.timeout(300)

PARTNERS = 200
CODE = "PARTNERCODE1"  # every test partner's resume code


Submit = Callable[[httpx.Client, str], httpx.Response]


def _all_at_once(server: LiveServer, tokens: list[str], submit: Submit) -> list[int | str]:
    """One thread per partner; a barrier releases every request together."""
    barrier = threading.Barrier(len(tokens))
    outcomes: list[int | str] = [0] * len(tokens)

    def partner(number: int, token: str) -> None:
        with httpx.Client(base_url=server.url, timeout=120) as client:
            barrier.wait(timeout=120)
            try:
                outcomes[number] = submit(client, token).status_code
            except httpx.HTTPError as exc:
                outcomes[number] = repr(exc)

    threads = [
        threading.Thread(target=partner, args=(number, token))
        for number, token in enumerate(tokens)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    return outcomes


def _assert_all_stored(server: LiveServer, world: SurveyWorld, settings: Settings) -> None:
    assert "database is locked" not in server.logs()
    engine = make_engine(settings)
    try:
        with Session(engine) as session:
            submitted = session.exec(
                select(func.count())
                .select_from(Invitation)
                .where(Invitation.status == InvitationStatus.SUBMITTED)
            ).one()
            stored = session.exec(
                select(func.count())
                .select_from(Response)
                .where(col(Response.submitted_at).is_not(None))
            ).one()
    finally:
        engine.dispose()
    assert submitted == PARTNERS
    assert stored == sum(len(targets) for targets in world.target_party_ids.values())


def test_two_hundred_simultaneous_api_submissions_are_all_stored(
    live_server: Callable[..., LiveServer],
    survey_world_factory: Callable[[int], SurveyWorld],
    settings: Settings,
) -> None:
    world = survey_world_factory(PARTNERS)
    server = live_server(workers=2)

    def submit(client: httpx.Client, token: str) -> httpx.Response:
        return client.post(
            f"/api/v1/invitations/{token}/responses",
            json=world.final_submission(token),
            headers={**world.headers, "Idempotency-Key": token[:12]},
        )

    outcomes = _all_at_once(server, world.tokens, submit)

    failed = [outcome for outcome in outcomes if outcome != 200]
    assert not failed, f"{len(failed)} submissions failed, e.g. {failed[:5]}"
    _assert_all_stored(server, world, settings)


def test_two_hundred_partners_pressing_submit_in_the_survey_at_once_are_all_stored(
    live_server: Callable[..., LiveServer],
    survey_world_factory: Callable[[int], SurveyWorld],
    settings: Settings,
    session: Session,
) -> None:
    world = survey_world_factory(PARTNERS)
    for token in world.tokens:
        # The partner's browser saved a first page (and so holds the resume code), then the rest.
        context = invitation_state.load_invitation(session, token=token)
        first = page_plan(context)[0].items[0].id
        survey.save_page(
            session, context=context, number=1, fields=[(f"q-{first}", "4")], resume_code=CODE
        )
        draft = world.final_submission(token)["answers"]
        answers = [AnswerIn(**answer) for answer in draft]
        responses.submit_answers(session, token=token, answers=answers, final=False)
    session.close()
    server = live_server(workers=2)

    def submit(client: httpx.Client, token: str) -> httpx.Response:
        form_token = csrf.form_token(settings, purpose="survey", subject=hash_token(token))
        client.cookies.set(RESUME_COOKIE, CODE)
        return client.post(f"/s/{token}/submit", data={csrf.FIELD: form_token})

    outcomes = _all_at_once(server, world.tokens, submit)

    failed = [outcome for outcome in outcomes if outcome != 303]
    assert not failed, f"{len(failed)} submissions failed, e.g. {failed[:5]}"
    _assert_all_stored(server, world, settings)
