"""The round's story from stored answers: the demo's last round, defaults, suppression, tenancy."""

import pytest
from sqlmodel import Session, select

from app.config import Settings
from app.errors import NotFound
from app.models import Collaboration
from app.models.response import AnswerIn
from app.models.round import RoundCreate
from app.services import demo
from app.services.answering import responses
from app.services.results.dashboard import build_dashboard, up_to
from app.services.results.guidance import all_guidance
from app.services.results.story import default_round_id, round_story
from app.services.setup import questionnaires, rounds
from tests.factories import make_open_collaboration, make_organisation


def _demo(session: Session, settings: Settings) -> Collaboration:
    demo.load_demo(session, settings=settings)
    return session.exec(select(Collaboration)).one()


def _answer_all(session: Session, token: str, value: int) -> None:
    context = responses.load_invitation(session, token=token)
    answers = [
        AnswerIn(target_party_id=target, item_id=item.id, value=value)
        for target in context.invitation.target_party_ids
        for item in context.definition.items
    ]
    responses.submit_answers(session, token=token, answers=answers, final=True)


def test_the_demos_last_round_tells_the_slide_into_no_trust_in_dutch(
    session: Session, settings: Settings
) -> None:
    collaboration = _demo(session, settings)
    dashboard = build_dashboard(
        session,
        organisation_id=collaboration.organisation_id,
        collaboration_id=collaboration.id or 0,
    )
    last = next(r for r in dashboard.rounds if r.label == "Halverwege uitvoering")
    story = round_story(
        session,
        organisation_id=collaboration.organisation_id,
        collaboration_id=collaboration.id or 0,
        round_id=last.id,
        language="nl",
    )
    assert story.previous_label == "Na gunning"
    assert story.opening[0] == (
        "In ‘Halverwege uitvoering’ hebben 21 van de 24 uitgenodigde mensen geantwoord (88%)."  # noqa: RUF001
    )
    rijnland = next(s for s in story.parties if s.subject == "Wegenbouw Rijnland")
    assert rijnland.sentences[0] == (
        "Wegenbouw Rijnland ging van ‘Blind vertrouwen’ naar ‘Geen vertrouwen’."  # noqa: RUF001
    )
    assert rijnland.needs_attention
    assert story.guidance[0].key == "no_trust"
    assert story.guidance[0].title == "Geen vertrouwen" and len(story.guidance[0].starters) >= 2
    # Every relationship is either told or counted; none is both.
    told = len(story.relationships) + story.quiet_relationships + story.hidden_relationships
    assert told == 12


def test_the_story_in_english_uses_english_words(session: Session, settings: Settings) -> None:
    collaboration = _demo(session, settings)
    dashboard = build_dashboard(
        session,
        organisation_id=collaboration.organisation_id,
        collaboration_id=collaboration.id or 0,
    )
    story = round_story(
        session,
        organisation_id=collaboration.organisation_id,
        collaboration_id=collaboration.id or 0,
        round_id=dashboard.rounds[0].id,
        language="en",
    )
    assert story.previous_label is None
    assert story.opening[-1].startswith("This is the first round")
    province = next(s for s in story.parties if s.subject == "Provincie Utrecht")
    assert province.sentences == (
        "Provincie Utrecht is in “Distrust”.",
        "There are no earlier figures to compare with.",
    )


def test_a_new_open_round_without_answers_keeps_the_last_round_with_figures(
    session: Session, settings: Settings
) -> None:
    collaboration = _demo(session, settings)
    organisation_id, collaboration_id = collaboration.organisation_id, collaboration.id or 0
    fresh = rounds.create_round(
        session,
        organisation_id=organisation_id,
        collaboration_id=collaboration_id,
        data=RoundCreate(
            label="Oplevering",
            questionnaire_id=questionnaires.default_questionnaire(session).id or 0,
        ),
    )
    rounds.open_round(
        session, organisation_id=organisation_id, round_id=fresh.id or 0, settings=settings
    )
    dashboard = build_dashboard(
        session, organisation_id=organisation_id, collaboration_id=collaboration_id
    )
    assert dashboard.rounds[-1].id == fresh.id  # the new round is there to choose
    # Neither it nor the demo's open round (two answers per party) has figures to show.
    shown = next(r.id for r in dashboard.rounds if r.label == "Halverwege uitvoering")
    assert default_round_id(dashboard) == shown


