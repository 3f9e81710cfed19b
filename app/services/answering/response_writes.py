"""Planning and writing a partner's scored answers with plain statements, many at a time."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, update
from sqlmodel import Session, col, select

from app.errors import FieldProblem, InvalidSubmission
from app.infra.messages import N_
from app.models import Invitation, InvitationStatus, Response
from app.scoring.questionnaire import QuestionnaireDefinition
from app.scoring.scores import score_response
from app.scoring.zones import ZoneRules, classify
from app.services.access.scoring_rules import zone_rules
from app.services.answering import comments as open_comments
from app.services.answering.invitation_state import InvitationContext

# A respondent who answered nothing would raise n and the response rate without a figure.
NOTHING_ANSWERED = N_("Answer at least one question before you submit.")

_SAVED = select(
    col(Response.id), col(Response.target_party_id), col(Response.answers), col(Response.zone)
).where(col(Response.invitation_id) == bindparam("invitation_id"))


@dataclass(frozen=True, slots=True)
class PlannedRow:
    """One target's response as it will be stored: merged answers, scores and zone."""

    row_id: int | None  # None: a new row
    target_party_id: int
    values: dict[str, Any]


@dataclass(frozen=True, slots=True)
class AnswerPlan:
    """What saving answers will write, and every target's progress afterwards."""

    invitation: Invitation
    rows: tuple[PlannedRow, ...]
    progress: dict[int, tuple[int, str | None]]  # target -> (items answered, zone)
    final: bool
    # target -> the comment as stored, checked already; "" deletes the saved one.
    comments: Mapping[int, str] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        """Saves nothing: the invitation stays as it was (an empty save does not start it).

        A save of comments alone starts it: what was saved is then guarded by the resume
        code like answers are, so no one else with the link reads the comment.
        """
        return not self.final and not self.rows and not self.comments


def store_answers(
    session: Session,
    context: InvitationContext,
    by_target: dict[int, dict[str, int | None]],
    *,
    final: bool,
    now: datetime,
    comments: Mapping[int, str] | None = None,
) -> dict[int, tuple[int, str | None]]:
    """Merge each target's answers with what was saved, score and write them.

    Runs under the write lock, which every writer waits for. Returns, per target saved so
    far, how many items are answered and the zone.
    """
    plan = plan_answers(session, context, by_target, final=final, comments=comments)
    write_plans(session, [plan], now=now)
    return plan.progress


def plan_answers(
    session: Session,
    context: InvitationContext,
    by_target: dict[int, dict[str, int | None]],
    *,
    final: bool,
    comments: Mapping[int, str] | None = None,
) -> AnswerPlan:
    """Merge each target's answers with what was saved and score them, writing nothing.

    The plan holds only while the invitation's saved answers stay as they were read: a
    caller planning outside the write lock (the batched writers) must check that before
    writing it.
    """
    invitation, definition = context.invitation, context.definition
    saved = {}
    progress = {}  # every target saved so far, then what this plan writes
    # A pending invitation has saved nothing (saving marks it started): one query fewer.
    if invitation.status != InvitationStatus.PENDING:
        for row_id, target, answers, zone in session.execute(
            _SAVED, {"invitation_id": invitation.id}
        ):
            saved[target] = (row_id, answers)
            progress[target] = (len(answers), zone)
    targets = by_target.keys() | (set(invitation.target_party_ids) if final else set())
    rules = zone_rules(context.collaboration)
    rows = []
    for target in sorted(targets):
        row_id, answers = saved.get(target, (None, {}))
        merged = {**answers, **by_target.get(target, {})}
        kind = target_kind(invitation, target)
        values = scored_columns(merged, definition, rules, target_kind=kind)
        rows.append(PlannedRow(row_id, target, values))
        progress[target] = (len(values["answers"]), values["zone"])
    if final and not any(row.values["answers"] for row in rows):
        raise InvalidSubmission(
            "Nothing is answered: a submission needs at least one answer.",
            problems=[FieldProblem("answers", NOTHING_ANSWERED)],
        )
    return AnswerPlan(invitation, tuple(rows), progress, final, dict(comments or {}))


def write_plans(session: Session, plans: Sequence[AnswerPlan], *, now: datetime) -> None:
    """Write the planned rows of many invitations: one INSERT and one UPDATE statement, and
    their comments (one more read and the changed rows, only when there are any)."""
    new_rows, changed_rows = [], []
    for plan in plans:
        stamps = {"updated_at": now, **({"submitted_at": now} if plan.final else {})}
        for row in plan.rows:
            if row.row_id is None:
                identity = _identity(plan.invitation, row.target_party_id)
                new_row = {**identity, **row.values, "submitted_at": None, **stamps}
                new_rows.append({**new_row, "created_at": now})
            else:
                changed_rows.append({"id": row.row_id, **row.values, **stamps})
    if new_rows:
        # Core, not the ORM's bulk insert: every row has the same keys, and the ORM's
        # bookkeeping was a fifth of the writer thread's time.
        session.execute(insert(Response.__table__), new_rows)  # type: ignore[attr-defined]
    for rows in _same_keys(changed_rows):
        session.execute(update(Response), rows)  # executemany, by primary key
    open_comments.write_comments(session, [(plan.invitation, plan.comments) for plan in plans])


def _same_keys(rows: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    # An executemany needs the same columns in every row; final and saved rows differ.
    groups: dict[frozenset[str], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(frozenset(row), []).append(row)
    return list(groups.values())


def _identity(invitation: Invitation, target: int) -> dict[str, Any]:
    return {
        "invitation_id": invitation.id,
        "round_id": invitation.round_id,
        "participant_id": invitation.participant_id,
        "truster_party_id": invitation.party_id,
        "target_party_id": target,
    }


def target_kind(invitation: Invitation, target: int) -> str | None:
    """The kind the target party had when the invitation was made (None: made before kinds)."""
    return invitation.target_kinds.get(str(target))


def scored_columns(
    answers: dict[str, int | None],
    definition: QuestionnaireDefinition,
    rules: ZoneRules,
    *,
    target_kind: str | None = None,
) -> dict[str, Any]:
    """The stored columns of a response with these answers: answers, scores and zone."""
    scores = score_response(definition, answers, target_kind=target_kind)
    zone = classify(scores.propensity, scores.analysis, rules)
    return {
        "answers": answers,
        "scores": dict(scores.scales),
        "propensity": scores.propensity,
        "analysis": scores.analysis,
        "zone": zone.value if zone else None,
    }
