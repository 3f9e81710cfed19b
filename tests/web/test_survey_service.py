"""The survey's use cases: page plan, state, resume point, parsing and saving pages, submitting."""

from datetime import timedelta

import pytest
from sqlmodel import Session

from app.errors import Conflict, InvalidSubmission, NotFound, RateLimited
from app.models import InvitationStatus, Round, RoundStatus, utcnow
from app.scoring import classify, score_response, smart_trust_v1
from app.services.answering import invitation_state, links, responses, survey, survey_views
from app.services.answering.survey import PAGE_FIELD, SurveyState
from tests.web.conftest import Partner, rate_limit_hits, snapshot

# Version 1's scales (6, 9 and seven times 3 statements), whole, at most 12 statements a page.
PAGES = [
    ("propensity",),
    ("analysis", "integrity"),
    ("intent", "capabilities", "results", "openness"),
    ("expectations", "commitments"),
]

CODE = "PARTNERCODE1"  # the resume code this partner's browser holds


def context_of(session: Session, partner: Partner) -> invitation_state.InvitationContext:
    session.rollback()  # end any read transaction: see what other connections committed
    session.expire_all()
    return invitation_state.load_invitation(session, token=partner.token)


def test_pages_group_whole_scales_about_one_target_at_a_time(session: Session, partner: Partner):
    context = context_of(session, partner)
    plan = survey.page_plan(context)
    first, second = context.invitation.target_party_ids
    assert [(p.target_party_id, p.scale_keys) for p in plan] == [
        *[(first, scales) for scales in PAGES],
        *[(second, scales) for scales in PAGES],
    ]
    assert [p.number for p in plan] == list(range(1, 9))
    definition = context.definition
    for ref in plan:
        assert len(ref.items) <= 12
        whole = [item for key in ref.scale_keys for item in definition.items_of(key)]
        assert list(ref.items) == whole  # every scale whole, in the questionnaire's order
    assert not any(ref.comment for ref in plan)  # version 1 asks for no comment


@pytest.mark.parametrize("number", [0, 9, -1])
def test_a_page_outside_the_plan_is_not_found(session: Session, partner: Partner, number: int):
    with pytest.raises(NotFound):
        survey.page_ref(context_of(session, partner), number)


def _set_round(session: Session, partner: Partner, **values: object) -> None:
    round_ = session.get(Round, partner.collaboration.round.id)
    assert round_ is not None
    for name, value in values.items():
        setattr(round_, name, value)
    session.add(round_)
    session.commit()


@pytest.mark.parametrize(
    ("values", "state"),
    [
        ({}, SurveyState.OPEN),
        ({"status": RoundStatus.DRAFT}, SurveyState.NOT_YET_OPEN),
        ({"opens_at": utcnow() + timedelta(days=1)}, SurveyState.NOT_YET_OPEN),
        ({"opens_at": utcnow() - timedelta(days=1)}, SurveyState.OPEN),
        ({"closes_at": utcnow() - timedelta(minutes=1)}, SurveyState.CLOSED),
        ({"closes_at": utcnow() + timedelta(days=1)}, SurveyState.OPEN),
        ({"status": RoundStatus.CLOSED}, SurveyState.CLOSED),
    ],
)
def test_survey_state_follows_the_round(
    session: Session, partner: Partner, values: dict[str, object], state: SurveyState
):
    _set_round(session, partner, **values)
    assert survey.survey_state(context_of(session, partner), now=utcnow()) == state


def test_a_submitted_invitation_is_submitted_even_after_closing(session: Session, partner: Partner):
    context = invitation_state.load_invitation(session, token=partner.token)
    survey.save_page(
        session, resume_code=CODE, context=context, number=1, fields=[("q-prop_1", "7")]
    )
    survey.submit(
        session,
        resume_code=CODE,
        context=invitation_state.load_invitation(session, token=partner.token),
    )
    _set_round(session, partner, status=RoundStatus.CLOSED)
    assert survey.survey_state(context_of(session, partner), now=utcnow()) == SurveyState.SUBMITTED


