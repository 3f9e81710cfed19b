"""Batched page saves store what the careful path (`survey.save_page`) stores, and refuse alike.

Each test saves one invitation through the batch and its twin (same party, same pages) the
careful way, and compares what the two leave in the database.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from app.config import Settings
from app.db import new_session
from app.errors import Conflict, NotFound, PermissionDenied, RoundNotOpen
from app.models import (
    Invitation,
    InvitationStatus,
    PageTiming,
    Response,
    Round,
    RoundStatus,
    utcnow,
)
from app.models.collaboration import CollaborationUpdate
from app.services.answering import (
    invitation_state,
    page_batches,
    resume,
    submission_batches,
    survey,
)
from app.services.answering.invitation_state import InvitationContext
from app.services.answering.page_batches import PageForm, PageSaved, PreparedPage
from app.services.setup import collaborations, participant_changes
from tests.factories import OpenCollaboration, make_open_collaboration

CODE = "ABCDEFGHJKMN"
OTHER_CODE = "PQRSTUVWXYZ2"
# Shown an hour ago: both paths count the page's cap (600 s), whenever they write it.
SHOWN_AT = str(int(time.time()) - 3600)


@pytest.fixture
def world(session: Session, settings: Settings) -> OpenCollaboration:
    return make_open_collaboration(session, settings=settings, participants_per_party=4)


@dataclass
class Request:
    """A request's own session and the context it loaded, as the survey route has them."""

    session: Session
    context: InvitationContext
    token: str


def _request(engine: Engine, token: str) -> Request:
    session = new_session(engine)
    return Request(session, invitation_state.load_invitation(session, token=token), token)


def _fields(
    context: InvitationContext, number: int, shift: int | None = 0
) -> list[tuple[str, str]]:
    """Answers to every statement of a page: a "don't know", then a spread of the scale.
    With `shift` None: the page sent without any answer."""
    if shift is None:
        return []
    items = survey.page_ref(context, number).items
    return [
        (f"{survey.FIELD_PREFIX}{item.id}", "dk" if index == 0 else str(1 + (index + shift) % 7))
        for index, item in enumerate(items)
    ]


def _claim(engine: Engine, token: str) -> None:
    """The first save, which ties the link to CODE (always the careful path)."""
    request = _request(engine, token)
    fields = _fields(request.context, 1)
    survey.save_page(
        request.session,
        context=request.context,
        number=1,
        fields=fields,
        resume_code=CODE,
        shown_at=SHOWN_AT,
    )
    request.session.close()


def _prepare(engine: Engine, token: str, number: int, shift: int | None = 0) -> PreparedPage:
    request = _request(engine, token)
    form = PageForm(number, tuple(_fields(request.context, number, shift)), CODE, SHOWN_AT)
    return page_batches.prepare(request.session, context=request.context, token=token, form=form)


def _careful(request: Request, number: int, shift: int | None = 0) -> object:
    """`survey.save_page` as the route calls it: its outcome (None, or the error)."""
    try:
        survey.save_page(
            request.session,
            context=request.context,
            number=number,
            fields=_fields(request.context, number, shift),
            resume_code=CODE,
            shown_at=SHOWN_AT,
        )
    except Exception as error:
        return error
    return None


def _stored(session: Session, invitation_id: int) -> dict[str, Any]:
    """What a save leaves of one invitation, with its time stamps checked against each other."""
    session.rollback()  # a fresh snapshot: the writer used its own connections
    invitation = session.get(Invitation, invitation_id, populate_existing=True)
    assert invitation is not None
    rows = session.exec(
        select(Response)
        .where(col(Response.invitation_id) == invitation_id)
        .order_by(col(Response.target_party_id))
    ).all()
    timings = session.exec(
        select(PageTiming)
        .where(col(PageTiming.invitation_id) == invitation_id)
        .order_by(col(PageTiming.page))
    ).all()
    # One save, one moment: the rows, the invitation and the page's time agree on it.
    if rows:
        assert invitation.last_saved_at == max(row.updated_at for row in rows)
    return {
        "status": invitation.status,
        "submitted": invitation.submitted_at is not None,
        "saved": invitation.last_saved_at is not None,
        "resume_hash": invitation.resume_hash is not None,
        "responses": [
            (
                row.target_party_id,
                row.answers,
                row.scores,
                row.propensity,
                row.analysis,
                row.zone,
                row.submitted_at is not None,
            )
            for row in rows
        ],
        "timings": [(t.page, t.items, t.seconds) for t in timings],
        "last_timing": max((t.answered_at for t in timings), default=None),
    }


def _kind(outcome: object) -> str:
    """A save's outcome by kind: saved (the batch's PageSaved, save_page's None) or the error."""
    return "saved" if outcome is None or isinstance(outcome, PageSaved) else type(outcome).__name__


