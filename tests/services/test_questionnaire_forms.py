"""Who rates whom, kind-limited pages, comments and their threshold, answering times."""

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from app.config import Settings
from app.errors import InvalidInput, InvalidSubmission
from app.models import Comment, Invitation, PageTiming, Participant, RoundStatus, utcnow
from app.models.collaboration import ParticipantCreate, PartyCreate, PartyKind
from app.services.answering import comments, invitation_state, responses, survey, survey_views
from app.services.answering.durations import (
    recent_seconds_per_statement,
    round_durations,
    seconds_per_statement,
)
from app.services.privacy import erasure
from app.services.results.comments import round_comments
from app.services.setup import collaborations, rounds, targets
from tests.factories import make_collaboration, make_organisation, make_round
from tests.support.forms_world import FormsWorld, answer_all, make_forms_world


def _three_parties(session: Session) -> tuple[int, list[int], list[Participant]]:
    organisation_id = make_organisation(session)
    collaboration = make_collaboration(session, organisation_id=organisation_id)
    assert collaboration.id is not None
    party_ids, people = [], []
    for name in ("Gemeente", "Aannemer", "Ingenieur"):
        party = collaborations.create_party(
            session,
            organisation_id=organisation_id,
            collaboration_id=collaboration.id,
            data=PartyCreate(name=name, kind=PartyKind.CONTRACTOR),
        )
        assert party.id is not None
        party_ids.append(party.id)
        for n in range(2):
            people.append(
                collaborations.add_participant(
                    session,
                    organisation_id=organisation_id,
                    party_id=party.id,
                    data=ParticipantCreate(name=f"{name} {n}"),
                )
            )
    return organisation_id, party_ids, people


def test_a_site_manager_rates_only_the_client_and_the_rest_every_other_party(
    session: Session, settings: Settings
) -> None:
    organisation_id, (client, contractor, engineer), people = _three_parties(session)
    site_manager = people[2]  # the contractor's first participant
    assert site_manager.id is not None
    targets.set_participant_targets(
        session,
        organisation_id=organisation_id,
        participant_id=site_manager.id,
        target_party_ids=[client],
    )
    # In bulk: everyone at the engineer rates the contractor only.
    targets.set_party_targets(
        session, organisation_id=organisation_id, party_id=engineer, target_party_ids=[contractor]
    )
    round_ = make_round(
        session,
        organisation_id=organisation_id,
        collaboration_id=_collaboration_of(session, client),
    )
    assert round_.id is not None
    rounds.open_round(
        session, organisation_id=organisation_id, round_id=round_.id, settings=settings
    )
    made = {
        i.participant_id: i.target_party_ids
        for i in session.exec(select(Invitation).where(Invitation.round_id == round_.id))
    }
    assert made[site_manager.id] == [client]
    assert made[people[3].id] == [client, engineer]  # the default: every other party
    assert made[people[4].id] == made[people[5].id] == [contractor]
    assert made[people[0].id] == [contractor, engineer]


def _collaboration_of(session: Session, party_id: int) -> int:
    from app.models import Party

    party = session.get(Party, party_id)
    assert party is not None
    return party.collaboration_id


def test_targets_refuse_the_own_party_strangers_and_an_empty_choice(session: Session) -> None:
    organisation_id, (client, contractor, _), people = _three_parties(session)
    _elsewhere, (stranger, *_), _ = _three_parties(session)
    participant_id = people[0].id
    assert participant_id is not None
    with pytest.raises(InvalidInput) as caught:
        targets.set_participant_targets(
            session,
            organisation_id=organisation_id,
            participant_id=participant_id,
            target_party_ids=[client, stranger, contractor, contractor],
        )
    assert [(p.field, p.message) for p in caught.value.problems] == [
        ("target_party_ids.0", "a party does not rate itself"),
        ("target_party_ids.1", f"party {stranger} is not in this collaboration"),
        ("target_party_ids.3", f"party {contractor} is listed twice"),
    ]
    with pytest.raises(InvalidInput):
        targets.set_party_targets(
            session, organisation_id=organisation_id, party_id=client, target_party_ids=[]
        )
    session.rollback()
    assert session.get(Participant, participant_id).target_party_ids is None  # type: ignore[union-attr]


