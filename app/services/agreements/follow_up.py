"""The follow-up question in the checking round: "was the agreement kept?", asked after the trust
items to the partners of the parties involved. Stored apart from the responses, so it never
changes a trust scale's score."""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, select

from app.errors import FieldProblem, InvalidSubmission
from app.infra.messages import N_
from app.infra.unit_of_work import unit_of_work
from app.models import Agreement, AgreementCheck, AgreementStatus, Party, utcnow
from app.models.agreement import AgreementAnswerIn
from app.scoring.agreements import VERDICT_MAX, VERDICT_MIN
from app.services.answering import responses, resume
from app.services.answering.responses import InvitationContext

FIELD_PREFIX = "a-"
DONT_KNOW = "dk"
FORM_FIELD = ""  # a problem with the form as a whole
OUT_OF_SCALE = N_('Choose one of the answers from %(min)s to %(max)s, or "Don\'t know".')


@dataclass(frozen=True, slots=True)
class FollowUpItem:
    agreement_id: int
    title: str
    description: str
    committing: list[str]
    target: str | None
    chosen: str | None  # the option value saved before
    committing_ids: tuple[int, ...] = ()
    target_id: int | None = None


def agreements_to_check(session: Session, context: InvitationContext) -> list[Agreement]:
    """The agreements this partner is asked about: checked in this round, not dropped, and
    made by their party or about it."""
    party_id = context.invitation.party_id
    query = (
        select(Agreement)
        .where(Agreement.check_round_id == context.round.id)
        .where(Agreement.status != AgreementStatus.DROPPED)
        .order_by(col(Agreement.id))
    )
    return [
        agreement
        for agreement in session.exec(query)
        if party_id in agreement.committing_party_ids or party_id == agreement.target_party_id
    ]


def follow_up_items(session: Session, context: InvitationContext) -> list[FollowUpItem]:
    agreements = agreements_to_check(session, context)
    if not agreements:
        return []
    names = {
        party.id: party.name
        for party in session.exec(
            select(Party).where(Party.collaboration_id == context.collaboration.id)
        )
    }
    saved = _saved(session, context)
    return [
        FollowUpItem(
            agreement_id=a.id or 0,
            title=a.title,
            description=a.description,
            committing=[names.get(p, "") for p in a.committing_party_ids],
            target=names.get(a.target_party_id) if a.target_party_id else None,
            chosen=_option(saved[a.id]) if a.id in saved else None,
            committing_ids=tuple(a.committing_party_ids),
            target_id=a.target_party_id,
        )
        for a in agreements
    ]


def _saved(session: Session, context: InvitationContext) -> dict[int, int | None]:
    query = select(AgreementCheck).where(AgreementCheck.invitation_id == context.invitation.id)
    return {check.agreement_id: check.value for check in session.exec(query)}


def _option(value: int | None) -> str:
    return DONT_KNOW if value is None else str(value)


def parse_follow_up(
    agreements: Sequence[Agreement], fields: Sequence[tuple[str, str]]
) -> dict[int, int | None]:
    """The answers a follow-up form carries; problems name the agreement (`a-<id>`)."""
    asked = {a.id for a in agreements}
    answers: dict[int, int | None] = {}
    problems: list[FieldProblem] = []
    for name, raw in fields:
        key = name.removeprefix(FIELD_PREFIX)
        if not (name.startswith(FIELD_PREFIX) and key.isdigit() and int(key) in asked):
            problems.append(FieldProblem(FORM_FIELD, N_("The form contained an unknown field.")))
            continue
        if int(key) in answers:
            problems.append(FieldProblem(name, N_("Choose only one answer.")))
        elif raw == DONT_KNOW:
            answers[int(key)] = None
        elif raw.isascii() and raw.isdigit() and VERDICT_MIN <= int(raw) <= VERDICT_MAX:
            answers[int(key)] = int(raw)
        else:
            problems.append(FieldProblem(name, OUT_OF_SCALE))
    if problems:
        raise InvalidSubmission("Some follow-up answers could not be accepted.", problems=problems)
    return answers


def save_follow_up(
    session: Session,
    *,
    token: str,
    fields: Sequence[tuple[str, str]],
    resume_code: str | None = None,
) -> None:
    """Save this partner's follow-up answers (all or nothing) before they submit.

    With `resume_code` (the questionnaire in a browser) a first save ties the link to it and
    later ones need it, as for the trust items (see `resume.claim`).
    """
    with unit_of_work(session):
        context = responses.load_invitation(session, token=token, for_update=True)
        responses.ensure_accepting(context, now=utcnow())
        if resume_code is not None:
            resume.claim(session, context=context, code=resume_code)
        answers = parse_follow_up(agreements_to_check(session, context), fields)
        _store(session, context, answers)


def questions_for(session: Session, *, token: str, organisation_id: int) -> list[FollowUpItem]:
    """What an integration must ask this partner after the trust items (maybe nothing)."""
    context = responses.load_invitation(session, token=token, organisation_id=organisation_id)
    return follow_up_items(session, context)


def save_agreement_answers(
    session: Session, *, token: str, organisation_id: int, answers: Sequence[AgreementAnswerIn]
) -> list[FollowUpItem]:
    """The same answers from an integration: one wrong answer saves nothing, and each problem
    names its place in the list (`answers.2.agreement_id`)."""
    with unit_of_work(session):
        context = responses.load_invitation(
            session, token=token, organisation_id=organisation_id, for_update=True
        )
        responses.ensure_accepting(context, now=utcnow())
        asked = {a.id for a in agreements_to_check(session, context)}
        problems, seen = [], set()
        for index, answer in enumerate(answers):
            if answer.agreement_id not in asked:
                text = "is not asked of this partner in this round"
                problems.append(FieldProblem(f"answers.{index}.agreement_id", text))
            elif answer.agreement_id in seen:
                problems.append(FieldProblem(f"answers.{index}.agreement_id", "is listed twice"))
            seen.add(answer.agreement_id)
        if problems:
            raise InvalidSubmission(
                "Some follow-up answers could not be accepted; nothing was saved.",
                problems=problems,
            )
        _store(session, context, {a.agreement_id: a.value for a in answers})
        session.flush()
        return follow_up_items(session, context)


def _store(session: Session, context: InvitationContext, answers: dict[int, int | None]) -> None:
    existing = {
        check.agreement_id: check
        for check in session.exec(
            select(AgreementCheck).where(AgreementCheck.invitation_id == context.invitation.id)
        )
    }
    for agreement_id, value in answers.items():
        check = existing.get(agreement_id) or AgreementCheck(
            agreement_id=agreement_id, invitation_id=context.invitation.id or 0
        )
        check.value = value
        session.add(check)
