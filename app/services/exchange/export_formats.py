"""Export tables and their files: CSV, Excel (.xlsx) and SPSS (.sav) with variable/value labels.

Every cell of every export passes `safe_cell`: text a spreadsheet would run as a formula gets a
quote in front, and control characters a file format cannot hold are replaced, so whatever a
name or label holds, the file is written and opens as plain text.
"""

import csv
import io
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.scoring import QuestionnaireDefinition

MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "sav": "application/x-spss-sav",
}

# Variable labels, Dutch and English: what each column means.
LABELS: dict[str, tuple[str, str]] = {
    "round_number": ("Meetronde (volgnummer)", "Round (sequence number)"),
    "round_id": ("Meetronde-id", "Round id"),
    "round": ("Meetronde", "Round"),
    "phase": ("Fase van de samenwerking", "Phase of the collaboration"),
    "party_id": ("Partij-id (vertrouwensgever)", "Party id (truster)"),
    "party": ("Partij (vertrouwensgever)", "Party (truster)"),
    "participant": ("Deelnemer (pseudoniem)", "Participant (pseudonym)"),
    "target_party_id": ("Beoordeelde partij-id", "Target party id"),
    "target": ("Beoordeelde partij", "Target party"),
    "level": ("Niveau: schaal of item", "Level: scale or item"),
    "item": ("Item", "Item"),
    "scale": ("Schaal", "Scale"),
    "value": ("Antwoord", "Answer"),
    "value_label": ("Antwoord (label)", "Answer (label)"),
    "n": ("Aantal respondenten", "Respondents"),
    "mean": (
        "Gemiddelde (schalen 0-100, items zoals beantwoord)",
        "Mean (scales 0-100, items as answered)",
    ),
    "suppressed": (
        "Niet getoond (minder dan k respondenten of ter bescherming van een kleine groep)",
        "Not shown (fewer than k respondents, or withheld to protect a small group)",
    ),
}
ROUND_COLUMNS = ["round_number", "round_id", "round", "phase"]
PAIR_COLUMNS = ["party_id", "party", "target_party_id", "target"]
INDIVIDUAL_COLUMNS = [
    *ROUND_COLUMNS,
    "party_id",
    "party",
    "participant",
    "target_party_id",
    "target",
    "item",
    "scale",
    "value",
    "value_label",
]
AGGREGATE_COLUMNS = [
    *ROUND_COLUMNS,
    *PAIR_COLUMNS,
    "level",
    "item",
    "scale",
    "n",
    "mean",
    "suppressed",
]
NUMERIC = frozenset(
    {"round_number", "round_id", "party_id", "target_party_id", "value", "n", "mean", "suppressed"}
)
SUPPRESSED_LABELS: dict[str, dict[int | float, str]] = {
    "nl": {0: "getoond", 1: "niet getoond"},
    "en": {0: "shown", 1: "not shown"},
}


# Spreadsheets (Excel, LibreOffice, Google Sheets) run a cell that starts like a formula, also
# after leading blanks and in the full-width forms some of them fold to ASCII.
FORMULA_STARTS = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")
# What XML 1.0 (so .xlsx) cannot hold: C0 controls except tab, line feed and carriage return.
UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
REPLACEMENT = "\ufffd"


@dataclass(frozen=True, slots=True)
class Table:
    columns: list[str]
    rows: list[dict[str, Any]]
    labels: dict[str, str]
    value_labels: dict[str, dict[int | float, str]] = field(default_factory=dict)


def safe_cell(value: Any) -> Any:
    """A cell every export format writes as inert data: numbers as they are, text neutralised."""
    if isinstance(value, bool):
        return int(value)
    if not isinstance(value, str):
        return value
    text = UNWRITABLE.sub(REPLACEMENT, value)
    stripped = text.lstrip(" \u00a0\u3000")
    if stripped[:1] in FORMULA_STARTS:
        return "'" + text
    return text


def plain_table(columns: list[str], rows: list[dict[str, Any]]) -> Table:
    """A table without variable labels (a mail merge list): the labels are the column names."""
    return Table(columns, rows, {c: c for c in columns})


def _labels(columns: list[str], language: str) -> dict[str, str]:
    return {c: LABELS[c][0 if language == "nl" else 1] for c in columns}


def individual(
    rows: list[dict[str, Any]], definitions: list[QuestionnaireDefinition], language: str
) -> Table:
    """Answer rows; `value` carries the anchors of the latest round's questionnaire."""
    value_labels: dict[str, dict[int | float, str]] = {"round_number": _round_labels(rows)}
    if definitions:
        anchors = definitions[-1].anchors
        value_labels["value"] = {a.value: a.label.get(language) for a in anchors}
    return Table(INDIVIDUAL_COLUMNS, rows, _labels(INDIVIDUAL_COLUMNS, language), value_labels)


def aggregate(rows: list[dict[str, Any]], language: str) -> Table:
    value_labels: dict[str, dict[int | float, str]] = {
        "round_number": _round_labels(rows),
        "suppressed": dict(SUPPRESSED_LABELS.get(language, SUPPRESSED_LABELS["en"])),
    }
    return Table(AGGREGATE_COLUMNS, rows, _labels(AGGREGATE_COLUMNS, language), value_labels)


def _round_labels(rows: list[dict[str, Any]]) -> dict[int | float, str]:
    return {row["round_number"]: row["round"] for row in rows}


def write(table: Table, format: str) -> tuple[bytes, str]:
    writers = {"csv": _csv, "xlsx": _xlsx, "sav": _sav}
    return writers[format](table), MEDIA_TYPES[format]


def _csv(table: Table) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(c) for c in table.columns])
    for row in table.rows:
        writer.writerow(["" if row[c] is None else safe_cell(row[c]) for c in table.columns])
    return buffer.getvalue().encode("utf-8")


def _xlsx(table: Table) -> bytes:
    # The file libraries load on first use: ~70 MB that every web worker would carry.
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    data = workbook.create_sheet("data")
    data.append(_xlsx_row(data, table.columns))
    for row in table.rows:
        data.append(_xlsx_row(data, [row[c] for c in table.columns]))
    labels = workbook.create_sheet("labels")
    labels.append(["variable", "label", "value", "value label"])
    for column in table.columns:
        labels.append(_xlsx_row(labels, [column, table.labels[column], None, None]))
        for value, label in table.value_labels.get(column, {}).items():
            labels.append(_xlsx_row(labels, [column, None, value, label]))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_row(sheet: Any, values: list[Any]) -> list[Any]:
    from openpyxl.cell import WriteOnlyCell

    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=safe_cell(value))
        if isinstance(cell.value, str):
            # openpyxl turns any text starting with "=" into a formula; text stays text here.
            cell.data_type = "s"
        cells.append(cell)
    return cells


def _sav(table: Table) -> bytes:
    import pandas as pd
    import pyreadstat

    frame = pd.DataFrame(
        [[safe_cell(row[c]) for c in table.columns] for row in table.rows], columns=table.columns
    )
    for column in table.columns:
        if column in NUMERIC:
            frame[column] = pd.to_numeric(frame[column]).astype(float)
        else:
            frame[column] = frame[column].fillna("").astype(str)
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "export.sav"
        pyreadstat.write_sav(
            frame,
            str(path),
            column_labels=dict[str, str | None](table.labels),
            variable_value_labels={
                column: {value: safe_cell(label) for value, label in labels.items()}
                for column, labels in table.value_labels.items()
            },
        )
        return path.read_bytes()
