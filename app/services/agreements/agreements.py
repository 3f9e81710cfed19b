"""Record, list and change agreements; every change queues the `agreement.changed` webhook."""

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, func, select

from app.errors import Conflict, FieldProblem, InvalidInput, NotFound
from app.infra.unit_of_work import unit_of_work
from app.models import Agreement, AgreementCheck, Collaboration, Party, Round, RoundStatus
from app.models.agreement import CLEARABLE_AGREEMENT_FIELDS, AgreementCreate, AgreementUpdate
from app.services.access.lookups import get_collaboration
from app.services.access.paging import fetch_page
from app.services.messaging import events
from app.services.setup import questionnaires

# Changing who is asked, or when, after partners answered would mix verdicts on two questions.
_ASKED = frozenset({"committing_party_ids", "target_party_id", "check_round_id"})


def get_agreement(session: Session, *, organisation_id: int, agreement_id: int) -> Agreement:
    agreement = session.get(Agreement, agreement_id)
    if agreement is not None:
        collaboration = session.get(Collaboration, agreement.collaboration_id)
        if collaboration is not None and collaboration.organisation_id == organisation_id:
            return agreement
    raise NotFound(f"No agreement {agreement_id} in your organisation.")


def list_agreements(
    session: Session,
    *,
    organisation_id: int,
    collaboration_id: int,
    after_id: int | None = None,
    updated_since: datetime | None = None,
    limit: int | None = 500,
) -> list[Agreement]:
    get_collaboration(session, organisation_id=organisation_id, collaboration_id=collaboration_id)
    query = select(Agreement).where(Agreement.collaboration_id == collaboration_id)
    return fetch_page(
        session, query, Agreement, after_id=after_id, updated_since=updated_since, limit=limit
    )


def create_agreement(
    session: Session, *, organisation_id: int, collaboration_id: int, data: AgreementCreate
) -> Agreement:
    with unit_of_work(session):
        collaboration = get_collaboration(
            session, organisation_id=organisation_id, collaboration_id=collaboration_id
        )
        agreement = Agreement(collaboration_id=collaboration_id, **data.model_dump())
        _check(session, collaboration, agreement, changed=set(data.model_fields_set) | {"round_id"})
        session.add(agreement)
        session.flush()
        _emit(session, organisation_id, agreement, "created")
    return agreement


def update_agreement(
    session: Session, *, organisation_id: int, agreement_id: int, data: AgreementUpdate
) -> Agreement:
    """Change only the fields given; null empties area, target and checking round."""
    with unit_of_work(session):
        agreement = get_agreement(
            session, organisation_id=organisation_id, agreement_id=agreement_id
        )
        changes = data.model_dump(exclude_unset=True)
        refused = [
            FieldProblem(field, "may not be null")
            for field, value in changes.items()
            if value is None and field not in CLEARABLE_AGREEMENT_FIELDS
        ]
        if refused:
            raise InvalidInput(
                "Some fields cannot be emptied; nothing was changed.", problems=refused
            )
        changed = {f for f, value in changes.items() if getattr(agreement, f) != value}
        if changed & _ASKED and _has_answers(session, agreement):
            raise Conflict(
                "Partners already answered the follow-up question about this agreement: its"
                " parties and checking round can no longer change."
            )
        collaboration = session.get(Collaboration, agreement.collaboration_id)
        assert collaboration is not None
        # Checked before anything is flushed: a foreign key to nothing must be a 422 naming
        # the field, never an integrity error from the database.
        with session.no_autoflush:
            for field, value in changes.items():
                setattr(agreement, field, value)
            _check(session, collaboration, agreement, changed=changed)
        session.add(agreement)
        if changed:
            _emit(session, organisation_id, agreement, "updated")
    return agreement


def _check(
    session: Session, collaboration: Collaboration, agreement: Agreement, *, changed: set[str]
) -> None:
    """Every reference must lie in the collaboration; problems name their field."""
    problems = _party_problems(session, collaboration, agreement)
    made = _round_in(session, collaboration, agreement.round_id)
    if made is None:
        problems.append(FieldProblem("round_id", "is no round of this collaboration"))
    elif agreement.area is not None:
        keys = [
            s.key for s in questionnaires.definition_by_id(session, made.questionnaire_id).scales
        ]
        if agreement.area not in keys:
            problems.append(FieldProblem("area", f"must be one of: {', '.join(keys)}"))
    if agreement.check_round_id is not None:
        problems += _check_round_problems(session, collaboration, made, agreement, changed)
    if problems:
        raise InvalidInput("The agreement refers to something it cannot use.", problems=problems)


def _party_problems(
    session: Session, collaboration: Collaboration, agreement: Agreement
) -> list[FieldProblem]:
    known = set(session.exec(select(Party.id).where(Party.collaboration_id == collaboration.id)))
    problems = []
    committing = agreement.committing_party_ids
    if len(set(committing)) != len(committing):
        problems.append(FieldProblem("committing_party_ids", "lists a party twice"))
    unknown = [str(p) for p in committing if p not in known]
    if unknown:
        text = f"are no parties of this collaboration: {', '.join(unknown)}"
        problems.append(FieldProblem("committing_party_ids", text))
    target = agreement.target_party_id
    if target is not None and target not in known:
        problems.append(FieldProblem("target_party_id", "is no party of this collaboration"))
    elif target is not None and target in committing:
        problems.append(FieldProblem("target_party_id", "is one of the committing parties"))
    return problems


def _check_round_problems(
    session: Session,
    collaboration: Collaboration,
    made: Round | None,
    agreement: Agreement,
    changed: set[str],
) -> list[FieldProblem]:
    assert agreement.check_round_id is not None
    check = _round_in(session, collaboration, agreement.check_round_id)
    if check is None:
        return [FieldProblem("check_round_id", "is no round of this collaboration")]
    if made is not None and _order(check) <= _order(made):
        return [FieldProblem("check_round_id", "must be a round after the one it was made in")]
    if "check_round_id" in changed and check.status == RoundStatus.CLOSED:
        return [FieldProblem("check_round_id", "is closed: nobody can be asked any more")]
    return []


def _order(round_: Round) -> tuple[Any, int]:
    # The calendar order the dashboard uses: planned opening, else actual, else creation.
    return (round_.opens_at or round_.opened_at or round_.created_at, round_.id or 0)


def _round_in(session: Session, collaboration: Collaboration, round_id: int) -> Round | None:
    round_ = session.get(Round, round_id)
    return round_ if round_ is not None and round_.collaboration_id == collaboration.id else None


def _has_answers(session: Session, agreement: Agreement) -> bool:
    query = select(func.count()).where(col(AgreementCheck.agreement_id) == agreement.id)
    return session.exec(query).one() > 0


def _emit(session: Session, organisation_id: int, agreement: Agreement, change: str) -> None:
    events.emit(
        session,
        organisation_id=organisation_id,
        event="agreement.changed",
        data={
            "change": change,
            "agreement_id": agreement.id,
            "collaboration_id": agreement.collaboration_id,
            "round_id": agreement.round_id,
            "check_round_id": agreement.check_round_id,
            "status": agreement.status.value,
        },
    )
