"""Group-committed submissions store what one-at-a-time submissions store, and refuse alike."""

from typing import Any

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from app.config import Settings
from app.errors import Conflict, NotFound, RoundNotOpen
from app.models import (
    Invitation,
    InvitationStatus,
    JobKind,
    OutboxJob,
    Response,
    Round,
    RoundStatus,
    Webhook,
)
from app.models.collaboration import CollaborationUpdate
from app.models.response import AnswerIn
from app.scoring import smart_trust_v1
from app.services.answering import invitation_state, responses, submission_batches
from app.services.answering.submission_batches import PreparedSubmission
from app.services.setup import collaborations
from tests.factories import OpenCollaboration, make_open_collaboration


@pytest.fixture
def world(session: Session, settings: Settings) -> OpenCollaboration:
    return make_open_collaboration(session, settings=settings, participants_per_party=4)


def _tokens(world: OpenCollaboration) -> list[str]:
    return [item.token for item in world.invitations if item.token]


def _answers(session: Session, token: str, *, value: int = 5, items: int | None = None) -> tuple:
    invitation = invitation_state.load_invitation(session, token=token).invitation
    definition = smart_trust_v1()
    return tuple(
        AnswerIn(target_party_id=target, item_id=item.id, value=value)
        for target in invitation.target_party_ids
        for item in definition.items[:items]
    )


def _prepare(
    engine: Engine, token: str, answers: tuple, *, final: bool = True
) -> PreparedSubmission:
    with Session(engine, expire_on_commit=False) as session:
        return submission_batches.prepare(session, token=token, answers=answers, final=final)


def _stored(session: Session) -> list[tuple[Any, ...]]:
    session.rollback()  # end the test's read snapshot: the writer used its own connections
    rows = session.exec(select(Response).order_by(col(Response.invitation_id))).all()
    return [
        (
            row.invitation_id,
            row.target_party_id,
            row.answers,
            row.scores,
            row.zone,
            row.submitted_at is not None,
        )
        for row in rows
    ]


def _status(session: Session, token: str) -> InvitationStatus:
    session.rollback()
    return invitation_state.load_invitation(session, token=token).invitation.status


def test_a_batch_stores_what_one_at_a_time_stores(
    engine: Engine, session: Session, settings: Settings
) -> None:
    batched, single = (
        make_open_collaboration(session, settings=settings, participants_per_party=3)
        for _ in range(2)
    )
    values = [2 + n % 5 for n in range(len(_tokens(batched)))]
    jobs = [
        _prepare(engine, token, _answers(session, token, value=value))
        for token, value in zip(_tokens(batched), values, strict=True)
    ]
    for token, value in zip(_tokens(single), values, strict=True):
        answers = _answers(session, token, value=value)
        responses.submit_answers(session, token=token, answers=answers, final=True)

    outcomes = submission_batches.write_batch(engine, jobs)

    assert [getattr(outcome, "status", outcome) for outcome in outcomes] == ["submitted"] * 6
    assert _stored_of(session, batched) == _stored_of(session, single)


def _stored_of(session: Session, world: OpenCollaboration) -> list[tuple[Any, ...]]:
    """Stored rows of one collaboration, with parties named by their position."""
    position = {party.id: index for index, party in enumerate(world.parties)}
    order = {item.invitation.id: index for index, item in enumerate(world.invitations)}
    return sorted(
        (
            (order[invitation_id], position[target], *rest)
            for invitation_id, target, *rest in _stored(session)
            if invitation_id in order
        ),
        key=lambda row: row[:2],
    )


def test_results_report_progress_and_zone_like_the_single_path(
    engine: Engine, session: Session, world: OpenCollaboration
) -> None:
    token = _tokens(world)[0]
    [result] = submission_batches.write_batch(
        engine, [_prepare(engine, token, _answers(session, token))]
    )

    assert not isinstance(result, BaseException)
    assert result.status == "submitted" and result.submitted_at is not None
    [target] = result.targets
    assert (target.answered, target.total) == (36, 36)
    assert _status(session, token) == InvitationStatus.SUBMITTED


def test_the_same_invitation_twice_in_a_batch_is_submitted_once(
    engine: Engine, session: Session, world: OpenCollaboration, caplog: pytest.LogCaptureFixture
) -> None:
    token = _tokens(world)[0]
    answers = _answers(session, token)
    first, second = submission_batches.write_batch(
        engine, [_prepare(engine, token, answers), _prepare(engine, token, answers)]
    )

    assert not isinstance(first, BaseException) and first.status == "submitted"
    assert isinstance(second, Conflict)
    assert len(_stored(session)) == 1
    assert "writing each alone" not in caplog.text  # judged in the batch, not by its failure


