"""The dashboard's data: positions per round, suppression, participation counts, tenancy."""

import pytest
from sqlmodel import Session, select

from app.config import Settings
from app.errors import NotFound
from app.models import Collaboration
from app.models.response import AnswerIn
from app.models.round import RoundCreate
from app.services import demo
from app.services.answering import invitation_state, responses
from app.services.results.dashboard import build_dashboard
from app.services.setup import questionnaires, rounds
from tests.factories import make_open_collaboration, make_organisation


def _answer_all(session: Session, token: str, value: int) -> None:
    context = invitation_state.load_invitation(session, token=token)
    answers = [
        AnswerIn(target_party_id=target, item_id=item.id, value=value)
        for target in context.invitation.target_party_ids
        for item in context.definition.items
    ]
    responses.submit_answers(session, token=token, answers=answers, final=True)


def test_the_demo_tells_its_four_round_story_and_has_a_round_open(
    session: Session, settings: Settings
) -> None:
    demo.load_demo(session, settings=settings)
    collaboration = session.exec(select(Collaboration)).one()
    dashboard = build_dashboard(
        session,
        organisation_id=collaboration.organisation_id,
        collaboration_id=collaboration.id or 0,
    )
    province = next(p for p in dashboard.parties if p.name == "Provincie Utrecht")
    rijnland = next(p for p in dashboard.parties if p.name == "Wegenbouw Rijnland")
    closed = dashboard.rounds
    zones = {
        party.name: [dashboard.position(party.id, r.id).zone for r in closed]  # type: ignore[union-attr]
        for party in (province, rijnland)
    }
    # The open fifth round has no figures until it closes; the dashboard only names it.
    assert len(dashboard.rounds) == 4 and len(dashboard.parties) == 4
    assert dashboard.open_rounds == ["Evaluatie eerste jaar"]
    assert zones["Provincie Utrecht"][0] == "distrust"
    assert zones["Provincie Utrecht"][-1] == "smart_trust"
    assert zones["Wegenbouw Rijnland"][0] == "blind_trust"
    assert zones["Wegenbouw Rijnland"][-1] == "no_trust"
    assert [r.moment for r in dashboard.rounds] == sorted(r.moment for r in dashboard.rounds)
    assert {a.key for a in dashboard.areas} >= {"integrity"}


def test_a_party_under_the_threshold_shows_no_figures(session: Session, settings: Settings) -> None:
    setup = make_open_collaboration(
        session, settings=settings, party_names=("A", "B", "C"), participants_per_party=3
    )
    for party, answering in zip(setup.parties, (3, 3, 2), strict=True):
        for token in setup.tokens_of(party)[:answering]:
            _answer_all(session, token, 6)
    round_id = setup.round.id or 0
    rounds.close_round(session, organisation_id=setup.organisation_id, round_id=round_id)

    dashboard = build_dashboard(
        session,
        organisation_id=setup.organisation_id,
        collaboration_id=setup.collaboration.id or 0,
    )
    positions = [dashboard.position(p.id or 0, round_id) for p in setup.parties]
    hidden = positions[2]
    assert hidden is not None and hidden.suppressed
    assert (hidden.n, hidden.propensity, hidden.zone, hidden.areas) == (None, None, None, {})
    shown = [p for p in positions if p is not None and not p.suppressed]
    # No total is shown beside the parties, so hiding C reveals nothing: A and B stay.
    assert [(p.n, p.zone) for p in shown] == [(3, "smart_trust"), (3, "smart_trust")]


def test_participation_is_counted_per_party_per_round(session: Session, settings: Settings) -> None:
    setup = make_open_collaboration(session, settings=settings, participants_per_party=3)
    first, second = setup.tokens_of(setup.parties[0])[:2]
    _answer_all(session, first, 5)
    context = invitation_state.load_invitation(session, token=second)
    item = context.definition.items[0]
    answer = AnswerIn(
        target_party_id=context.invitation.target_party_ids[0], item_id=item.id, value=3
    )
    responses.submit_answers(session, token=second, answers=[answer], final=False)
    rounds.close_round(session, organisation_id=setup.organisation_id, round_id=setup.round.id or 0)

    dashboard = build_dashboard(
        session,
        organisation_id=setup.organisation_id,
        collaboration_id=setup.collaboration.id or 0,
    )
    cell = dashboard.participation[(setup.parties[0].id or 0, setup.round.id or 0)]
    assert (cell.invited, cell.started, cell.submitted) == (3, 1, 1)
    assert cell.rate == pytest.approx(1 / 3)


def test_draft_rounds_are_not_on_the_dashboard(session: Session, settings: Settings) -> None:
    setup = make_open_collaboration(session, settings=settings)
    questionnaire = questionnaires.default_questionnaire(session)
    rounds.create_round(
        session,
        organisation_id=setup.organisation_id,
        collaboration_id=setup.collaboration.id or 0,
        data=RoundCreate(label="Later", questionnaire_id=questionnaire.id or 0),
    )
    rounds.close_round(session, organisation_id=setup.organisation_id, round_id=setup.round.id or 0)
    dashboard = build_dashboard(
        session,
        organisation_id=setup.organisation_id,
        collaboration_id=setup.collaboration.id or 0,
    )
    assert [r.label for r in dashboard.rounds] == ["Nulmeting"]


def test_another_organisation_cannot_see_the_dashboard(
    session: Session, settings: Settings
) -> None:
    setup = make_open_collaboration(session, settings=settings)
    stranger = make_organisation(session, name="Andere gemeente")
    with pytest.raises(NotFound):
        build_dashboard(
            session, organisation_id=stranger, collaboration_id=setup.collaboration.id or 0
        )


def test_an_open_round_shows_no_figures_until_it_closes(
    session: Session, settings: Settings
) -> None:
    setup = make_open_collaboration(session, settings=settings, participants_per_party=3)
    for token in setup.tokens_of(setup.parties[0]):
        _answer_all(session, token, 6)
    collaboration_id = setup.collaboration.id or 0
    round_id = setup.round.id or 0
    live = build_dashboard(
        session, organisation_id=setup.organisation_id, collaboration_id=collaboration_id
    )
    assert live.rounds == [] and live.positions == {} and live.pairs == {}
    assert live.open_rounds == ["Nulmeting"]
    rounds.close_round(session, organisation_id=setup.organisation_id, round_id=round_id)
    closed = build_dashboard(
        session, organisation_id=setup.organisation_id, collaboration_id=collaboration_id
    )
    position = closed.position(setup.parties[0].id or 0, round_id)
    assert position is not None and position.n == 3 and closed.open_rounds == []
