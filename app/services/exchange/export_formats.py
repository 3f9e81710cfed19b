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
    | {"response_rate", "ci_low", "ci_high", "change", "change_ci_low", "change_ci_high"}
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
    value_labels: dict[str, dict[Any, str]] = field(default_factory=dict)
    language: str = "en"
    # Words for the codes of text columns (scale keys, levels), shown in a labelled CSV only:
    # SPSS keeps value labels for numeric variables, and a program reading the plain CSV wants
    # the codes.
    text_labels: dict[str, dict[str, str]] = field(default_factory=dict)


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
    value_labels: dict[str, dict[Any, str]] = {"round_number": _round_labels(rows)}
    if definitions:
        anchors = definitions[-1].anchors
        value_labels["value"] = {a.value: a.label.get(language) for a in anchors}
    text_labels = {"scale": _scale_titles(definitions, language)}
    return Table(
        INDIVIDUAL_COLUMNS,
        rows,
        _labels(INDIVIDUAL_COLUMNS, language),
        value_labels,
        language,
        text_labels,
    )


def aggregate(
    rows: list[dict[str, Any]], language: str, definitions: list[QuestionnaireDefinition]
) -> Table:
    value_labels: dict[str, dict[Any, str]] = {
        "round_number": _round_labels(rows),
        "suppressed": dict(SUPPRESSED_LABELS.get(language, SUPPRESSED_LABELS["en"])),
    }
    text_labels = {
        "scale": _scale_titles(definitions, language),
        "level": LEVELS.get(language, LEVELS["en"]),
    }
    return Table(
        AGGREGATE_COLUMNS,
        rows,
        _labels(AGGREGATE_COLUMNS, language),
        value_labels,
        language,
        text_labels,
    )


def _scale_titles(definitions: list[QuestionnaireDefinition], language: str) -> dict[str, str]:
    """A scale's name as the dashboard gives it ("Bereidheid om te vertrouwen", not the key)."""
    return {s.key: s.title.get(language) for d in definitions for s in d.scales}


def _round_labels(rows: list[dict[str, Any]]) -> dict[int | float, str]:
    return {row["round_number"]: row["round"] for row in rows}


@dataclass(frozen=True, slots=True)
class CsvStyle:
    """How a CSV is written: `labelled` puts the column labels and value labels in the
    export's language instead of the variable names and codes; `bom` lets Excel see UTF-8."""

    delimiter: str = ","
    bom: bool = False
    labelled: bool = False


# Excel set to Dutch splits columns on ";" (the comma is its decimal separator).
EXCEL = {"nl": CsvStyle(";", bom=True, labelled=True), "en": CsvStyle(",", bom=True, labelled=True)}
# Columns whose codes a labelled CSV shows as their label (the rest keep their numbers).
LABELLED_VALUES = frozenset({"suppressed", "phase"})
LEVELS = {"nl": {"scale": "schaal", "item": "item"}, "en": {"scale": "scale", "item": "item"}}
PHASES = {
    "nl": {
        "preparation": "voorbereiding",
        "tender": "aanbesteding",
        "execution": "uitvoering",
        "evaluation": "evaluatie",
        "other": "anders",
    },
    "en": {p: p for p in ("preparation", "tender", "execution", "evaluation", "other")},
}


def csv_style_for(language: str | None, delimiter: str | None) -> CsvStyle:
    """Neither given: the plain CSV for programs. Else a labelled CSV with BOM for people; its
    delimiter follows the language (";" for Dutch) unless named."""
    if language is None and delimiter is None:
        return CsvStyle()
    chosen = EXCEL.get(language or "en", EXCEL["en"])
    if delimiter is not None:
        chosen = CsvStyle(";" if delimiter == "semicolon" else ",", bom=True, labelled=True)
    return chosen


def write(table: Table, format: str, *, csv_style: CsvStyle | None = None) -> tuple[bytes, str]:
    if format == "csv":
        return _csv(table, csv_style or CsvStyle()), MEDIA_TYPES["csv"]
    writers = {"xlsx": _xlsx, "sav": _sav}
    return writers[format](table), MEDIA_TYPES[format]


def _csv(table: Table, style: CsvStyle) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=style.delimiter, lineterminator="\r\n")
    header = [table.labels[c] for c in table.columns] if style.labelled else table.columns
    writer.writerow([safe_cell(name) for name in header])
    for row in table.rows:
        writer.writerow([_cell(table, c, row[c], style.labelled) for c in table.columns])
    return ("\ufeff" if style.bom else "").encode() + buffer.getvalue().encode("utf-8")


def _cell(table: Table, column: str, value: Any, labelled: bool) -> Any:
    if value is None:
        return ""
    value = safe_cell(value)
    if labelled and column == "phase":  # a text column: SPSS keeps no labels for it
        return safe_cell(PHASES.get(table.language, PHASES["en"]).get(value, value))
    if labelled and column in table.text_labels:
        return safe_cell(table.text_labels[column].get(value, value))
    if labelled and column in LABELLED_VALUES:
        return safe_cell(table.value_labels.get(column, {}).get(value, value))
    if labelled and isinstance(value, float):
        return _decimal(value, table.language)
    return value


def _decimal(value: float, language: str) -> str:
    """Dutch spreadsheets read 58,3; English ones 58.3."""
    text = f"{value:.6g}" if abs(value) < 1e15 else repr(value)
    return text.replace(".", ",") if language == "nl" else text


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
