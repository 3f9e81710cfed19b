"""GDPR: erasing a participant, purging after the retention period, and the audit log."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from app.cli import app as cli
from app.config import Settings
from app.errors import InvalidInput, NotFound
from app.models import (
    AuditEvent,
    Invitation,
    InvitationStatus,
    JobKind,
    OutboxJob,
    Participant,
    Response,
    Round,
    utcnow,
)
from app.models.response import AnswerIn
from app.scoring import smart_trust_v1
from app.services.answering import invitation_state, responses
from app.services.privacy import audit
from app.services.privacy import erasure as privacy
from app.services.privacy.erasure import months_before
from app.services.results import results
from app.services.setup import rounds
from tests.conftest import TEST_SECRET_KEY
from tests.factories import OpenCollaboration, make_open_collaboration, make_organisation

runner = CliRunner()
ITEM_IDS = [item.id for item in smart_trust_v1().items]


def _answer(session: Session, token: str, *, value: int = 4, final: bool = True) -> None:
    invitation = invitation_state.load_invitation(session, token=token).invitation
    answers = [
        AnswerIn(target_party_id=target, item_id=item_id, value=value)
        for target in invitation.target_party_ids
        for item_id in ITEM_IDS
    ]
    responses.submit_answers(session, token=token, answers=answers, final=final)


def _world_with_answers(session: Session, settings: Settings) -> OpenCollaboration:
    world = make_open_collaboration(session, settings=settings, participants_per_party=4)
    for number, issued in enumerate(world.invitations):
        assert issued.token is not None
        _answer(session, issued.token, value=2 + number % 4)
    return world


def _participant(session: Session, world: OpenCollaboration, index: int = 0) -> Participant:
    participant = session.get(Participant, world.invitations[index].invitation.participant_id)
    assert participant is not None
    return participant


def _close_long_ago(session: Session, world: OpenCollaboration, *, days: int) -> None:
    assert world.round.id is not None
    rounds.close_round(session, organisation_id=world.organisation_id, round_id=world.round.id)
    round_ = session.get(Round, world.round.id)
    assert round_ is not None
    round_.closed_at = utcnow() - timedelta(days=days)
    session.add(round_)
    session.commit()


def test_erasing_a_participant_forgets_who_they_are_and_keeps_the_aggregates(
    session: Session, settings: Settings
) -> None:
    world = _world_with_answers(session, settings)
    assert world.round.id is not None
    rounds.close_round(session, organisation_id=world.organisation_id, round_id=world.round.id)
    before = results.round_result(
        session, organisation_id=world.organisation_id, round_id=world.round.id
    ).aggregate
    participant = _participant(session, world)
    pseudonym = participant.pseudonym

    privacy.erase_participant(
        session, participant_id=participant.id or 0, organisation_id=world.organisation_id
    )

    session.expire_all()
    erased = _participant(session, world)
    assert (erased.name, erased.email, erased.external_ref) == (None, None, None)
    assert erased.erased_at is not None
    assert erased.pseudonym == pseudonym
    kept = session.exec(select(Response).where(Response.participant_id == erased.id)).all()
    assert kept and all(row.submitted_at is not None for row in kept)
    after = results.round_result(
        session, organisation_id=world.organisation_id, round_id=world.round.id
    ).aggregate
    assert after == before


def test_an_erased_participants_link_stops_working(session: Session, settings: Settings) -> None:
    world = _world_with_answers(session, settings)
    token = world.invitations[0].token
    assert token is not None

    privacy.erase_participant(session, participant_id=_participant(session, world).id or 0)

    with pytest.raises(NotFound):
        invitation_state.load_invitation(session, token=token)
    invitation = session.get(Invitation, world.invitations[0].invitation.id)
    assert invitation is not None
    assert invitation.status == InvitationStatus.SUBMITTED  # the response rate stays true


def test_erasing_revokes_an_open_invitation_and_drops_its_draft_and_queued_mail(
    session: Session, settings: Settings
) -> None:
    world = make_open_collaboration(session, settings=settings)
    issued = world.invitations[0]
    assert issued.token is not None
    _answer(session, issued.token, final=False)
    session.add(
        OutboxJob(
            organisation_id=world.organisation_id,
            kind=JobKind.EMAIL,
            invitation_id=issued.invitation.id,
            payload={"template": "reminder", "invitation_id": issued.invitation.id},
        )
    )
    session.commit()

    privacy.erase_participant(session, participant_id=issued.invitation.participant_id)

    invitation = session.get(Invitation, issued.invitation.id)
    assert invitation is not None and invitation.status == InvitationStatus.REVOKED
    drafts = session.exec(select(Response).where(Response.invitation_id == invitation.id)).all()
    assert drafts == []
    queued = session.exec(select(OutboxJob).where(OutboxJob.invitation_id == invitation.id)).all()
    assert queued == []


def test_erasing_is_idempotent_and_audited_once_per_request(
    session: Session, settings: Settings
) -> None:
    world = _world_with_answers(session, settings)
    participant_id = _participant(session, world).id or 0
    for _ in range(2):
        privacy.erase_participant(session, participant_id=participant_id, user_id=None)

    events = audit.list_events(session, organisation_id=world.organisation_id)
    assert [event.action for event in events] == ["participant.erased"] * 2
    assert events[0].subject.startswith("participant:P-")


def test_erasing_another_organisations_participant_is_not_found_and_changes_nothing(
    session: Session, settings: Settings
) -> None:
    world = _world_with_answers(session, settings)
    stranger = make_organisation(session, name="Ander Bureau")
    participant = _participant(session, world)

    with pytest.raises(NotFound):
        privacy.erase_participant(
            session, participant_id=participant.id or 0, organisation_id=stranger
        )

    session.rollback()
    session.expire_all()
    assert _participant(session, world).name is not None
    assert session.exec(select(AuditEvent)).all() == []


def test_purge_erases_collaborations_closed_longer_ago_than_the_retention(
    session: Session, settings: Settings
) -> None:
    old = _world_with_answers(session, settings)
    _close_long_ago(session, old, days=400)
    recent = make_open_collaboration(
        session, settings=settings, organisation_id=old.organisation_id, name="Recent"
    )
    _close_long_ago(session, recent, days=30)
    still_open = make_open_collaboration(
        session, settings=settings, organisation_id=old.organisation_id, name="Open"
    )

    report = privacy.purge_expired(session, retention_months=12)

    assert report.participants == 8 and report.collaborations == 1
    participants = session.exec(select(Participant)).all()
    erased_parties = {p.party_id for p in participants if p.erased_at is not None}
    assert erased_parties == {party.id for party in old.parties}
    assert all(p.email is None for p in participants if p.party_id in erased_parties)
    kept_parties = {party.id for party in [*recent.parties, *still_open.parties]}
    assert all(p.email for p in participants if p.party_id in kept_parties)
    assert any(row.answers for row in session.exec(select(Response)))
    actions = [e.action for e in audit.list_events(session, organisation_id=old.organisation_id)]
    assert actions == ["retention.purged"]


def test_purge_can_drop_item_answers_but_keeps_scores(session: Session, settings: Settings) -> None:
    world = _world_with_answers(session, settings)
    _close_long_ago(session, world, days=400)

    privacy.purge_expired(session, retention_months=12, drop_answers=True)

    rows = session.exec(select(Response)).all()
    assert rows and all(row.answers == {} for row in rows)
    assert all(row.propensity is not None for row in rows)


def test_purge_refuses_a_retention_shorter_than_a_month(session: Session) -> None:
    with pytest.raises(InvalidInput):
        privacy.purge_expired(session, retention_months=0)


@pytest.mark.parametrize(
    ("moment", "months", "expected"),
    [
        (datetime(2025, 3, 31, 12, tzinfo=UTC), 1, datetime(2025, 2, 28, 12, tzinfo=UTC)),
        (datetime(2024, 3, 31, tzinfo=UTC), 1, datetime(2024, 2, 29, tzinfo=UTC)),
        (datetime(2025, 1, 15, tzinfo=UTC), 13, datetime(2023, 12, 15, tzinfo=UTC)),
        (datetime(2025, 12, 1, tzinfo=UTC), 12, datetime(2024, 12, 1, tzinfo=UTC)),
    ],
)
def test_months_before_counts_calendar_months(
    moment: datetime, months: int, expected: datetime
) -> None:
    assert months_before(moment, months) == expected


@pytest.fixture
def cli_env(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRUSTMETER_DATABASE_URL", database_url)
    monkeypatch.setenv("TRUSTMETER_ENVIRONMENT", "test")
    monkeypatch.setenv("TRUSTMETER_SECRET_KEY", TEST_SECRET_KEY)
    monkeypatch.setenv("TRUSTMETER_LOG_JSON", "false")
    monkeypatch.delenv("TRUSTMETER_RETENTION_MONTHS", raising=False)


def test_cli_erases_a_participant(cli_env: None, session: Session, settings: Settings) -> None:
    world = _world_with_answers(session, settings)
    participant = _participant(session, world)

    result = runner.invoke(cli, ["erase-participant", str(participant.id)])

    assert result.exit_code == 0, result.output
    assert participant.pseudonym in result.output
    session.rollback()  # end the read snapshot taken before the command ran
    assert _participant(session, world).erased_at is not None


def test_cli_erase_of_an_unknown_participant_fails_plainly(cli_env: None) -> None:
    result = runner.invoke(cli, ["erase-participant", "999999"])
    assert result.exit_code == 1
    assert "No participant 999999" in result.output


def test_cli_purge_uses_the_retention_setting(
    cli_env: None, session: Session, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = _world_with_answers(session, settings)
    _close_long_ago(session, world, days=100)
    monkeypatch.setenv("TRUSTMETER_RETENTION_MONTHS", "3")

    result = runner.invoke(cli, ["purge"])

    assert result.exit_code == 0, result.output
    assert "Purged 8 participant(s) in 1 collaboration(s)" in result.output


def test_cli_purge_without_a_retention_period_refuses(cli_env: None) -> None:
    result = runner.invoke(cli, ["purge"])
    assert result.exit_code == 1
    assert "no retention period" in result.output
