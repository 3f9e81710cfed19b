"""Comments in group-committed submissions: each stored once and never lost."""

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from app.config import Settings
from app.models import Comment
from app.models.response import AnswerIn, CommentIn
from app.services.answering import comments, invitation_state, submission_batches
from app.services.answering.submission_batches import PreparedSubmission
from tests.support.forms_world import FormsWorld, make_forms_world


@pytest.fixture
def forms(session: Session, settings: Settings) -> FormsWorld:
    return make_forms_world(session, settings=settings, people=4)


def _tokens(forms: FormsWorld) -> list[str]:
    return forms.tokens[forms.contractor.id or 0]


def _prepare(
    engine: Engine, forms: FormsWorld, token: str, text: str, *, final: bool = False
) -> PreparedSubmission:
    target = forms.client.id or 0
    item = next(i for i in forms.definition.items if i.fits("client"))
    answers = (AnswerIn(target_party_id=target, item_id=item.id, value=5),)
    with Session(engine, expire_on_commit=False) as session:
        return submission_batches.prepare(
            session,
            token=token,
            answers=answers,
            final=final,
            comments=(CommentIn(target_party_id=target, text=text),),
        )


def _texts(session: Session) -> list[tuple[int, str]]:
    session.rollback()  # the writer used its own connections
    rows = session.exec(select(Comment).order_by(col(Comment.invitation_id))).all()
    return [(row.invitation_id, row.text) for row in rows]


def test_a_batch_stores_each_invitations_comment_once(
    engine: Engine, session: Session, forms: FormsWorld
) -> None:
    jobs = [_prepare(engine, forms, t, f"Idee {n}") for n, t in enumerate(_tokens(forms))]

    outcomes = submission_batches.write_batch(engine, jobs)

    assert [getattr(o, "status", o) for o in outcomes] == ["started"] * 4
    assert _texts(session) == [(job.invitation_id, f"Idee {n}") for n, job in enumerate(jobs)]


def test_the_same_invitation_twice_in_a_batch_keeps_the_later_comment_only(
    engine: Engine, session: Session, forms: FormsWorld
) -> None:
    token = _tokens(forms)[0]
    first, second = _prepare(engine, forms, token, "Eerst"), _prepare(engine, forms, token, "Dan")

    submission_batches.write_batch(engine, [first, second])

    assert _texts(session) == [(first.invitation_id, "Dan")]


def test_a_comment_saved_on_the_web_meanwhile_is_replaced_not_doubled(
    engine: Engine, session: Session, forms: FormsWorld
) -> None:
    token = _tokens(forms)[0]
    job = _prepare(engine, forms, token, "Via de API")
    context = invitation_state.load_invitation(session, token=token)
    comments.save_comment(
        session, context=context, target_party_id=forms.client.id or 0, text="Via het web"
    )

    [outcome] = submission_batches.write_batch(engine, [job])

    assert getattr(outcome, "status", outcome) == "started"
    assert _texts(session) == [(job.invitation_id, "Via de API")]


def test_a_comment_deleted_on_the_web_meanwhile_is_stored_again_not_lost(
    engine: Engine, session: Session, forms: FormsWorld
) -> None:
    token = _tokens(forms)[0]
    target = forms.client.id or 0
    context = invitation_state.load_invitation(session, token=token)
    comments.save_comment(session, context=context, target_party_id=target, text="Oud")
    job = _prepare(engine, forms, token, "Nieuw")
    comments.save_comment(session, context=context, target_party_id=target, text="")

    submission_batches.write_batch(engine, [job])

    assert _texts(session) == [(job.invitation_id, "Nieuw")]


def test_an_unforeseen_failure_of_the_batch_keeps_every_comment_once(
    engine: Engine, session: Session, forms: FormsWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    jobs = [
        _prepare(engine, forms, t, f"Idee {n}", final=True) for n, t in enumerate(_tokens(forms))
    ]

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(submission_batches, "_mark_saved", broken)  # only the batch uses it

    outcomes = submission_batches.write_batch(engine, jobs)

    assert [getattr(o, "status", o) for o in outcomes] == ["submitted"] * 4
    assert _texts(session) == [(job.invitation_id, f"Idee {n}") for n, job in enumerate(jobs)]


def test_a_refused_job_in_a_batch_stores_no_comment_and_the_others_theirs(
    engine: Engine, session: Session, forms: FormsWorld
) -> None:
    tokens = _tokens(forms)
    submitted = _prepare(engine, forms, tokens[0], "Eerst", final=True)
    late = _prepare(engine, forms, tokens[0], "Te laat")  # prepared before the submission
    other = _prepare(engine, forms, tokens[1], "Ander")

    outcomes = submission_batches.write_batch(engine, [submitted, late, other])

    assert isinstance(outcomes[1], Exception)
    assert _texts(session) == [(submitted.invitation_id, "Eerst"), (other.invitation_id, "Ander")]
