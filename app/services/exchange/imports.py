"""Bulk import of paper and legacy answers into a round: check every row, store in one go.

Decisions:
- The round must be open or closed (a draft has no invitations yet: open it first). Closed
  rounds accept imports so that legacy data can be loaded after the fact.
- A participant without an invitation in the round gets one, made as submitted, rating the
  parties opening the round would have named (their own choice, by default every other
  party). Rows are only about what was asked: a party the participant rates, and items asked
  about that party's kind (its kind when invited). An existing invitation that receives
  answers is marked submitted, so the online questionnaire cannot change them afterwards.
- Answers are never merged or overwritten: a participant who already has answers (saved or
  submitted) about a target party in this round gets those rows refused.
- Imported answers are scored by the same core as submissions (`score_response`, `classify`)
  and stored as submitted Responses. Imports fire no `response.submitted` webhooks: they are
  back-fills, not partners answering now.
- By default one bad row refuses the whole import (nothing is stored, every bad row is
  reported); `valid_only` stores the good rows and reports the rest.
- Speed: four queries to load what rows refer to, then bulk INSERTs, all in one transaction.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import insert, update
from sqlmodel import Session, col

from app.config import Settings
from app.errors import InvalidInput, NotFound, RoundNotOpen
from app.infra.unit_of_work import unit_of_work
from app.models import (
    Collaboration,
    Invitation,
    InvitationStatus,
    Response,
    Round,
    RoundStatus,
    utcnow,
)
from app.models.imports import ImportMode, ImportReport, ImportRowError
from app.scoring import QuestionnaireDefinition, ZoneRules, classify, score_response
from app.services.access.lookups import get_round
from app.services.access.scoring_rules import zone_rules
from app.services.exchange.import_checks import (
    CheckedRow,
    RoundDirectory,
    check_rows,
    load_directory,
)
from app.services.exchange.import_rows import ParsedFile
from app.services.setup import questionnaires
from app.services.setup.invitation_tokens import new_salt, token_hash_for

Progress = Callable[[str, int, int], None]  # phase, done, total
CHUNK = 1000


class ImportRejected(InvalidInput):
    """Some rows are bad and the import is all-or-nothing: nothing was stored."""

    title = "Import rejected"

    def __init__(self, errors: list[ImportRowError]) -> None:
        rows = len({error.row for error in errors})
        super().__init__(f"{rows} row(s) cannot be imported; nothing was stored.")
        self.errors = errors


@dataclass(frozen=True, slots=True)
class _Group:
    participant_id: int
    party_id: int
    target_id: int
    target_kind: str | None
    invitation_id: int | None
    answers: dict[str, int | None]


def import_responses(
    session: Session,
    *,
    organisation_id: int,
    round_id: int,
    parsed: ParsedFile,
    mode: ImportMode,
    settings: Settings,
    progress: Progress | None = None,
) -> ImportReport:
    with unit_of_work(session):
        round_ = get_round(session, organisation_id=organisation_id, round_id=round_id)
        if round_.status == RoundStatus.DRAFT:
            raise RoundNotOpen(f"Round '{round_.label}' is a draft: open it before importing.")
        collaboration = session.get(Collaboration, round_.collaboration_id)
        assert collaboration is not None
        definition = questionnaires.definition_by_id(session, round_.questionnaire_id)
        directory = load_directory(session, round_=round_, definition=definition)
        checked, errors = check_rows(parsed.rows, directory, progress=progress)
        errors = sorted([*parsed.errors, *errors], key=lambda e: (e.row, e.column))
        if errors and mode == "all_or_nothing":
            raise ImportRejected(errors)
        groups = _groups(checked, directory)
        rules = zone_rules(collaboration)
        created = _create_invitations(session, groups, directory, settings)
        _store(session, groups, round_id, definition, rules, progress)
    return ImportReport(
        round_id=round_id,
        mode=mode,
        rows=len(parsed.rows) + len(parsed.errors),
        imported_rows=len(checked),
        responses=len(groups),
        invitations_created=created,
        errors=errors,
    )


def _groups(checked: Iterable[CheckedRow], directory: RoundDirectory) -> list[_Group]:
    answers: dict[tuple[int, int, str | None], dict[str, int | None]] = defaultdict(dict)
    for row in checked:
        answers[(row.participant_id, row.target_id, row.target_kind)][row.item_id] = row.value
    return [
        _Group(
            participant_id=participant_id,
            party_id=directory.party_of_participant[participant_id],
            target_id=target_id,
            target_kind=kind,
            invitation_id=directory.invitation_of_participant.get(participant_id),
            answers=values,
        )
        for (participant_id, target_id, kind), values in answers.items()
    ]


def _create_invitations(
    session: Session,
    groups: list[_Group],
    directory: RoundDirectory,
    settings: Settings,
) -> int:
    """Invite (as submitted) the participants who had no invitation; mark the others."""
    now = utcnow()
    missing = sorted({g.participant_id for g in groups if g.invitation_id is None})
    rows = [_invitation_row(p, directory, settings, now) for p in missing]
    made: dict[int, int] = {}
    if rows:
        result = session.execute(
            insert(Invitation).returning(col(Invitation.id), col(Invitation.participant_id)),
            rows,
        )
        made = {participant_id: invitation_id for invitation_id, participant_id in result}
    existing = sorted({g.invitation_id for g in groups if g.invitation_id is not None})
    for start in range(0, len(existing), CHUNK):
        session.execute(
            update(Invitation)
            .where(col(Invitation.id).in_(existing[start : start + CHUNK]))
            .where(col(Invitation.status) != InvitationStatus.SUBMITTED)
            .values(status=InvitationStatus.SUBMITTED, submitted_at=now, updated_at=now)
        )
    for index, group in enumerate(groups):
        if group.invitation_id is None:
            groups[index] = replace(group, invitation_id=made[group.participant_id])
    return len(rows)


def _invitation_row(
    participant_id: int,
    directory: RoundDirectory,
    settings: Settings,
    now: datetime,
) -> dict[str, object]:
    """An invitation like open_round makes, already submitted (the token opens nothing new)."""
    party_id = directory.party_of_participant[participant_id]
    targets = directory.planned[participant_id]
    salt = new_salt()
    return {
        "round_id": directory.round_id,
        "participant_id": participant_id,
        "party_id": party_id,
        "token_salt": salt,
        "token_hash": token_hash_for(settings.secret_key, salt),
        "target_party_ids": list(targets),
        "target_kinds": {str(p): kind for p, kind in targets.items() if kind is not None},
        "status": InvitationStatus.SUBMITTED,
        "submitted_at": now,
        "created_at": now,
        "updated_at": now,
    }


def _store(
    session: Session,
    groups: list[_Group],
    round_id: int,
    definition: QuestionnaireDefinition,
    rules: ZoneRules,
    progress: Progress | None,
) -> None:
    now = utcnow()
    total = len(groups)
    for start in range(0, total, CHUNK):
        rows = [
            _response_row(g, round_id, definition, rules, now)
            for g in groups[start : start + CHUNK]
        ]
        session.execute(insert(Response), rows)
        if progress:
            progress("store", min(start + CHUNK, total), total)


def _response_row(
    group: _Group,
    round_id: int,
    definition: QuestionnaireDefinition,
    rules: ZoneRules,
    now: datetime,
) -> dict[str, object]:
    # Scored on the items asked about the target's kind, as a submission through a link is.
    scores = score_response(definition, group.answers, target_kind=group.target_kind)
    zone = classify(scores.propensity, scores.analysis, rules)
    return {
        "invitation_id": group.invitation_id,
        "round_id": round_id,
        "participant_id": group.participant_id,
        "truster_party_id": group.party_id,
        "target_party_id": group.target_id,
        "answers": group.answers,
        "scores": dict(scores.scales),
        "propensity": scores.propensity,
        "analysis": scores.analysis,
        "zone": zone.value if zone else None,
        "submitted_at": now,
        "created_at": now,
        "updated_at": now,
    }


def organisation_of_round(session: Session, *, round_id: int) -> int:
    """For the CLI, which acts for whichever organisation owns the round."""
    round_ = session.get(Round, round_id)
    collaboration = session.get(Collaboration, round_.collaboration_id) if round_ else None
    if collaboration is None:
        raise NotFound(f"No round {round_id}.")
    return collaboration.organisation_id
