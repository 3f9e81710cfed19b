"""`trustmeter import`: load a CSV or JSON file of answers into a round, showing progress."""

from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlmodel import Session

from app.config import Settings
from app.models.imports import ImportMode, ImportReport, ImportRowError
from app.services.exchange import import_rows, imports

PHASES = {"check": "Checking rows", "store": "Storing responses"}
ERRORS_SHOWN = 50


def run_import(
    session: Session,
    *,
    round_id: int,
    path: Path,
    mode: ImportMode,
    settings: Settings,
    console: Console,
) -> ImportReport:
    """Parse `path` (JSON by its extension, else CSV) and import it with a progress display."""
    data = path.read_bytes()
    parsed = (
        import_rows.parse_json(data)
        if path.suffix.lower() == ".json"
        else import_rows.parse_csv(data)
    )
    organisation_id = imports.organisation_of_round(session, round_id=round_id)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=False) as progress:
        tasks = {phase: progress.add_task(label, total=None) for phase, label in PHASES.items()}

        def report(phase: str, done: int, total: int) -> None:
            progress.update(tasks[phase], completed=done, total=total)

        return imports.import_responses(
            session,
            organisation_id=organisation_id,
            round_id=round_id,
            parsed=parsed,
            mode=mode,
            settings=settings,
            progress=report,
        )


def print_report(report: ImportReport) -> None:
    typer.echo(
        f"Imported {report.imported_rows} of {report.rows} answer(s) into round"
        f" {report.round_id}: {report.responses} response(s),"
        f" {report.invitations_created} new invitation(s)."
    )
    if report.errors:
        print_errors(report.errors, heading="Rows not imported:")


def print_errors(errors: list[ImportRowError], *, heading: str) -> None:
    typer.echo(heading, err=True)
    for error in errors[:ERRORS_SHOWN]:
        column = f" {error.column}:" if error.column else ""
        typer.echo(f"  row {error.row}:{column} {error.reason}", err=True)
    if len(errors) > ERRORS_SHOWN:
        typer.echo(f"  … and {len(errors) - ERRORS_SHOWN} more.", err=True)
