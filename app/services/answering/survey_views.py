"""What each survey page shows, as plain data in the partner's language (no markup here)."""

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from app.models import Organisation, Party, Response
from app.services.answering import comments
from app.services.answering.durations import recent_seconds_per_statement
from app.services.answering.invitation_state import InvitationContext
from app.services.answering.pages import PageRef
from app.services.answering.survey import (
    DONT_KNOW,
    page_items,
    page_plan,
    page_ref,
    resume_page,
    saved_answers,
)

# Until enough partners of this collaboration have answered to measure it: a considered
# answer on a 7-point statement takes a phone user about eight seconds.
SECONDS_PER_ITEM = 8


@dataclass(frozen=True, slots=True)
class Welcome:
    collaboration_name: str
    collaboration_description: str
    organisation_name: str
    own_party_name: str  # the organisation the participant answers for
    round_label: str
    closes_at: datetime | None
    minutes: int
    measured: bool  # the estimate comes from this collaboration's answering times
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
class Section:
    """One scale's statements on a page, under its plain heading ("" where it has none)."""

    heading: str
    start: int  # the number of its first statement on the page
    questions: list[Question]


@dataclass(frozen=True, slots=True)
class QuestionPage:
    number: int
    total: int
    target_name: str
    target_number: int
    target_count: int
    # The page's own heading: plain words about the party and the topic, never a construct's
    # name; "" where the template words a general one (several topics, or none given).
    heading: str
    sections: list[Section]
    options: list[Option]
    is_last: bool
    comment_prompt: str | None = None  # set on a comment page, which has no questions
    comment: str = ""
    comment_threshold: int = 0

    @property
    def questions(self) -> list[Question]:
        return [question for section in self.sections for question in section.questions]


@dataclass(frozen=True, slots=True)
class Unanswered:
    page: int
    item_id: str
    text: str


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
    position_elsewhere: bool = False  # shown only on the device that answered


_NAMES = select(col(Party.id), col(Party.name)).where(
    col(Party.id).in_(bindparam("ids", expanding=True))
)


def party_names(session: Session, party_ids: list[int]) -> dict[int, str]:
    return {row[0]: row[1] for row in session.execute(_NAMES, {"ids": party_ids})}


def item_text(text: str, party_name: str) -> str:
    """Put the party's name where the statement says `{party}` (escaping is the template's)."""
    return text.replace("{party}", party_name)


def welcome(session: Session, context: InvitationContext, *, language: str) -> Welcome:
    collaboration = context.collaboration
    organisation = session.get(Organisation, collaboration.organisation_id)
    assert organisation is not None
    targets = context.invitation.target_party_ids
    names = party_names(session, [*targets, context.invitation.party_id])
    items = sum(len(page_items(context, ref)) for ref in page_plan(context))
    assert collaboration.id is not None
    measured = recent_seconds_per_statement(session, collaboration=collaboration)
    per_item = measured if measured is not None else SECONDS_PER_ITEM
    resume = resume_page(session, context)
    return Welcome(
        collaboration_name=collaboration.name,
        collaboration_description=collaboration.description,
        organisation_name=organisation.name,
        own_party_name=names[context.invitation.party_id],
        round_label=context.round.label,
        closes_at=context.round.closes_at,
        minutes=max(1, math.ceil(items * per_item / 60)),
        measured=measured is not None,
        question_count=items,
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
    plan = page_plan(context)
    ref = page_ref(context, number)
    target_name = party_names(session, [ref.target_party_id])[ref.target_party_id]
    invitation_id = context.invitation.id
    assert invitation_id is not None
    saved = saved_answers(session, context).get(ref.target_party_id, {})
    chosen = {key: DONT_KNOW if value is None else str(value) for key, value in saved.items()}
    chosen.update(shown or {})
    targets = context.invitation.target_party_ids
    sections = _sections(context, ref, language, target_name, chosen)
    page = QuestionPage(
        number=number,
        total=len(plan),
        target_name=target_name,
        target_number=targets.index(ref.target_party_id) + 1,
        target_count=len(targets),
        heading=sections[0].heading if len(sections) == 1 else "",
        sections=sections,
        options=_options(context, language),
        is_last=number == len(plan),
    )
    prompt = context.definition.comment_prompt
    if not ref.comment or prompt is None:
        return page
    collaboration = context.collaboration
    comment = (shown or {}).get(comments.FIELD)
    if comment is None:
        comment = comments.saved_comment(
            session, invitation_id=invitation_id, target_party_id=ref.target_party_id
        )
    return dataclasses.replace(
        page,
        comment_prompt=item_text(prompt.get(language), target_name),
        comment=comment,
        comment_threshold=max(collaboration.comment_threshold, collaboration.anonymity_threshold),
    )


def _sections(
    context: InvitationContext,
    ref: PageRef,
    language: str,
    party: str,
    chosen: Mapping[str, str],
) -> list[Section]:
    """Per scale on the page its statements, numbered on from the scale before."""
    by_scale: dict[str, list[Question]] = {key: [] for key in ref.scale_keys}
    for item in ref.items:
        text = item_text(item.text.get(language), party)
        by_scale[item.scale].append(Question(item.id, text, chosen.get(item.id)))
    sections, start = [], 1
    for key, questions in by_scale.items():
        heading = context.definition.scale(key).heading
        plain = item_text(heading.get(language), party) if heading else ""
        sections.append(Section(plain, start, questions))
        start += len(questions)
    return sections


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
    saved = saved_answers(session, context)
    names = party_names(session, context.invitation.target_party_ids)
    definition = context.definition
    reviews: dict[int, TargetReview] = {}
    for ref in page_plan(context):
        answered = saved.get(ref.target_party_id, {})
        name = names[ref.target_party_id]
        kind = context.invitation.target_kinds.get(str(ref.target_party_id))
        asked = sum(1 for item in definition.items if item.fits(kind))
        current = reviews.setdefault(ref.target_party_id, TargetReview(name, 0, asked, []))
        for item in page_items(context, ref):
            if item.id not in answered:
                text = item_text(item.text.get(language), name)
                current.unanswered.append(Unanswered(ref.number, item.id, text))
    return [
        TargetReview(r.name, r.total - len(r.unanswered), r.total, r.unanswered)
        for r in reviews.values()
    ]


def thanks(session: Session, context: InvitationContext, *, own_device: bool) -> Thanks:
    """The thank-you page; the partner's own zones only when the collaboration shows them
    and `own_device` (the browser holds the partner's resume code, not merely the link)."""
    collaboration = context.collaboration
    positions: list[TargetPosition] = []
    show = collaboration.show_own_position and own_device
    if show:
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
        show_position=show,
        positions=positions,
        position_elsewhere=collaboration.show_own_position and not own_device,
    )