def _answered(context: InvitationContext, *pages: int) -> int:
    return sum(len(survey.page_ref(context, number).items) for number in pages)


def _same(batched: dict[str, Any], careful: dict[str, Any]) -> bool:
    return {**batched, "last_timing": None} == {**careful, "last_timing": None}


def _twins(world: OpenCollaboration, count: int = 3) -> list[str]:
    """Invitations of one party: the same targets, the same pages."""
    return world.tokens_of(world.parties[0])[:count]


def _claimed(
    engine: Engine, session: Session, world: OpenCollaboration, count: int
) -> tuple[list[str], dict[str, int]]:
    """`count` twins, each with its first page saved the careful way; their invitation ids."""
    tokens = _twins(world, count)
    ids = {token: _id(session, token) for token in tokens}
    for token in tokens:
        _claim(engine, token)
    return tokens, ids


def _id(session: Session, token: str) -> int:
    session.rollback()
    invitation_id = invitation_state.load_invitation(session, token=token).invitation.id
    assert invitation_id is not None
    return invitation_id


def test_a_batched_page_save_stores_what_the_careful_path_stores(
    engine: Engine, session: Session, world: OpenCollaboration
) -> None:
    (batched, careful), ids = _claimed(engine, session, world, 2)
    # A new page, a page saved before (answers replaced, its time added), a page with nothing.
    for number, shift in ((2, 1), (1, 3), (3, None)):
        job = _prepare(engine, batched, number, shift)
        [outcome] = submission_batches.write_batch(engine, [job])
        assert isinstance(outcome, PageSaved), outcome
        request = _request(engine, careful)
        assert _careful(request, number, shift) is None
        request.session.close()

    stored = {token: _stored(session, ids[token]) for token in (batched, careful)}
    assert stored[batched]["status"] == InvitationStatus.STARTED
    assert [(page, seconds) for page, _, seconds in stored[batched]["timings"]] == [
        (1, 1200.0),
        (2, 600.0),
        (3, 600.0),
    ]
    context = _request(engine, batched).context
    assert len(stored[batched]["responses"][0][1]) == _answered(context, 1, 2)
    assert _same(stored[batched], stored[careful])
    assert stored[batched]["last_timing"] == _stored(session, ids[batched])["last_timing"]


def _other_tab(engine: Engine, session: Session, token: str) -> None:
    request = _request(engine, token)
    assert _careful(request, 4, 5) is None


def _new_link(
    engine: Engine, session: Session, token: str, settings: Settings, organisation_id: int
) -> None:
    session.rollback()
    invitation = invitation_state.load_invitation(session, token=token).invitation
    assert invitation.id is not None
    participant_changes.reissue_link(
        session,
        organisation_id=organisation_id,
        invitation_id=invitation.id,
        settings=settings,
        send_email=False,
    )


def _revoke(engine: Engine, session: Session, token: str) -> None:
    session.rollback()
    invitation = invitation_state.load_invitation(session, token=token).invitation
    invitation.status = InvitationStatus.REVOKED
    session.add(invitation)
    session.commit()


def _submit(engine: Engine, session: Session, token: str) -> None:
    request = _request(engine, token)
    survey.submit(request.session, context=request.context, resume_code=CODE)


def _start_again(engine: Engine, session: Session, token: str) -> None:
    request = _request(engine, token)
    resume.start_again(request.session, context=request.context, code=OTHER_CODE)


def _close_round(engine: Engine, session: Session, world: OpenCollaboration) -> None:
    session.rollback()
    round_ = session.get(Round, world.round.id)
    assert round_ is not None
    round_.status = RoundStatus.CLOSED
    session.add(round_)
    session.commit()


def _close_by_time(engine: Engine, session: Session, world: OpenCollaboration) -> None:
    session.rollback()
    round_ = session.get(Round, world.round.id)
    assert round_ is not None
    round_.closes_at = utcnow() - timedelta(seconds=1)
    session.add(round_)
    session.commit()


PER_INVITATION: dict[str, tuple[Callable[..., None], type[Exception] | None]] = {
    "another tab saved": (_other_tab, None),
    "a new link": (_new_link, NotFound),
    "revoked": (_revoke, NotFound),
    "submitted": (_submit, Conflict),
    "started again with another code": (_start_again, PermissionDenied),
}


