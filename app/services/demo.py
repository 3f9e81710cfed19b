"""The demo: a circular-asphalt collaboration in Utrecht, measured over four rounds (seeded)."""

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from app.config import Settings
from app.infra.unit_of_work import unit_of_work
from app.models import Collaboration, Role, Round, User
from app.models.collaboration import CollaborationCreate, ParticipantCreate, PartyCreate, PartyKind
from app.models.response import AnswerIn
from app.models.round import Phase, RoundCreate
from app.scoring.questionnaire import QuestionnaireDefinition
from app.services import demo_agreements
from app.services.answering import responses
from app.services.demo_walkthrough import (
    PartnerLink,
    add_email_addresses,
    open_walkthrough_round,
    partner_links,
)
from app.services.identity import organisations
from app.services.setup import collaborations, questionnaires, rounds

ORGANISATION = "Bureau Samen Bouwen"
COACH_EMAIL = "coach@demo.trustmeter.nl"
COACH_PASSWORD = "slim-vertrouwen-2026"  # noqa: S105 - printed on purpose: it is a demo
COLLABORATION = "Circulair asfalt provinciale wegen Utrecht"
RESPONDENTS_PER_PARTY = 6

# Each party's (propensity, analysis) towards the others, per round: the story the dashboard
# tells. The province moves from distrust to smart trust; the second contractor slides from
# blind trust into no trust; the others hover and improve a little.
PARTIES: list[tuple[str, PartyKind, list[tuple[float, float]]]] = [
    ("Gemeente Utrecht", PartyKind.CLIENT, [(56, 62), (60, 66), (63, 70), (66, 72)]),
    ("Provincie Utrecht", PartyKind.CLIENT, [(32, 74), (42, 72), (55, 70), (68, 72)]),
    ("Aannemer Van den Berg BV", PartyKind.CONTRACTOR, [(45, 58), (52, 60), (58, 63), (60, 66)]),
    ("Wegenbouw Rijnland", PartyKind.CONTRACTOR, [(78, 30), (70, 34), (58, 36), (40, 38)]),
]
# A full baseline and a full measurement halfway through the work, short pulses in between:
# the rhythm issue 17 recommends, so the dashboard shows both forms in one trend.
FULL, PULSE = ("smart-trust", 2), ("smart-trust-pulse", 1)
ROUNDS = [
    ("Nulmeting voorbereiding", Phase.PREPARATION, datetime(2026, 1, 12, 8, tzinfo=UTC), FULL),
    ("Marktconsultatie", Phase.TENDER, datetime(2026, 3, 23, 8, tzinfo=UTC), PULSE),
    ("Na gunning", Phase.TENDER, datetime(2026, 6, 15, 8, tzinfo=UTC), PULSE),
    ("Halverwege uitvoering", Phase.EXECUTION, datetime(2026, 10, 5, 8, tzinfo=UTC), FULL),
]
FIRST_NAMES = [
    "Anouk",
    "Bram",
    "Chantal",
    "Daan",
    "Eva",
    "Fatima",
    "Gert",
    "Hanneke",
    "Iris",
    "Joost",
    "Karim",
    "Lotte",
    "Mark",
    "Noor",
    "Olaf",
    "Petra",
    "Ruud",
    "Sanne",
    "Tim",
    "Usha",
    "Vera",
    "Willem",
    "Yara",
    "Zeger",
]


@dataclass(frozen=True, slots=True)
class DemoLogin:
    collaboration: str
    email: str
    password: str
    links: list[PartnerLink] = field(default_factory=list)  # the open round's, one per party


def load_demo(session: Session, *, settings: Settings) -> DemoLogin:
    """Create the demo once, all of it or nothing; running it again changes nothing but
    gives the open round's links again."""
    with unit_of_work(session):
        collaboration = _load(session, settings=settings)
    links = partner_links(session, collaboration=collaboration, settings=settings)
    return DemoLogin(COLLABORATION, COACH_EMAIL, COACH_PASSWORD, links)


def _load(session: Session, *, settings: Settings) -> Collaboration:
    organisation = organisations.get_or_create_organisation(session, name=ORGANISATION)
    assert organisation.id is not None
    if session.exec(select(User).where(User.email == COACH_EMAIL)).first() is None:
        organisations.create_user(
            session,
            organisation_id=organisation.id,
            email=COACH_EMAIL,
            password=COACH_PASSWORD,
            role=Role.ADMIN,
            name="Demo coach",
        )
    exists = session.exec(
        select(Collaboration).where(
            Collaboration.organisation_id == organisation.id, Collaboration.name == COLLABORATION
        )
    ).first()
    if exists is None:
        exists = _build(session, organisation_id=organisation.id, settings=settings)
    return exists


def _build(session: Session, *, organisation_id: int, settings: Settings) -> Collaboration:
    rng = random.Random(20260112)  # noqa: S311 - deterministic demo data, not security
    collaboration = collaborations.create_collaboration(
        session,
        organisation_id=organisation_id,
        data=CollaborationCreate(
            name=COLLABORATION,
            description="Gemeente, provincie en twee aannemers werken samen aan circulair en"
            " CO2-arm asfalt op provinciale wegen: van marktconsultatie tot uitvoering.",
            show_own_position=True,
        ),
    )
    assert collaboration.id is not None
    party_ids = _add_parties(session, organisation_id, collaboration.id, rng)
    run = _Run(organisation_id, collaboration.id, party_ids, settings, rng)
    made: list[Round] = []
    for index, (label, phase, opens_at, form) in enumerate(ROUNDS):
        made.append(_measure(session, run, index, (label, phase, opens_at, form), made))
    questionnaire = questionnaires.builtin_questionnaire(session, key=FULL[0], version=FULL[1])
    definition = questionnaires.definition_of(questionnaire)
    add_email_addresses(session, collaboration_id=collaboration.id)
    latest = {party_id: PARTIES[i][2][-1] for i, party_id in enumerate(party_ids)}
    kinds = {str(party_id): PARTIES[i][1].value for i, party_id in enumerate(party_ids)}
    open_walkthrough_round(
        session,
        organisation_id=organisation_id,
        collaboration_id=collaboration.id,
        questionnaire_id=questionnaire.id or 0,
        settings=settings,
        answers_for=lambda party_id, targets: _answers(
            definition, targets, kinds, latest[party_id], rng
        ),
    )
    return collaboration