def test_language_is_the_collaborations_until_the_partner_chooses(
    session: Session, partner: Partner
):
    assert survey.survey_language(context_of(session, partner)) == "nl"
    survey.set_language(
        session,
        context=invitation_state.load_invitation(session, token=partner.token),
        language="en",
    )
    assert survey.survey_language(context_of(session, partner)) == "en"
    assert partner.invitation(session).language == "en"


def test_an_unknown_language_is_refused_and_nothing_changes(session: Session, partner: Partner):
    before = snapshot(session)
    with pytest.raises(InvalidSubmission):
        survey.set_language(
            session,
            context=invitation_state.load_invitation(session, token=partner.token),
            language="fr",
        )
    assert snapshot(session) == before


def test_resume_page_is_the_one_after_the_furthest_answered_page(
    session: Session, partner: Partner
):
    assert survey.resume_page(session, context_of(session, partner)) == 1
    survey.save_page(
        session,
        resume_code=CODE,
        context=invitation_state.load_invitation(session, token=partner.token),
        number=2,
        fields=[("q-integ_1", "5")],
    )
    assert survey.resume_page(session, context_of(session, partner)) == 3
    survey.save_page(
        session,
        resume_code=CODE,
        context=invitation_state.load_invitation(session, token=partner.token),
        number=6,
        fields=[("q-integ_2", "dk")],
    )
    survey.save_page(
        session,
        resume_code=CODE,
        context=invitation_state.load_invitation(session, token=partner.token),
        number=1,
        fields=[("q-prop_1", "2")],
    )
    assert survey.resume_page(session, context_of(session, partner)) == 7


def test_resume_after_the_last_page_is_the_review(session: Session, partner: Partner):
    survey.save_page(
        session,
        resume_code=CODE,
        context=invitation_state.load_invitation(session, token=partner.token),
        number=8,
        fields=[("q-commit_1", "6")],
    )
    assert survey.resume_page(session, context_of(session, partner)) is None


def test_parse_page_reads_points_and_dont_know(session: Session, partner: Partner):
    context = context_of(session, partner)
    ref = survey.page_ref(context, 2)
    fields = [("q-integ_1", "1"), ("q-integ_2", "7"), ("q-integ_3", "dk")]
    assert survey.parse_page(context, ref, fields) == {
        "integ_1": 1,
        "integ_2": 7,
        "integ_3": None,
    }


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ([("q-integ_1", "8")], "integ_1"),
        ([("q-integ_1", "0")], "integ_1"),
        ([("q-integ_1", "-1")], "integ_1"),
        ([("q-integ_1", "5.0")], "integ_1"),
        ([("q-integ_1", "five")], "integ_1"),
        ([("q-integ_1", "")], "integ_1"),
        ([("q-integ_1", "٣")], "integ_1"),  # an Arabic-Indic digit is a digit, not our 3
        ([("q-integ_1", "3"), ("q-integ_1", "4")], "integ_1"),
        ([("q-prop_1", "3")], PAGE_FIELD),  # a question from another page
        ([("q-nonsense", "3")], PAGE_FIELD),
        ([("integ_1", "3")], PAGE_FIELD),
        ([("comment", "hello")], PAGE_FIELD),
    ],
)
def test_parse_page_names_the_field_of_each_problem(
    session: Session, partner: Partner, fields: list[tuple[str, str]], field: str
):
    context = context_of(session, partner)
    with pytest.raises(InvalidSubmission) as refused:
        survey.parse_page(context, survey.page_ref(context, 2), fields)
    assert [problem.field for problem in refused.value.problems] == [field]


def test_saving_a_page_stores_answers_and_scores_without_submitting(
    session: Session, partner: Partner
):
    fields = [(f"q-prop_{i}", "6") for i in range(1, 6)] + [("q-prop_6", "dk")]
    survey.save_page(
        session,
        resume_code=CODE,
        context=invitation_state.load_invitation(session, token=partner.token),
        number=1,
        fields=fields,
    )
    invitation = partner.invitation(session)
    assert invitation.status == InvitationStatus.STARTED
    assert invitation.submitted_at is None
    target = invitation.target_party_ids[0]
    saved = responses.saved_answers(session, invitation.id)[target]
    assert saved == {
        "prop_1": 6,
        "prop_2": 6,
        "prop_3": 6,
        "prop_4": 6,
        "prop_5": 6,
        "prop_6": None,
    }


