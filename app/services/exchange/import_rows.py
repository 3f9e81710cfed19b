"""Reading an import file (CSV or JSON) into plain rows; checking them is imports.py's job."""

import csv
import io
from collections import Counter
from dataclasses import dataclass

from pydantic import ValidationError

from app.errors import FieldProblem, InvalidInput, TrustmeterError
from app.infra import json_body
from app.models.imports import MAX_IMPORT_ROWS, ImportRequest, ImportRowError

COLUMNS = ("external_ref", "invitation_id", "target_party", "item_id", "value")
REQUIRED = ("target_party", "item_id", "value")
MAX_HEADER_CHARS = 1_000


class MalformedImport(TrustmeterError):
    title = "Malformed request"


@dataclass(frozen=True, slots=True)
class RawRow:
    """One answer as read, before anything is looked up. CSV cells are still text."""

    row: int
    external_ref: str | None
    invitation_id: int | str | None
    target_party: int | str
    item_id: str
    value: int | str | None


@dataclass(frozen=True, slots=True)
class ParsedFile:
    rows: list[RawRow]
    errors: list[ImportRowError]  # rows that could not even be read


def parse_csv(data: bytes) -> ParsedFile:
    """UTF-8 CSV, long format, `;` or `,` between fields (whichever the header uses)."""
    text = _decode(data)
    lines = io.StringIO(text, newline="")
    header_line = text[: MAX_HEADER_CHARS + 1].split("\n", 1)[0]
    if len(header_line) > MAX_HEADER_CHARS:
        # The five columns fit in far less; a longer first line is not our header (and the
        # delimiter sniffer's time grows faster than the line).
        raise _bad_file(f"The header line is longer than {MAX_HEADER_CHARS} characters.")
    reader = csv.reader(lines, delimiter=_delimiter(header_line), strict=True)
    try:
        header = [cell.strip().lower() for cell in next(reader)]
    except StopIteration:
        raise _bad_file("The file is empty; the first line must name the columns.") from None
    except csv.Error as exc:
        raise _bad_file(f"The header line cannot be read: {exc}.") from None
    _check_header(header)
    rows: list[RawRow] = []
    errors: list[ImportRowError] = []
    try:
        for cells in reader:
            number = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue  # blank line
            if len(cells) != len(header):
                message = f"expected {len(header)} fields, found {len(cells)}"
                errors.append(ImportRowError(row=number, column="", reason=message))
                continue
            rows.append(_raw_row(number, dict(zip(header, cells, strict=True))))
            if len(rows) > MAX_IMPORT_ROWS:
                raise _bad_file(f"At most {MAX_IMPORT_ROWS} answers per import.")
    except csv.Error as exc:
        raise _bad_file(f"Line {reader.line_num} cannot be read: {exc}.") from None
    return ParsedFile(rows, errors)


def _decode(data: bytes) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _bad_file("The file is not UTF-8 text; save it as CSV UTF-8.") from None
    if "\x00" in text:
        raise _bad_file("The file contains NUL characters; is it really a CSV file?")
    return text


def _delimiter(header_line: str) -> str:
    try:
        return csv.Sniffer().sniff(header_line, delimiters=";,").delimiter
    except csv.Error:
        return ";" if header_line.count(";") > header_line.count(",") else ","


def _check_header(header: list[str]) -> None:
    problems = [
        FieldProblem(f"header.{name}", "unknown column") for name in header if name not in COLUMNS
    ]
    counts = Counter(header)
    problems += [
        FieldProblem(f"header.{name}", "column appears twice")
        for name, times in counts.items()
        if times > 1
    ]
    problems += [
        FieldProblem(f"header.{name}", "column missing") for name in REQUIRED if name not in header
    ]
    if "external_ref" not in header and "invitation_id" not in header:
        problems.append(FieldProblem("header", "needs an external_ref or invitation_id column"))
    if problems:
        raise InvalidInput(
            f"The header line must name the columns {', '.join(COLUMNS)} (external_ref or"
            " invitation_id, or both).",
            problems=problems,
        )


def _raw_row(number: int, cells: dict[str, str]) -> RawRow:
    def cell(name: str) -> str | None:
        value = cells.get(name, "").strip()
        return value or None

    return RawRow(
        row=number,
        external_ref=cell("external_ref"),
        invitation_id=cell("invitation_id"),
        target_party=cell("target_party") or "",
        item_id=cell("item_id") or "",
        value=cell("value"),
    )


def parse_json(data: bytes) -> ParsedFile:
    """`{"answers": [{external_ref | invitation_id, target_party, item_id, value}, ...]}`."""
    try:
        payload = json_body.loads(data)
    except json_body.TooDeep as exc:
        raise MalformedImport(f"The request body is {exc}; answers are a flat list.") from None
    except (ValueError, UnicodeDecodeError):
        raise MalformedImport("The request body is not valid JSON.") from None
    try:
        request = ImportRequest.model_validate(payload)
    except ValidationError as exc:
        problems = [
            FieldProblem(".".join(str(part) for part in error["loc"]), error["msg"])
            for error in exc.errors()
        ]
        raise InvalidInput("The import has invalid fields.", problems=problems) from None
    rows = [
        RawRow(
            row=index,
            external_ref=answer.external_ref,
            invitation_id=answer.invitation_id,
            target_party=answer.target_party,
            item_id=answer.item_id,
            value=answer.value,
        )
        for index, answer in enumerate(request.answers)
    ]
    return ParsedFile(rows, [])


def _bad_file(message: str) -> InvalidInput:
    return InvalidInput(message, problems=[FieldProblem("body", message)])
