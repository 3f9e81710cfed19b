"""Round results, trends and alerts computed from stored scores."""

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.config import Settings
from app.models import Alert, AlertKind, Response
from app.models.response import AnswerIn
from app.models.round import RoundCreate
from app.scoring import Zone, score_response, smart_trust_v1
from app.services.answering import invitation_state, responses
from app.services.results import alerts, results, trends
from app.services.setup import questionnaires, rounds
from tests.factories import OpenCollaboration, make_api_key, make_open_collaboration


def _answer_all(
    world: OpenCollaboration,
    session: Session,
    *,
    party_index: int,
    value: int,
    skip: int = 0,
    round_invitations: list | None = None,
) -> None:
    definition = smart_trust_v1()
    party = world.parties[party_index]
    issued = round_invitations if round_invitations is not None else world.invitations
    tokens = [i.token for i in issued if i.invitation.party_id == party.id and i.token]
    for token in tokens[skip:]:
        invitation = invitation_state.load_invitation(session, token=token).invitation
        answers = [
            AnswerIn(
                target_party_id=target,
                item_id=item.id,
                value=definition.range.min + definition.range.max - value
                if item.reverse
                else value,
            )
            for target in invitation.target_party_ids
            for item in definition.items
        ]
        responses.submit_answers(session, token=token, answers=answers, final=True)


def test_round_scores_come_from_stored_scores(session: Session, settings: Settings) -> None:
    world = make_open_collaboration(session, settings=settings)
    _answer_all(world, session, party_index=0, value=6)
    stored = session.exec(select(Response)).all()
    assert {row.zone for row in stored} == {"smart_trust"}
    rounds.close_round(session, organisation_id=world.organisation_id, round_id=world.round.id)
    result = results.round_result(
        session, organisation_id=world.organisation_id, round_id=world.round.id
    )
    first, second = result.aggregate.parties
    assert first.n == 3 and first.zone is Zone.SMART_TRUST
    definition = smart_trust_v1()
    expected = score_response(definition, {i.id: 2 if i.reverse else 6 for i in definition.items})
    assert first.propensity is not None and first.propensity.sd == 0
    assert first.propensity.mean == expected.propensity
    assert second.n == 0 and not second.suppressed and second.zone is None


def test_a_party_below_k_is_suppressed_and_the_others_stay_shown(
    session: Session, settings: Settings
) -> None:
    world = make_open_collaboration(
        session, settings=settings, party_names=("Gemeente", "Aannemer", "Provincie")
    )
    _answer_all(world, session, party_index=0, value=6)
    _answer_all(world, session, party_index=1, value=5, skip=1)  # 2 of 3: below k=3
    rounds.close_round(session, organisation_id=world.organisation_id, round_id=world.round.id)
    result = results.round_result(
        session, organisation_id=world.organisation_id, round_id=world.round.id
    )
    shown = {p.party: p for p in result.aggregate.parties}
    assert shown[world.parties[1].id].suppressed
    assert shown[world.parties[1].id].propensity is None
    assert shown[world.parties[1].id].response_rate is None
    # No round total is shown beside the parties, so the larger party stays shown.
    assert not shown[world.parties[0].id].suppressed and shown[world.parties[0].id].n == 3


def test_reliability_is_reported_per_scale(session: Session, settings: Settings) -> None:
    world = make_open_collaboration(session, settings=settings, participants_per_party=4)
    _answer_all(world, session, party_index=0, value=6)
    _answer_all(world, session, party_index=1, value=3)
    rounds.close_round(session, organisation_id=world.organisation_id, round_id=world.round.id)
    scales = results.round_reliability(
        session, organisation_id=world.organisation_id, round_id=world.round.id
    )
    assert [s.key for s in scales] == [s.key for s in smart_trust_v1().scales]
    assert all(s.n == 8 and not s.suppressed for s in scales)