def test_a_refused_page_saves_nothing_not_even_the_language(session: Session, partner: Partner):
    survey.save_page(
        session,
        resume_code=CODE,
        context=invitation_state.load_invitation(session, token=partner.token),
        number=1,
        fields=[("q-prop_1", "4")],
    )
    before = snapshot(session)
    with pytest.raises(InvalidSubmission):
        survey.save_page(
            session,
            resume_code=CODE,
            context=invitation_state.load_invitation(session, token=partner.token),
            number=1,
            fields=[("q-prop_1", "5"), ("q-prop_2", "99")],
            language="en",
        )
    assert snapshot(session) == before


def test_saving_after_submission_is_refused_and_changes_nothing(session: Session, partner: Partner):
    context = invitation_state.load_invitation(session, token=partner.token)
    survey.save_page(
        session, resume_code=CODE, context=context, number=1, fields=[("q-prop_1", "7")]
    )
    survey.submit(
        session,
        resume_code=CODE,
        context=invitation_state.load_invitation(session, token=partner.token),
    )
    before = snapshot(session)
    with pytest.raises(Conflict):
        survey.save_page(
            session,
            resume_code=CODE,
            context=invitation_state.load_invitation(session, token=partner.token),
            number=1,
            fields=[("q-prop_1", "4")],
        )
    assert snapshot(session) == before


def test_a_second_submit_is_refused_and_the_first_stands(session: Session, partner: Partner):
    survey.save_page(
        session,
        resume_code=CODE,
        context=invitation_state.load_invitation(session, token=partner.token),
        number=1,
        fields=[("q-prop_1", "7")],
    )
    survey.submit(
        session,
        resume_code=CODE,
        context=invitation_state.load_invitation(session, token=partner.token),
    )
    before = snapshot(session)
    with pytest.raises(Conflict):
        survey.submit(
            session,
            resume_code=CODE,
            context=invitation_state.load_invitation(session, token=partner.token),
        )
    assert snapshot(session) == before
    assert sum(1 for row in before["responses"] if row[6] is not None) == 2


def test_unknown_links_are_counted_and_refused_past_the_limit(session: Session, partner: Partner):
    def attempt(token: str) -> None:
        links.open_survey(
            session, token=token, client_key="203.0.113.9", limit=3, window_seconds=600
        )

    attempt(partner.token)  # a known link is not counted
    for guess in range(3):
        with pytest.raises(NotFound):
            attempt(f"guess-{guess}")
    assert rate_limit_hits(session) == 3
    with pytest.raises(RateLimited):
        attempt("guess-4")
    # Past the limit even the real link is refused, so guessing reveals nothing.
    with pytest.raises(RateLimited):
        attempt(partner.token)


def test_the_limit_is_per_client_address(session: Session, partner: Partner):
    for guess in range(3):
        with pytest.raises(NotFound):
            links.open_survey(
                session, token=f"g{guess}", client_key="198.51.100.1", limit=3, window_seconds=60
            )
    context = links.open_survey(
        session, token=partner.token, client_key="198.51.100.2", limit=3, window_seconds=60
    )
    assert context.invitation.token_hash == partner.invitation(session).token_hash


def test_welcome_says_who_how_long_and_the_threshold(session: Session, partner: Partner):
    welcome = survey_views.welcome(session, context_of(session, partner), language="nl")
    assert welcome.collaboration_name == "Circulaire bruggen"
    assert welcome.organisation_name == "Gemeente Testdorp"
    assert welcome.target_names == ["Aannemer BV", "Ingenieursbureau <Noord>"]
    assert welcome.own_party_name == "Gemeente Utrecht"
    assert welcome.minutes == 10  # 2 parties x 36 statements at 8 s until times are measured
    assert welcome.measured is False
    assert welcome.anonymity_threshold == 3
    assert (welcome.started, welcome.resume_page) == (False, 1)


