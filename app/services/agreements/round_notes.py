"""The coach's own notes on a round: read and written only here, never shared with partners."""

from sqlmodel import Session, select

from app.errors import FieldProblem, InvalidInput
from app.infra.unit_of_work import unit_of_work
from app.models import RoundNote
from app.models.base import refuse_invisible_characters
from app.services.access.lookups import get_round

MAX_NOTE_LENGTH = 20_000
CONTROL_CHARACTERS = "note.control_characters"


def get_round_note(session: Session, *, organisation_id: int, round_id: int) -> str:
    """The note's text; empty when the coach wrote none."""
    get_round(session, organisation_id=organisation_id, round_id=round_id)
    note = session.exec(select(RoundNote).where(RoundNote.round_id == round_id)).first()
    return note.body if note is not None else ""


def save_round_note(session: Session, *, organisation_id: int, round_id: int, body: str) -> str:
    """Replace the note; an empty text removes it."""
    text = body.strip()
    if len(text) > MAX_NOTE_LENGTH:
        problem = FieldProblem("body", f"is longer than {MAX_NOTE_LENGTH} characters")
        raise InvalidInput("The note is too long; nothing was saved.", problems=[problem])
    refuse_invisible_characters(text, field="body", code=CONTROL_CHARACTERS)
    with unit_of_work(session):
        get_round(session, organisation_id=organisation_id, round_id=round_id)
        note = session.exec(select(RoundNote).where(RoundNote.round_id == round_id)).first()
        if not text:
            if note is not None:
                session.delete(note)
            return ""
        note = note or RoundNote(round_id=round_id)
        note.body = text
        session.add(note)
    return text
