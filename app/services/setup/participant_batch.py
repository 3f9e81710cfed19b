"""Adding up to 5,000 participants to a party in one go: every row, or none."""

from collections import Counter
from collections.abc import Sequence

from sqlmodel import Session, col, select

from app.errors import Conflict, FieldProblem, InvalidInput
from app.infra.unit_of_work import unit_of_work
from app.models import Participant, Party
from app.models.collaboration import ParticipantCreate
from app.services.access.lookups import get_party
from app.services.setup.collaborations import new_pseudonym


class BatchRefused(InvalidInput):
    """Rows that break a rule of the domain; the message counts them, `problems` names each."""


def add_participants(
    session: Session, *, organisation_id: int, party_id: int, rows: Sequence[ParticipantCreate]
) -> list[Participant]:
    """Add every row to the party, or none: any clash is reported per row, nothing is stored."""
    with unit_of_work(session):
        party = get_party(session, organisation_id=organisation_id, party_id=party_id)
        taken = _external_refs_in(session, party.collaboration_id, rows)
        clashes, repeats = _row_problems(rows, taken)
        if clashes or repeats:
            # Only clashes with stored participants: 409, like the single route; else 422.
            error = BatchRefused if repeats else Conflict
            raise error(
                f"{len(clashes) + len(repeats)} row(s) cannot be added; no participant was added.",
                problems=sorted(clashes + repeats, key=_row_index),
            )
        participants = [
            Participant(
                party_id=party_id,
                pseudonym=new_pseudonym(),
                name=row.name,
                email=str(row.email).lower() if row.email else None,
                external_ref=row.external_ref,
                language=row.language,
            )
            for row in rows
        ]
        session.add_all(participants)
        session.flush()  # one multi-row INSERT … RETURNING gives every id
    return participants


def _external_refs_in(
    session: Session, collaboration_id: int, rows: Sequence[ParticipantCreate]
) -> set[str]:
    """The batch's external references that the collaboration already has."""
    wanted = sorted({row.external_ref for row in rows if row.external_ref})
    taken: set[str] = set()
    for start in range(0, len(wanted), 500):  # stay under every database's parameter limit
        chunk = wanted[start : start + 500]
        taken.update(
            ref
            for ref in session.exec(
                select(Participant.external_ref)
                .join(Party)
                .where(
                    Party.collaboration_id == collaboration_id,
                    col(Participant.external_ref).in_(chunk),
                )
            )
            if ref is not None
        )
    return taken


def _row_problems(
    rows: Sequence[ParticipantCreate], taken: set[str]
) -> tuple[list[FieldProblem], list[FieldProblem]]:
    """(clashes with stored participants, references repeated within the batch)."""
    counts = Counter(row.external_ref for row in rows if row.external_ref)
    clashes, repeats = [], []
    for index, row in enumerate(rows):
        ref = row.external_ref
        field = f"participants.{index}.external_ref"
        if ref is not None and ref in taken:
            clashes.append(FieldProblem(field, f"'{ref}' already belongs to a participant"))
        elif ref is not None and counts[ref] > 1:
            repeats.append(FieldProblem(field, f"'{ref}' appears more than once in this batch"))
    return clashes, repeats


def _row_index(problem: FieldProblem) -> int:
    return int(problem.field.split(".")[1])