def test_answers_saved_meanwhile_are_merged_not_lost(
    engine: Engine, session: Session, world: OpenCollaboration
) -> None:
    token = _tokens(world)[0]
    everything = _answers(session, token, value=6)
    first_items = everything[:5]
    job = _prepare(engine, token, everything[5:])  # prepared before the other tab saved
    responses.submit_answers(session, token=token, answers=first_items, final=False)

    [result] = submission_batches.write_batch(engine, [job])

    assert not isinstance(result, BaseException)
    [(_, _, answers, _, zone, submitted)] = _stored(session)
    assert len(answers) == 36 and submitted and zone is not None


@pytest.mark.parametrize("change", ["revoke", "close", "submit"])
def test_a_change_after_preparing_refuses_only_that_submission(
    engine: Engine, session: Session, world: OpenCollaboration, change: str
) -> None:
    changed, other = _tokens(world)[:2]
    jobs = [_prepare(engine, token, _answers(session, token)) for token in (changed, other)]
    invitation = invitation_state.load_invitation(session, token=changed).invitation
    if change == "revoke":
        invitation.status = InvitationStatus.REVOKED
        session.add(invitation)
    elif change == "close":
        round_ = session.get(Round, invitation.round_id)
        assert round_ is not None
        round_.status = RoundStatus.CLOSED
        session.add(round_)
    else:
        responses.submit_answers(session, token=changed, answers=jobs[0].answers, final=True)
    session.commit()
    before = _stored(session)

    refused, accepted = submission_batches.write_batch(engine, jobs)

    expected = {"revoke": NotFound, "close": RoundNotOpen, "submit": Conflict}[change]
    assert isinstance(refused, expected)
    if change == "close":  # the round closed for both
        assert isinstance(accepted, RoundNotOpen)
        assert _stored(session) == before
    else:
        assert not isinstance(accepted, BaseException) and accepted.status == "submitted"
        assert len(_stored(session)) == len(before) + 1


def test_new_cutoffs_after_preparing_are_the_ones_stored(
    engine: Engine, session: Session, world: OpenCollaboration
) -> None:
    token = _tokens(world)[0]
    job = _prepare(engine, token, _answers(session, token, value=5))  # smart trust at 50/50
    assert world.collaboration.id is not None
    collaborations.update_collaboration(
        session,
        organisation_id=world.organisation_id,
        collaboration_id=world.collaboration.id,
        data=CollaborationUpdate(propensity_cutoff=95.0, analysis_cutoff=95.0),
    )

    submission_batches.write_batch(engine, [job])

    [(_, _, _, _, zone, _)] = _stored(session)
    assert zone == "no_trust"


def test_an_unforeseen_failure_of_the_batch_writes_each_submission_alone(
    engine: Engine, session: Session, world: OpenCollaboration, monkeypatch: pytest.MonkeyPatch
) -> None:
    tokens = _tokens(world)[:3]
    jobs = [_prepare(engine, token, _answers(session, token)) for token in tokens]

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(submission_batches, "_mark_saved", broken)  # only the batch uses it

    outcomes = submission_batches.write_batch(engine, jobs)

    assert [getattr(outcome, "status", outcome) for outcome in outcomes] == ["submitted"] * 3
    assert len(_stored(session)) == 3


def test_final_submissions_in_a_batch_queue_one_webhook_job_each(
    engine: Engine, session: Session, world: OpenCollaboration
) -> None:
    session.add(
        Webhook(
            organisation_id=world.organisation_id,
            url="https://example.org/hook",
            events=["response.submitted"],
            secret_salt="salt",
        )
    )
    session.commit()
    tokens = _tokens(world)[:3]
    drafts = [_prepare(engine, tokens[0], _answers(session, tokens[0], items=3), final=False)]
    finals = [_prepare(engine, token, _answers(session, token)) for token in tokens[1:]]

    submission_batches.write_batch(engine, drafts + finals)

    session.rollback()
    jobs = session.exec(select(OutboxJob).where(OutboxJob.kind == JobKind.WEBHOOK)).all()
    invitation_ids = sorted(job.payload["data"]["invitation_id"] for job in jobs)
    assert invitation_ids == sorted(job.invitation_id for job in finals)
    assert (
        session.exec(
            select(func.count())
            .select_from(Invitation)
            .where(col(Invitation.status) == InvitationStatus.STARTED)
        ).one()
        == 1
    )