def test_question_page_names_the_party_in_every_statement(session: Session, partner: Partner):
    page = survey_views.question_page(
        session, context_of(session, partner), number=6, language="en"
    )
    assert page.target_name == "Ingenieursbureau <Noord>"
    assert (page.target_number, page.target_count, page.total) == (2, 2, 8)
    assert page.heading == ""  # version 1 has no headings: the template words a plain one
    # Two scales on one page, numbered on: analysis 1-9, integrity 10-12.
    assert [(s.heading, s.start, len(s.questions)) for s in page.sections] == [
        ("", 1, 9),
        ("", 10, 3),
    ]
    assert all("{party}" not in q.text for q in page.questions)
    assert page.questions[0].text.count("Ingenieursbureau <Noord>") == 1
    assert [o.value for o in page.options] == ["1", "2", "3", "4", "5", "6", "7", "dk"]
    assert page.options[0].label == "Strongly disagree"


def test_question_page_shows_saved_answers_and_a_refused_forms_choices_over_them(
    session: Session, partner: Partner
):
    survey.save_page(
        session,
        resume_code=CODE,
        context=invitation_state.load_invitation(session, token=partner.token),
        number=2,
        fields=[("q-integ_1", "2"), ("q-integ_2", "dk")],
    )
    context = context_of(session, partner)
    page = survey_views.question_page(session, context, number=2, language="nl")
    assert [q.chosen for q in page.questions] == [None] * 9 + ["2", "dk", None]
    page = survey_views.question_page(
        session, context, number=2, language="nl", shown={"integ_1": "5"}
    )
    assert [q.chosen for q in page.questions] == [None] * 9 + ["5", "dk", None]


def test_review_lists_unanswered_questions_with_their_page(session: Session, partner: Partner):
    fields = [(f"q-prop_{i}", "5") for i in range(1, 7)]
    survey.save_page(
        session,
        resume_code=CODE,
        context=invitation_state.load_invitation(session, token=partner.token),
        number=1,
        fields=fields,
    )
    survey.save_page(
        session,
        resume_code=CODE,
        context=invitation_state.load_invitation(session, token=partner.token),
        number=5,
        fields=[("q-prop_2", "dk")],
    )
    targets = survey_views.review(session, context_of(session, partner), language="en")
    assert [(t.name, t.answered, t.total) for t in targets] == [
        ("Aannemer BV", 6, 36),
        ("Ingenieursbureau <Noord>", 1, 36),
    ]
    assert targets[0].unanswered[0].page == 2
    assert {u.page for u in targets[1].unanswered} == set(range(5, 9))
    assert "prop_2" not in {u.item_id for u in targets[1].unanswered}


@pytest.mark.parametrize("show", [True, False])
def test_thanks_shows_own_zones_only_when_the_collaboration_allows(
    session: Session, partner: Partner, show: bool
):
    collaboration = partner.collaboration.collaboration
    collaboration.show_own_position = show
    session.add(collaboration)
    session.commit()
    answers = {**{f"prop_{i}": 7 for i in range(1, 7)}, **{f"anal_{i}": 1 for i in range(1, 10)}}
    for number, prefix in ((1, "prop_"), (2, "anal_")):
        fields = [(f"q-{k}", str(v)) for k, v in answers.items() if k.startswith(prefix)]
        survey.save_page(
            session,
            resume_code=CODE,
            context=invitation_state.load_invitation(session, token=partner.token),
            number=number,
            fields=fields,
        )
    survey.submit(
        session,
        resume_code=CODE,
        context=invitation_state.load_invitation(session, token=partner.token),
    )
    thanks = survey_views.thanks(session, context_of(session, partner), own_device=True)
    assert thanks.show_position is show
    scores = score_response(smart_trust_v1(), answers)
    zone = classify(scores.propensity, scores.analysis)
    assert zone is not None
    expected = [("Aannemer BV", zone.value), ("Ingenieursbureau <Noord>", None)]
    assert [(p.name, p.zone) for p in thanks.positions] == (expected if show else [])
