"""What each survey page shows, as plain data in the partner's language (no markup here)."""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from app.models import Organisation, Party, Response
from app.services.answering import responses
from app.services.answering.invitation_state import InvitationContext
from app.services.answering.survey import DONT_KNOW, page_plan, page_ref, resume_page

# A considered answer on a 7-point statement takes a phone user about six seconds.
SECONDS_PER_ITEM = 6


@dataclass(frozen=True, slots=True)
class Welcome:
    collaboration_name: str
    collaboration_description: str
    organisation_name: str
    round_label: str
    closes_at: datetime | None
    minutes: int
    question_count: int
    target_names: list[str]
    anonymity_threshold: int
    identified_mode: bool
    resume_page: int | None
    started: bool


@dataclass(frozen=True, slots=True)
class Option:
    value: str  # what the form sends: a point of the scale or DONT_KNOW
    number: int | None
    label: str


@dataclass(frozen=True, slots=True)
class Question:
    item_id: str
    text: str
    chosen: str | None  # the option value to show as selected


@dataclass(frozen=True, slots=True)
class QuestionPage:
    number: int
    total: int
    target_name: str
    target_number: int
    target_count: int
    scale_title: str
    scale_description: str | None
    questions: list[Question]
    options: list[Option]
    is_last: bool


@dataclass(frozen=True, slots=True)
class Unanswered:
    page: int
    item_id: str
    text: str
    scale_title: str


@dataclass(frozen=True, slots=True)
class TargetReview:
    name: str
    answered: int
    total: int
    unanswered: list[Unanswered]


@dataclass(frozen=True, slots=True)
class TargetPosition:
    name: str
    zone: str | None  # None when too few answers to place


@dataclass(frozen=True, slots=True)
class Thanks:
    collaboration_name: str
    submitted_at: datetime | None
    show_position: bool
    positions: list[TargetPosition]


def party_names(session: Session, party_ids: list[int]) -> dict[int, str]:
    rows = session.exec(select(Party).where(col(Party.id).in_(party_ids))).all()
    return {row.id: row.name for row in rows if row.id is not None}


def item_text(text: str, party_name: str) -> str:
    """Put the party's name where the statement says `{party}` (escaping is the template's)."""
    return text.replace("{party}", party_name)


def welcome(session: Session, context: InvitationContext, *, language: str) -> Welcome:
    collaboration = context.collaboration
    organisation = session.get(Organisation, collaboration.organisation_id)
    assert organisation is not None
    targets = context.invitation.target_party_ids
    names = party_names(session, targets)
    items = len(context.definition.items)
    resume = resume_page(session, context)
    return Welcome(
        collaboration_name=collaboration.name,
        collaboration_description=collaboration.description,
        organisation_name=organisation.name,
        round_label=context.round.label,
        closes_at=context.round.closes_at,
        minutes=max(1, math.ceil(items * len(targets) * SECONDS_PER_ITEM / 60)),
        question_count=items * len(targets),
        target_names=[names[target] for target in targets],
        anonymity_threshold=collaboration.anonymity_threshold,
        identified_mode=collaboration.identified_mode,
        resume_page=resume,
        started=resume != 1,
    )


def question_page(
    session: Session,
    context: InvitationContext,
    *,
    number: int,
    language: str,
    shown: Mapping[str, str] | None = None,
) -> QuestionPage:
    """Page `number` with the saved answers selected; `shown` (a refused form's choices) wins."""
    ref = page_ref(context, number)
    definition = context.definition
    target_name = party_names(session, [ref.target_party_id])[ref.target_party_id]
    assert context.invitation.id is not None
    saved = responses.saved_answers(session, context.invitation.id).get(ref.target_party_id, {})
    chosen = {key: DONT_KNOW if value is None else str(value) for key, value in saved.items()}
    chosen.update(shown or {})
    scale = definition.scale(ref.scale_key)
    targets = context.invitation.target_party_ids
    return QuestionPage(
        number=number,
        total=len(page_plan(context)),
        target_name=target_name,
        target_number=targets.index(ref.target_party_id) + 1,
        target_count=len(targets),
        scale_title=scale.title.get(language),
        scale_description=scale.description.get(language) if scale.description else None,
        questions=[
            Question(item.id, item_text(item.text.get(language), target_name), chosen.get(item.id))
            for item in definition.items_of(ref.scale_key)
        ],
        options=_options(context, language),
        is_last=number == len(page_plan(context)),
    )


def _options(context: InvitationContext, language: str) -> list[Option]:
    definition = context.definition
    options = []
    for point in definition.range.points:
        anchor = definition.anchor(point)
        options.append(Option(str(point), point, anchor.get(language) if anchor else ""))
    if definition.range.dont_know:
        options.append(Option(DONT_KNOW, None, ""))  # the template words "Don't know"
    return options


def review(session: Session, context: InvitationContext, *, language: str) -> list[TargetReview]:
    """Per target party: how much is answered, and which questions are still open."""
    assert context.invitation.id is not None
    saved = responses.saved_answers(session, context.invitation.id)
    names = party_names(session, context.invitation.target_party_ids)
    definition = context.definition
    reviews: dict[int, TargetReview] = {}
    for ref in page_plan(context):
        answered = saved.get(ref.target_party_id, {})
        name = names[ref.target_party_id]
        current = reviews.setdefault(
            ref.target_party_id, TargetReview(name, 0, len(definition.items), [])
        )
        scale_title = definition.scale(ref.scale_key).title.get(language)
        for item in definition.items_of(ref.scale_key):
            if item.id not in answered:
                text = item_text(item.text.get(language), name)
                current.unanswered.append(Unanswered(ref.number, item.id, text, scale_title))
    return [
        TargetReview(r.name, r.total - len(r.unanswered), r.total, r.unanswered)
        for r in reviews.values()
    ]


def thanks(session: Session, context: InvitationContext) -> Thanks:
    """The thank-you page; the partner's own zones only when the collaboration shows them."""
    collaboration = context.collaboration
    positions: list[TargetPosition] = []
    if collaboration.show_own_position:
        assert context.invitation.id is not None
        rows = session.exec(
            select(Response).where(Response.invitation_id == context.invitation.id)
        ).all()
        result = {row.target_party_id: row.zone for row in rows}
        names = party_names(session, context.invitation.target_party_ids)
        positions = [
            TargetPosition(names[target], result.get(target))
            for target in context.invitation.target_party_ids
        ]
    return Thanks(
        collaboration_name=collaboration.name,
        submitted_at=context.invitation.submitted_at,
        show_position=collaboration.show_own_position,
        positions=positions,
    )
