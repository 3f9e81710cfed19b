"""A tender deadline: every partner submits at the same moment, against several app workers."""

import threading
from collections.abc import Callable

import httpx
import pytest
from sqlmodel import Session, col, func, select

from app.config import Settings
from app.db import make_engine
from app.models import Invitation, InvitationStatus, Response
from tests.production.conftest import SurveyWorld
from tests.production.server import LiveServer

pytestmark = pytest.mark.timeout(300)

PARTNERS = 200


def _submit_all_at_once(server: LiveServer, world: SurveyWorld) -> list[int | str]:
    """One thread per partner; a barrier releases every request together."""
    barrier = threading.Barrier(len(world.tokens))
    outcomes: list[int | str] = [0] * len(world.tokens)

    def partner(number: int, token: str) -> None:
        with httpx.Client(base_url=server.url, timeout=120) as client:
            barrier.wait(timeout=120)
            try:
                answer = client.post(
                    f"/api/v1/invitations/{token}/responses",
                    json=world.final_submission(token),
                    headers=world.headers,
                )
                outcomes[number] = answer.status_code
            except httpx.HTTPError as exc:
                outcomes[number] = repr(exc)

    threads = [
        threading.Thread(target=partner, args=(number, token))
        for number, token in enumerate(world.tokens)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    return outcomes


def test_two_hundred_simultaneous_submissions_are_all_stored(
    live_server: Callable[..., LiveServer],
    survey_world_factory: Callable[[int], SurveyWorld],
    settings: Settings,
) -> None:
    world = survey_world_factory(PARTNERS)
    server = live_server(workers=2)

    outcomes = _submit_all_at_once(server, world)

    failed = [outcome for outcome in outcomes if outcome != 200]
    assert not failed, f"{len(failed)} submissions failed, e.g. {failed[:5]}"
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
