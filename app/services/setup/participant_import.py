"""Adding many participants at once from CSV (name, e-mail, party): all rows or none."""

import csv
import io
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from sqlmodel import Session, select

from app.errors import FieldProblem, InvalidInput
from app.infra.unit_of_work import unit_of_work
from app.models import Participant, Party
from app.models.base import has_control_characters
from app.services.access.lookups import get_collaboration
from app.services.setup.coach import emails_in
from app.services.setup.collaborations import new_pseudonym

MAX_ROWS = 5000
HEADERS = {
    "name": ("name", "naam", "full name", "volledige naam"),
    "email": ("email", "e-mail", "e-mailadres", "email address", "e-mail address", "mail"),
    "party": ("party", "partij", "organisation", "organisatie", "organization"),
}


@dataclass(frozen=True, slots=True)
class RowProblem:
    """What is wrong with one line: `kind` names the rule, `value` the offending text."""

    line: int
    kind: str  # party_missing, unknown_party, no_name_or_email, bad_email, duplicate_email,
    # name_too_long
    value: str = ""


class ImportRefused(InvalidInput):
    def __init__(self, problems: list[RowProblem]) -> None:
        super().__init__(
            f"{len(problems)} problem(s) in the list; nothing was added.",
            problems=[FieldProblem(f"line {p.line}", p.kind) for p in problems],
        )
        self.rows = problems


@dataclass(frozen=True, slots=True)
class Row:
    line: int
    name: str | None
    email: str | None
    party: str


def parse_csv(text: str) -> list[Row]:
    """Rows of name, e-mail, party; a header row is recognised (Dutch or English), and a
    semicolon works as well as a comma (spreadsheets in Dutch use it)."""
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise InvalidInput("The list is empty.", problems=[FieldProblem("csv", "empty")])
    first_line = text.splitlines()[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    records = [r for r in csv.reader(io.StringIO(text), delimiter=delimiter)]
    columns = _columns(records[0])
    start = 1 if columns is not None else 0
    columns = columns or {"name": 0, "email": 1, "party": 2}
    rows = []
    for number, record in enumerate(records[start:], start=start + 1):
        if not any(cell.strip() for cell in record):
            continue
        cells = {key: _cell(record, index) for key, index in columns.items()}
        rows.append(Row(number, cells["name"], cells["email"], cells["party"] or ""))
    if len(rows) > MAX_ROWS:
        raise InvalidInput(
            f"At most {MAX_ROWS} rows at a time.", problems=[FieldProblem("csv", "too many rows")]
        )
    return rows


def _columns(header: list[str]) -> dict[str, int] | None:
    names = [cell.strip().lower() for cell in header]
    found = {
        key: next((i for i, name in enumerate(names) if name in aliases), -1)
        for key, aliases in HEADERS.items()
    }
    if found["party"] < 0 or (found["name"] < 0 and found["email"] < 0):
        return None
    return found


def _cell(record: list[str], index: int) -> str | None:
    if index < 0 or index >= len(record):
        return None
    return record[index].strip() or None


def import_participants(
    session: Session, *, organisation_id: int, collaboration_id: int, text: str
) -> int:
    """Add every row, or none: any problem is reported per line and nothing is stored."""
    rows = parse_csv(text)
    with unit_of_work(session):
        get_collaboration(
            session, organisation_id=organisation_id, collaboration_id=collaboration_id
        )
        parties = {
            party.name.strip().lower(): party
            for party in session.exec(
                select(Party).where(Party.collaboration_id == collaboration_id)
            )
        }
        problems = _problems(rows, parties, emails_in(session, collaboration_id))
        if problems:
            raise ImportRefused(problems)
        for row in rows:
            party = parties[row.party.lower()]
            assert party.id is not None
            session.add(
                Participant(
                    party_id=party.id,
                    pseudonym=new_pseudonym(),
                    name=row.name,
                    email=_normalised(row.email) if row.email else None,
                )
            )
    return len(rows)


def _problems(rows: list[Row], parties: dict[str, Party], known: set[str]) -> list[RowProblem]:
    problems = []
    seen: set[str] = set()
    for row in rows:
        if not row.party:
            problems.append(RowProblem(row.line, "party_missing"))
        elif row.party.lower() not in parties:
            problems.append(RowProblem(row.line, "unknown_party", row.party))
        if not row.name and not row.email:
            problems.append(RowProblem(row.line, "no_name_or_email"))
        if row.name and len(row.name) > 200:
            problems.append(RowProblem(row.line, "name_too_long"))
        if any(has_control_characters(cell or "") for cell in (row.name, row.email, row.party)):
            problems.append(RowProblem(row.line, "control_characters"))
        if row.email:
            email = _normalised(row.email)
            if email is None:
                problems.append(RowProblem(row.line, "bad_email", row.email))
            elif email in known or email in seen:
                problems.append(RowProblem(row.line, "duplicate_email", email))
            else:
                seen.add(email)
    return problems


def _normalised(email: str) -> str | None:
    try:
        return validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        return None