def test_items_that_do_not_fit_the_client_are_not_asked(session: Session, settings: Settings):
    world = make_forms_world(session, settings=settings, people=1)
    contractor_token = world.tokens[world.contractor.id][0]  # type: ignore[index]
    context = invitation_state.load_invitation(session, token=contractor_token)
    assert context.invitation.target_kinds == {str(world.client.id): "client"}
    plan = survey.page_plan(context)
    # Nine trust scales and the meta scale about the one client, whole scales on four pages;
    # the comment closes the last one.
    assert [ref.comment for ref in plan] == [False, False, False, True]
    assert plan[-1].scale_keys[-1] == "meta"
    capabilities = next(ref for ref in plan if "capabilities" in ref.scale_keys)
    asked = [item.id for item in survey.page_items(context, capabilities)]
    assert [item for item in asked if item.startswith("capab_")] == ["capab_3", "capab_4"]
    with pytest.raises(InvalidSubmission):
        survey.save_page(
            session,
            resume_code="PARTNERCODE1",
            context=invitation_state.load_invitation(session, token=contractor_token),
            number=capabilities.number,
            fields=[("q-capab_1", "5")],
        )


def test_no_page_heading_names_a_construct(session: Session, settings: Settings) -> None:
    world = make_forms_world(session, settings=settings, people=1)
    token = world.tokens[world.client.id][0]  # type: ignore[index]
    context = invitation_state.load_invitation(session, token=token)
    titles = {s.title.get(lang) for s in world.definition.scales for lang in ("nl", "en")}
    for ref in survey.page_plan(context):
        for language in ("nl", "en"):
            page = survey_views.question_page(
                session, context, number=ref.number, language=language
            )
            headings = [page.heading, *(section.heading for section in page.sections)]
            assert not any(title in heading for title in titles for heading in headings)
            # Every scale on the page is introduced in plain words about the party.
            assert all("Aannemer BV" in section.heading for section in page.sections)


def _comment_on(session: Session, world: FormsWorld, token: str, text: str) -> None:
    context = invitation_state.load_invitation(session, token=token)
    (target,) = context.invitation.target_party_ids
    comments.save_comment(session, context=context, target_party_id=target, text=text)


def _world_with_comments(session: Session, settings: Settings, commenters: int) -> FormsWorld:
    world = make_forms_world(session, settings=settings, people=6)
    for number, token in enumerate(world.tokens[world.contractor.id]):  # type: ignore[index]
        if number < commenters:
            _comment_on(session, world, token, f"Meer overleg op de bouwplaats ({number})")
        answer_all(session, world, token, value_of={})
    _close(session, world)
    return world


def _close(session: Session, world: FormsWorld) -> None:
    world.round.status = RoundStatus.CLOSED  # comments, like figures, only of a closed round
    session.add(world.round)
    session.commit()


def _contractor_about_client(session: Session, world: FormsWorld):
    assert world.round.id is not None
    found = round_comments(session, organisation_id=world.organisation_id, round_id=world.round.id)
    return next(
        g
        for g in found.groups
        if (g.truster_party_id, g.target_party_id) == (world.contractor.id, world.client.id)
    )


def test_four_comments_show_nothing(session: Session, settings: Settings) -> None:
    group = _contractor_about_client(session, _world_with_comments(session, settings, 4))
    assert (group.shown, group.count, group.texts) == (False, None, [])


def test_five_comments_are_shown_without_authors_in_alphabetical_order(
    session: Session, settings: Settings
) -> None:
    group = _contractor_about_client(session, _world_with_comments(session, settings, 5))
    assert (group.shown, group.count) == (True, 5)
    assert group.texts == sorted(f"Meer overleg op de bouwplaats ({n})" for n in range(5))
    assert not any("Aannemer BV 1" in text for text in group.texts)


def test_an_erased_participants_comment_is_gone(session: Session, settings: Settings) -> None:
    world = _world_with_comments(session, settings, 5)
    author = session.exec(select(Comment)).first()
    assert author is not None
    erasure.erase_participant(
        session, organisation_id=world.organisation_id, participant_id=author.participant_id
    )
    assert (
        session.exec(select(Comment).where(Comment.participant_id == author.participant_id)).all()
        == []
    )
    group = _contractor_about_client(session, world)
    assert (group.shown, group.texts) == (False, [])