def test_the_report_view_shows_nothing_of_a_later_round(
    session: Session, settings: Settings
) -> None:
    collaboration = _demo(session, settings)
    dashboard = build_dashboard(
        session,
        organisation_id=collaboration.organisation_id,
        collaboration_id=collaboration.id or 0,
    )
    second = dashboard.rounds[1].id
    earlier = up_to(dashboard, second)
    assert [r.id for r in earlier.rounds] == [r.id for r in dashboard.rounds[:2]]
    later = {r.id for r in dashboard.rounds[2:]}
    assert not any(key[1] in later for key in earlier.positions)
    assert not any(key[2] in later for key in earlier.pairs)
    assert not any(key[1] in later for key in earlier.participation)
    assert not any(s.to_round_id in later for s in earlier.shifts)


def test_a_hidden_party_is_only_said_to_be_hidden(session: Session, settings: Settings) -> None:
    setup = make_open_collaboration(
        session, settings=settings, party_names=("A", "B", "C"), participants_per_party=3
    )
    for party, answering, value in zip(setup.parties, (3, 3, 2), (6, 2, 1), strict=True):
        for token in setup.tokens_of(party)[:answering]:
            _answer_all(session, token, value)
    story = round_story(
        session,
        organisation_id=setup.organisation_id,
        collaboration_id=setup.collaboration.id or 0,
        round_id=setup.round.id or 0,
        language="en",
    )
    hidden = [s for s in story.parties if s.zone is None]
    # C has 2 answers; a second party is hidden so the total cannot give C away.
    assert len(hidden) == 2 and "C" in {s.subject for s in hidden}
    [shown] = [s for s in story.parties if s.zone is not None]
    for found in hidden:
        assert found.sentences == (
            f"{found.subject}: fewer than 3 people answered, so nothing is shown.",
        )
    every_word = " ".join([*story.opening, *(t for s in story.parties for t in s.sentences)])
    others = {"Smart trust", "Blind trust", "No trust", "Distrust"} - {zone_name(shown.zone)}
    assert not any(name in every_word for name in others)  # no zone of a hidden party
    assert story.hidden_relationships == 4  # the hidden parties about the others


def zone_name(zone: str | None) -> str:
    return (zone or "").replace("_", " ").capitalize()


def test_another_organisation_cannot_read_the_story(session: Session, settings: Settings) -> None:
    collaboration = _demo(session, settings)
    stranger = make_organisation(session, name="Elders")
    dashboard = build_dashboard(
        session,
        organisation_id=collaboration.organisation_id,
        collaboration_id=collaboration.id or 0,
    )
    with pytest.raises(NotFound):
        round_story(
            session,
            organisation_id=stranger,
            collaboration_id=collaboration.id or 0,
            round_id=dashboard.rounds[0].id,
            language="nl",
        )


def test_every_zone_and_area_has_guidance_with_starters_in_both_languages() -> None:
    from app.infra.translations import translations_for

    for language in ("nl", "en"):
        found = all_guidance(translations_for(language).gettext)
        keys = {g.key for g in found}
        assert {"distrust", "no_trust", "blind_trust", "smart_trust", "participation"} <= keys
        assert {"integrity", "intent", "capabilities", "results", "openness"} <= keys
        assert all(2 <= len(g.starters) <= 3 for g in found)
    dutch = all_guidance(translations_for("nl").gettext)
    english = all_guidance(translations_for("en").gettext)
    assert all(d.meaning != e.meaning for d, e in zip(dutch, english, strict=True))