@dataclass(slots=True)
class _Run:
    """What every round of the demo is built from."""

    organisation_id: int
    collaboration_id: int
    party_ids: list[int]
    settings: Settings
    rng: random.Random
    # Its own seed: the trust answers stay what they were before the demo had agreements.
    follow_up_rng: random.Random = field(
        default_factory=lambda: random.Random(20260323)  # noqa: S311 - deterministic demo
    )


def _measure(
    session: Session,
    run: _Run,
    index: int,
    story: tuple[str, Phase, datetime, tuple[str, int]],
    made: list[Round],
) -> Round:
    """One closed round of the story; from the second on, it checks the previous agreements."""
    label, phase, opens_at, (key, version) = story
    questionnaire = questionnaires.builtin_questionnaire(session, key=key, version=version)
    definition = questionnaires.definition_of(questionnaire)
    data = RoundCreate(label=label, phase=phase, questionnaire_id=questionnaire.id or 0)
    round_ = rounds.create_round(
        session,
        organisation_id=run.organisation_id,
        collaboration_id=run.collaboration_id,
        data=data,
    )
    assert round_.id is not None
    issued = rounds.open_round(
        session, organisation_id=run.organisation_id, round_id=round_.id, settings=run.settings
    )
    checked = (
        demo_agreements.record_agreements(
            session,
            organisation_id=run.organisation_id,
            collaboration_id=run.collaboration_id,
            party_ids=run.party_ids,
            made_after=made[-1],
            check=round_,
            index=index,
        )
        if made
        else []
    )
    for item in issued:
        if item.token is None or run.rng.random() < 0.12:  # a few never answer
            continue
        means = PARTIES[run.party_ids.index(item.invitation.party_id)][2][index]
        invitation = item.invitation
        answers = _answers(
            definition, invitation.target_party_ids, invitation.target_kinds, means, run.rng
        )
        demo_agreements.answer_follow_up(
            session, organisation_id=run.organisation_id, token=item.token, rng=run.follow_up_rng
        )
        responses.submit_answers(session, token=item.token, answers=answers, final=True)
    rounds.close_round(session, organisation_id=run.organisation_id, round_id=round_.id)
    _backdate(session, round_, opens_at)
    demo_agreements.conclude(session, organisation_id=run.organisation_id, agreement_ids=checked)
    return round_


def _add_parties(
    session: Session, organisation_id: int, collaboration_id: int, rng: random.Random
) -> list[int]:
    party_ids = []
    names = iter(rng.sample(FIRST_NAMES, len(FIRST_NAMES)))
    for name, kind, _ in PARTIES:
        party = collaborations.create_party(
            session,
            organisation_id=organisation_id,
            collaboration_id=collaboration_id,
            data=PartyCreate(name=name, kind=kind),
        )
        assert party.id is not None
        party_ids.append(party.id)
        for number in range(RESPONDENTS_PER_PARTY):
            collaborations.add_participant(
                session,
                organisation_id=organisation_id,
                party_id=party.id,
                data=ParticipantCreate(
                    name=next(names, f"Deelnemer {number + 1}"),
                    external_ref=f"demo-{party.id}-{number + 1}",
                ),
            )
    return party_ids


def _answers(
    definition: QuestionnaireDefinition,
    targets: list[int],
    kinds: Mapping[str, str],
    means: tuple[float, float],
    rng: random.Random,
) -> list[AnswerIn]:
    """Answers whose propensity and analysis land near `means` (0-100), areas near their mean.

    The meta items ("I think {party} trusts us") follow the party's own propensity: people
    expect the trust they give, which is what makes the mirror of expectations worth showing.
    """
    low, high = definition.range.min, definition.range.max
    propensity_key = definition.propensity_scale.key
    analysis_key = definition.analysis_scale.key
    answers = []
    for target in targets:
        kind = kinds.get(str(target))
        person_shift = rng.gauss(0, 8)
        for item in definition.items:
            if not item.fits(kind):
                continue
            if item.scale in (propensity_key, "meta"):
                centre = means[0]
            elif item.scale == analysis_key:
                centre = means[1]
            else:
                centre = (means[0] + means[1]) / 2
            score = min(100.0, max(0.0, rng.gauss(centre + person_shift, 12)))
            value = round(low + score / 100 * (high - low))
            if item.reverse:
                value = low + high - value
            dont_know = rng.random() < 0.03
            answers.append(
                AnswerIn(
                    target_party_id=target, item_id=item.id, value=None if dont_know else value
                )
            )
    return answers


def _backdate(session: Session, round_: Round, opens_at: datetime) -> None:
    """Give the round its place in the story's calendar (four weeks of fieldwork)."""
    round_.opens_at = round_.opened_at = opens_at
    round_.closes_at = round_.closed_at = opens_at + timedelta(days=28)
    session.add(round_)