@pytest.mark.parametrize("submitted", [5, 6])
def test_a_threshold_below_k_acts_as_k_and_drafts_do_not_count(
    session: Session, settings: Settings, submitted: int
) -> None:
    world = make_forms_world(
        session, settings=settings, people=6, anonymity_threshold=6, comment_threshold=2
    )
    tokens = world.tokens[world.contractor.id]  # type: ignore[index]
    for token in tokens:
        _comment_on(session, world, token, "Eerder de planning delen")
    for token in tokens[:submitted]:
        answer_all(session, world, token, value_of={})
    _close(session, world)
    group = _contractor_about_client(session, world)  # six comments, k = 6
    assert (group.shown, group.count) == ((False, None) if submitted == 5 else (True, 6))


@pytest.mark.parametrize(
    "text", ["x" * 2001, "Goed\x00idee", "Beter \x1b[31moverleg"], ids=["long", "nul", "escape"]
)
def test_bad_comments_are_refused_and_change_nothing(
    session: Session, settings: Settings, text: str
) -> None:
    world = make_forms_world(session, settings=settings, people=1)
    token = world.tokens[world.contractor.id][0]  # type: ignore[index]
    with pytest.raises(InvalidSubmission) as caught:
        _comment_on(session, world, token, text)
    assert [p.field for p in caught.value.problems] == ["comment"]
    session.rollback()
    assert session.exec(select(Comment)).all() == []


def test_a_comment_keeps_line_breaks_and_emptying_it_deletes_it(
    session: Session, settings: Settings
) -> None:
    world = make_forms_world(session, settings=settings, people=1)
    token = world.tokens[world.contractor.id][0]  # type: ignore[index]
    _comment_on(session, world, token, "  Eén:\r\ntwee\tdrie  ")
    assert [c.text for c in session.exec(select(Comment))] == ["Eén:\ntwee\tdrie"]
    _comment_on(session, world, token, "   ")
    assert session.exec(select(Comment)).all() == []


def test_answering_times_give_the_median_and_the_welcome_estimate(
    session: Session, settings: Settings
) -> None:
    world = make_forms_world(
        session, settings=settings, people=5, key="smart-trust-pulse", version=1
    )
    tokens = world.tokens[world.contractor.id]  # type: ignore[index]
    # Nothing measured yet; the welcome page's estimate keeps that for ten minutes.
    assert recent_seconds_per_statement(session, collaboration=world.collaboration, now=0) is None
    for minutes, token in zip((2, 3, 4, 5, 60), tokens, strict=True):
        context = invitation_state.load_invitation(session, token=token)
        first = survey.page_plan(context)[0]
        shown = utcnow() - timedelta(minutes=minutes)
        fields = [("q-" + i.id, "5") for i in survey.page_items(context, first)]
        survey.save_page(
            session,
            resume_code="PARTNERCODE1",
            context=invitation_state.load_invitation(session, token=token),
            number=1,
            fields=fields,
            shown_at=str(int(shown.timestamp())),
        )
        answer_all(session, world, token, value_of={})
    assert world.round.id is not None
    duration = round_durations(session, round_ids=[world.round.id])[world.round.id]
    # The hour-long visit is capped at ten minutes; the median is the middle one: 4 minutes.
    assert duration.n == 5
    assert duration.median_seconds == pytest.approx(240, abs=5)
    rows = session.exec(select(PageTiming)).all()
    assert max(row.seconds for row in rows) == 600
    assert {row.items for row in rows} == {12}  # the pulse form's first page about a client
    assert world.collaboration.id is not None
    pace = seconds_per_statement(session, collaboration_id=world.collaboration.id)
    assert pace == pytest.approx(20, abs=1)  # 240 s over twelve statements
    kept = recent_seconds_per_statement(session, collaboration=world.collaboration, now=599)
    assert kept is None  # as measured at 0
    again = recent_seconds_per_statement(session, collaboration=world.collaboration, now=601)
    assert again == pytest.approx(20, abs=1)
    welcome = survey_views.welcome(
        session, invitation_state.load_invitation(session, token=tokens[0]), language="nl"
    )
    assert welcome.measured and welcome.minutes == 7  # 20 statements at 20 s