@pytest.mark.parametrize("change", PER_INVITATION)
def test_a_change_to_the_invitation_after_preparing_gives_the_careful_outcome(
    engine: Engine, session: Session, settings: Settings, world: OpenCollaboration, change: str
) -> None:
    (batched, careful, bystander), ids = _claimed(engine, session, world, 3)
    job = _prepare(engine, batched, 2)
    clean = _prepare(engine, bystander, 2)
    request = _request(engine, careful)  # the careful request loaded its context before it too
    apply, expected = PER_INVITATION[change]
    for token in (batched, careful):
        if apply is _new_link:
            _new_link(engine, session, token, settings, world.organisation_id)
        else:
            apply(engine, session, token)
    before = _stored(session, ids[batched])

    refused, accepted = submission_batches.write_batch(engine, [job, clean])
    careful_outcome = _careful(request, 2)

    assert _kind(refused) == _kind(careful_outcome)
    if expected is None:
        assert isinstance(refused, PageSaved) and careful_outcome is None
    else:
        assert isinstance(refused, expected)
        assert _stored(session, ids[batched]) == before  # nothing half-written
    assert _same(_stored(session, ids[batched]), _stored(session, ids[careful]))
    assert isinstance(accepted, PageSaved)  # the other save in the batch is not failed
    pages = _answered(_request(engine, bystander).context, 1, 2)
    assert len(_stored(session, ids[bystander])["responses"][0][1]) == pages


@pytest.mark.parametrize("close", [_close_round, _close_by_time], ids=["closed", "past closes_at"])
def test_a_round_closed_after_preparing_refuses_every_save_of_it_and_writes_nothing(
    engine: Engine, session: Session, world: OpenCollaboration, close: Callable[..., None]
) -> None:
    (batched, careful), ids = _claimed(engine, session, world, 2)
    job = _prepare(engine, batched, 2)
    request = _request(engine, careful)
    close(engine, session, world)
    before = _stored(session, ids[batched])

    [refused] = submission_batches.write_batch(engine, [job])

    assert isinstance(refused, RoundNotOpen) and isinstance(_careful(request, 2), RoundNotOpen)
    assert _stored(session, ids[batched]) == before
    assert _same(before, _stored(session, ids[careful]))


def test_new_cutoffs_after_preparing_are_the_ones_stored(
    engine: Engine, session: Session, world: OpenCollaboration
) -> None:
    (batched, careful), ids = _claimed(engine, session, world, 2)
    job = _prepare(engine, batched, 2)
    assert world.collaboration.id is not None
    collaborations.update_collaboration(
        session,
        organisation_id=world.organisation_id,
        collaboration_id=world.collaboration.id,
        data=CollaborationUpdate(propensity_cutoff=95.0, analysis_cutoff=95.0),
    )

    [outcome] = submission_batches.write_batch(engine, [job])
    request = _request(engine, careful)  # a save that starts after the change
    assert isinstance(outcome, PageSaved) and _careful(request, 2) is None

    stored = _stored(session, ids[batched])
    assert [zone for *_, zone, _ in stored["responses"]] == ["no_trust"]
    assert _same(stored, _stored(session, ids[careful]))


def test_two_tabs_in_one_batch_both_save_and_nothing_is_lost(
    engine: Engine, session: Session, world: OpenCollaboration
) -> None:
    [token] = _twins(world, 1)
    _claim(engine, token)
    tabs = [_prepare(engine, token, 2), _prepare(engine, token, 3)]  # both saw page 1 only

    outcomes = submission_batches.write_batch(engine, tabs)

    assert all(isinstance(outcome, PageSaved) for outcome in outcomes)
    stored = _stored(session, _id(session, token))
    assert len(stored["responses"][0][1]) == _answered(tabs[0].context, 1, 2, 3)
    assert [page for page, *_ in stored["timings"]] == [1, 2, 3]


def test_a_failed_batch_writes_each_page_alone_the_careful_way(
    engine: Engine, session: Session, world: OpenCollaboration, monkeypatch: pytest.MonkeyPatch
) -> None:
    tokens = _twins(world, 2)
    for token in tokens:
        _claim(engine, token)
    jobs = [_prepare(engine, token, 2) for token in tokens]

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(submission_batches, "_mark_saved", broken)  # only the batch uses it

    outcomes = submission_batches.write_batch(engine, jobs)

    assert all(isinstance(outcome, PageSaved) for outcome in outcomes)
    for token in tokens:
        pages = _answered(jobs[0].context, 1, 2)
        assert len(_stored(session, _id(session, token))["responses"][0][1]) == pages


def test_a_careful_save_read_before_new_cutoffs_is_scored_with_the_new_ones(
    engine: Engine, session: Session, world: OpenCollaboration
) -> None:
    """The request read the collaboration before the coach changed its cut-offs; what it
    stores afterwards must follow the cut-offs that hold when it writes (the rescoring of the
    change has already run, so nothing would correct it later)."""
    (careful,), ids = _claimed(engine, session, world, 1)
    request = _request(engine, careful)
    assert world.collaboration.id is not None
    collaborations.update_collaboration(
        session,
        organisation_id=world.organisation_id,
        collaboration_id=world.collaboration.id,
        data=CollaborationUpdate(propensity_cutoff=95.0, analysis_cutoff=95.0),
    )

    assert _careful(request, 2) is None

    stored = _stored(session, ids[careful])
    assert [zone for *_, zone, _ in stored["responses"]] == ["no_trust"]
