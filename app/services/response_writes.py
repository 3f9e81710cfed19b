"""Writing a partner's scored answers with plain statements: this runs under the write lock."""

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, update
from sqlmodel import Session, col, select

from app.models import Collaboration, Invitation, InvitationStatus, Response
from app.scoring.questionnaire import QuestionnaireDefinition
from app.scoring.scores import score_response
from app.scoring.zones import ZoneRules, classify
from app.services.scoring_rules import zone_rules

_SAVED = select(
    col(Response.id), col(Response.target_party_id), col(Response.answers), col(Response.zone)
).where(col(Response.invitation_id) == bindparam("invitation_id"))


def store_answers(
    session: Session,
    *,
    invitation: Invitation,
    collaboration: Collaboration,
    definition: QuestionnaireDefinition,
    by_target: dict[int, dict[str, int | None]],
    final: bool,
    now: datetime,
) -> dict[int, tuple[int, str | None]]:
    """Merge each target's answers with what was saved, score and write them.

    Plain statements, no unit of work: this runs under the write lock, which every writer
    waits for. Returns, per target saved, how many items are answered and the zone.
    """
    saved = {}
    progress = {}  # every target saved so far, then what this call writes
    # A pending invitation has saved nothing (saving marks it started): one query fewer.
    if invitation.status != InvitationStatus.PENDING:
        for row_id, target, answers, zone in session.execute(
            _SAVED, {"invitation_id": invitation.id}
        ):
            saved[target] = (row_id, answers)
            progress[target] = (len(answers), zone)
    targets = by_target.keys() | (set(invitation.target_party_ids) if final else set())
    rules = zone_rules(collaboration)
    new_rows = []
    for target in sorted(targets):
        row_id, answers = saved.get(target, (None, {}))
        values = scored_columns({**answers, **by_target.get(target, {})}, definition, rules)
        values["updated_at"] = now
        if final:
            values["submitted_at"] = now
        if row_id is None:
            new_rows.append({**_identity(invitation, target), **values, "created_at": now})
        else:
            session.execute(update(Response).where(col(Response.id) == row_id).values(values))
        progress[target] = (len(values["answers"]), values["zone"])
    if new_rows:
        session.execute(insert(Response), new_rows)
    return progress


def _identity(invitation: Invitation, target: int) -> dict[str, Any]:
    return {
        "invitation_id": invitation.id,
        "round_id": invitation.round_id,
        "participant_id": invitation.participant_id,
        "truster_party_id": invitation.party_id,
        "target_party_id": target,
    }


def scored_columns(
    answers: dict[str, int | None], definition: QuestionnaireDefinition, rules: ZoneRules
) -> dict[str, Any]:
    """The stored columns of a response with these answers: answers, scores and zone."""
    scores = score_response(definition, answers)
    zone = classify(scores.propensity, scores.analysis, rules)
    return {
        "answers": answers,
        "scores": dict(scores.scales),
        "propensity": scores.propensity,
        "analysis": scores.analysis,
        "zone": zone.value if zone else None,
    }