def test_a_bad_time_stamp_never_refuses_answers(session: Session, settings: Settings) -> None:
    world = make_forms_world(session, settings=settings, people=1)
    token = world.tokens[world.contractor.id][0]  # type: ignore[index]
    for stamp in ("soon", "-5", str(int(utcnow().timestamp()) + 3600), "9" * 40):
        survey.save_page(
            session,
            resume_code="PARTNERCODE1",
            context=invitation_state.load_invitation(session, token=token),
            number=1,
            fields=[("q-prop_1", "6")],
            shown_at=stamp,
        )
    assert session.exec(select(PageTiming)).all() == []
    invitation = invitation_state.load_invitation(session, token=token).invitation
    assert invitation.id is not None
    assert responses.saved_answers(session, invitation.id) == {world.client.id: {"prop_1": 6}}


def test_comments_never_travel_in_webhooks_or_exports(session: Session, settings: Settings) -> None:
    from app.models import OutboxJob
    from app.models.outbox import WebhookCreate
    from app.services.exchange import exports
    from app.services.messaging import webhooks

    world = make_forms_world(session, settings=settings, people=6)
    webhooks.create_webhook(
        session,
        organisation_id=world.organisation_id,
        data=WebhookCreate(url="https://hooks.example.org/tm", events=["response.submitted"]),
        settings=settings,
    )
    for token in world.tokens[world.contractor.id]:  # type: ignore[index]
        _comment_on(session, world, token, "Geheime zorg over de planning")
        answer_all(session, world, token, value_of={})
    jobs = session.exec(select(OutboxJob)).all()
    assert any("response.submitted" in str(job.payload) for job in jobs)
    assert not any("Geheime zorg" in str(job.payload) for job in jobs)
    assert world.collaboration.id is not None
    exported = exports.export_collaboration(
        session,
        organisation_id=world.organisation_id,
        collaboration_id=world.collaboration.id,
        format="csv",
    )
    assert b"Geheime zorg" not in exported.content


def test_the_demo_takes_full_baselines_and_pulses_in_between_with_an_alpha_per_scale(
    session: Session, settings: Settings
) -> None:
    from app.models import Round
    from app.services import demo
    from app.services.results import results

    demo.load_demo(session, settings=settings)
    closed = session.exec(select(Round).where(Round.status == RoundStatus.CLOSED)).all()
    measured = sorted(closed, key=lambda r: r.opens_at or utcnow())
    forms = [questionnaires_key(session, r) for r in measured]
    assert forms == ["smart-trust", "smart-trust-pulse", "smart-trust-pulse", "smart-trust"]
    organisation_id = demo_organisation(session)
    for round_ in measured:
        assert round_.id is not None
        scales = results.round_reliability(
            session, organisation_id=organisation_id, round_id=round_.id
        )
        # Every scale gets an alpha, kind-limited ones included (from the responses that were
        # asked the same items); how high it is says more about the demo's random answers.
        for scale in scales:
            assert scale.alpha is not None and scale.n >= 3, (round_.label, scale.key)


def questionnaires_key(session: Session, round_: object) -> str:
    from app.models import Questionnaire

    row = session.get(Questionnaire, round_.questionnaire_id)  # type: ignore[attr-defined]
    assert row is not None
    return row.key


def demo_organisation(session: Session) -> int:
    from app.models import Collaboration

    return session.exec(select(Collaboration)).one().organisation_id


def test_imported_answers_are_scored_on_the_items_asked_about_the_targets_kind(
    session: Session, settings: Settings
) -> None:
    from app.models import Response
    from app.services.exchange import import_rows, imports

    world = make_forms_world(session, settings=settings, people=1)
    person = session.exec(
        select(Participant).where(Participant.party_id == world.contractor.id)
    ).one()
    person.external_ref = "hr-1"
    session.add(person)
    session.commit()
    # About the client, capabilities is capab_3 and capab_4 only: both answered is a score.
    data = "external_ref;target_party;item_id;value\nhr-1;Gemeente Utrecht;capab_3;7\n"
    data += "hr-1;Gemeente Utrecht;capab_4;1\n"
    assert world.round.id is not None
    report = imports.import_responses(
        session,
        organisation_id=world.organisation_id,
        round_id=world.round.id,
        parsed=import_rows.parse_csv(data.encode()),
        mode="all_or_nothing",
        settings=settings,
    )
    assert report.errors == []
    row = session.exec(select(Response)).one()
    assert row.scores["capabilities"] == 50.0
