"""The partner's plain page saves go through the process's group-commit writer; others do not."""

from collections.abc import Iterator
from concurrent.futures import Future

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session
from starlette.routing import Mount

from app.services.answering import page_batches, responses
from app.services.answering.submission_batches import AnswerWriter, BatchedSave
from tests.web.conftest import Partner, form_token
from tests.web.test_survey_pages import post_page


@pytest.fixture
def queued(app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[BatchedSave]]:
    """Every save handed to the app's writer (and still written by it)."""
    writer: AnswerWriter = app.state.answer_writer
    seen: list[BatchedSave] = []
    queue = writer.queue

    def spying(save: BatchedSave) -> "Future[object]":
        seen.append(save)
        return queue(save)

    monkeypatch.setattr(writer, "queue", spying)
    yield seen


def _saved(session: Session, partner: Partner) -> dict[str, int | None]:
    invitation_id = partner.invitation(session).id
    assert invitation_id is not None
    return {
        item: value
        for answers in responses.saved_answers(session, invitation_id).values()
        for item, value in answers.items()
    }


def test_the_survey_pages_and_the_api_share_one_writer(app: FastAPI) -> None:
    mounts = [route for route in app.routes if isinstance(route, Mount)]
    [api] = [mount.app for mount in mounts if mount.path == "/api/v1"]
    assert isinstance(app.state.answer_writer, AnswerWriter)
    assert app.state.answer_writer is api.state.answer_writer  # type: ignore[attr-defined]


def test_a_plain_save_is_written_by_the_writer_and_the_first_save_is_not(
    client: TestClient, session: Session, partner: Partner, queued: list[BatchedSave]
) -> None:
    csrf = form_token(client, partner)
    first = post_page(client, partner, 1, {"prop_1": "6"}, csrf=csrf)  # ties the link to a code
    assert first.status_code == 303 and queued == []

    second = post_page(client, partner, 2, {"anal_1": "dk", "anal_2": "3"}, csrf=csrf)

    assert second.status_code == 303
    assert second.headers["location"] == f"{partner.url}/page/3"
    assert [(type(save), save.invitation_id) for save in queued] == [
        (page_batches.PreparedPage, partner.invitation(session).id)
    ]
    assert _saved(session, partner) == {"prop_1": 6, "anal_1": None, "anal_2": 3}


def test_a_language_switch_and_a_comment_take_the_careful_path(
    client: TestClient, session: Session, partner: Partner, queued: list[BatchedSave]
) -> None:
    csrf = form_token(client, partner)
    post_page(client, partner, 1, {"prop_1": "6"}, csrf=csrf)

    switched = post_page(client, partner, 1, {"prop_1": "5"}, csrf=csrf, language="en")
    # A comment field (here on a page without a comment, which ignores it) is never batched.
    commented = post_page(client, partner, 2, {"anal_1": "4"}, csrf=csrf, comment="Prima.")

    assert switched.status_code == commented.status_code == 303
    assert queued == []
    assert partner.invitation(session).language == "en"
    assert _saved(session, partner) == {"prop_1": 5, "anal_1": 4}


def test_a_refused_page_is_never_queued_and_saves_nothing(
    client: TestClient, session: Session, partner: Partner, queued: list[BatchedSave]
) -> None:
    csrf = form_token(client, partner)
    post_page(client, partner, 1, {"prop_1": "6"}, csrf=csrf)

    refused = post_page(client, partner, 2, {"anal_1": "9", "anal_2": "3"}, csrf=csrf)

    assert refused.status_code == 422 and queued == []
    assert _saved(session, partner) == {"prop_1": 6}


def test_a_writer_that_does_not_answer_in_time_gives_503_and_writes_nothing(
    app: FastAPI,
    client: TestClient,
    session: Session,
    partner: Partner,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    csrf = form_token(client, partner)
    post_page(client, partner, 1, {"prop_1": "6"}, csrf=csrf)
    never: list[Future[object]] = []

    def stuck(save: BatchedSave) -> "Future[object]":
        never.append(Future())  # queued behind a batch that holds on to the write lock
        return never[-1]

    monkeypatch.setattr(app.state.answer_writer, "queue", stuck)
    monkeypatch.setattr(page_batches, "WAIT_SECONDS", 0.01)

    answer = post_page(client, partner, 2, {"anal_1": "3"}, csrf=csrf)

    assert answer.status_code == 503 and answer.headers["retry-after"] == "2"
    assert [future.cancelled() for future in never] == [True]  # withdrawn: never written
    assert _saved(session, partner) == {"prop_1": 6}