def test_closing_rounds_raises_a_decline_and_a_zone_alert(
    session: Session, settings: Settings
) -> None:
    world = make_open_collaboration(session, settings=settings, participants_per_party=4)
    _answer_all(world, session, party_index=0, value=6)
    _answer_all(world, session, party_index=1, value=6)
    rounds.close_round(session, organisation_id=world.organisation_id, round_id=world.round.id)
    assert session.exec(select(Alert)).all() == []

    questionnaire = questionnaires.default_questionnaire(session)
    second = rounds.create_round(
        session,
        organisation_id=world.organisation_id,
        collaboration_id=world.collaboration.id,
        data=RoundCreate(label="Na gunning", questionnaire_id=questionnaire.id),
    )
    issued = rounds.open_round(
        session, organisation_id=world.organisation_id, round_id=second.id, settings=settings
    )
    _answer_all(world, session, party_index=0, value=6, round_invitations=issued)
    _answer_all(world, session, party_index=1, value=2, round_invitations=issued)
    rounds.close_round(session, organisation_id=world.organisation_id, round_id=second.id)

    raised = session.exec(select(Alert)).all()
    assert {(a.party_id, a.kind) for a in raised if a.target_party_id is None} >= {
        (world.parties[1].id, AlertKind.ZONE_MOVE),
        (world.parties[1].id, AlertKind.DECLINE),
    }
    assert all(a.party_id == world.parties[1].id for a in raised)

    found = trends.collaboration_trends(
        session, organisation_id=world.organisation_id, collaboration_id=world.collaboration.id
    )
    assert [r.round.id for r in found.rounds] == [world.round.id, second.id]
    decline = next(
        c
        for c in found.changes
        if c.party_id == world.parties[1].id
        and c.target_party_id is None
        and c.measure == "propensity"
    )
    assert decline.change.welch is not None and decline.change.welch.difference < -5
    assert decline.change.paired is not None and decline.change.n_shared == 4


def test_low_participation_alert_when_a_round_closes(session: Session, settings: Settings) -> None:
    world = make_open_collaboration(session, settings=settings, participants_per_party=4)
    _answer_all(world, session, party_index=0, value=6)
    _answer_all(world, session, party_index=1, value=6, skip=3)  # 1 of 4
    rounds.close_round(session, organisation_id=world.organisation_id, round_id=world.round.id)
    kinds = {(a.party_id, a.kind) for a in session.exec(select(Alert))}
    assert (world.parties[1].id, AlertKind.LOW_PARTICIPATION) in kinds
    assert (world.parties[0].id, AlertKind.LOW_PARTICIPATION) not in kinds
    listed = alerts.list_alerts(
        session, organisation_id=world.organisation_id, collaboration_id=world.collaboration.id
    )
    acknowledged = alerts.acknowledge_alert(
        session, organisation_id=world.organisation_id, alert_id=listed[0].id, user_id=None
    )
    assert acknowledged.acknowledged_at is not None


def test_results_endpoints_answer_in_the_documented_shape(
    client: TestClient, session: Session, settings: Settings
) -> None:
    world = make_open_collaboration(session, settings=settings)
    _answer_all(world, session, party_index=0, value=6)
    _answer_all(world, session, party_index=1, value=2)
    headers = {
        "Authorization": f"Bearer {make_api_key(session, organisation_id=world.organisation_id)}"
    }
    rounds.close_round(session, organisation_id=world.organisation_id, round_id=world.round.id)
    scores = client.get(f"/api/v1/rounds/{world.round.id}/scores", headers=headers).json()
    party = scores["parties"][0]
    assert set(party) >= {
        "party_id",
        "n",
        "suppressed",
        "propensity",
        "analysis",
        "areas",
        "zone",
        "borderline",
        "zone_counts",
        "targets",
    }
    assert party["zone"] == "smart_trust" and party["targets"][0]["zone"] == "smart_trust"
    assert scores["parties"][1]["zone"] == "no_trust"
    reliability = client.get(f"/api/v1/rounds/{world.round.id}/reliability", headers=headers)
    assert reliability.status_code == 200
    assert set(reliability.json()[0]) >= {"key", "alpha", "ci", "n"}
    found = client.get(f"/api/v1/collaborations/{world.collaboration.id}/trends", headers=headers)
    assert found.status_code == 200
    assert found.json()["parties"][0]["rounds"][0]["zone"] == "smart_trust"
