"""`trustmeter import ROUND_ID FILE`: imports with progress, and reports refused rows plainly."""

import json
from pathlib import Path

import pytest
from sqlmodel import Session, func, select
from typer.testing import CliRunner

from app.cli import app
from app.config import Settings
from app.models import Participant, Response
from app.scoring import smart_trust_v1
from tests.conftest import TEST_SECRET_KEY
from tests.factories import OpenCollaboration, make_open_collaboration

runner = CliRunner()


@pytest.fixture
def cli_env(database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("TRUSTMETER_DATABASE_URL", database_url)
    monkeypatch.setenv("TRUSTMETER_ENVIRONMENT", "test")
    monkeypatch.setenv("TRUSTMETER_SECRET_KEY", TEST_SECRET_KEY)
    monkeypatch.setenv("TRUSTMETER_LOG_JSON", "false")
    return database_url


@pytest.fixture
def world(session: Session, settings: Settings) -> OpenCollaboration:
    opened = make_open_collaboration(session, settings=settings)
    participant = session.exec(
        select(Participant).where(Participant.party_id == opened.parties[0].id)
    ).first()
    assert participant is not None
    participant.external_ref = "paper-1"
    session.add(participant)
    session.commit()
    return opened


def _count(session: Session) -> int:
    session.rollback()
    return session.exec(select(func.count()).select_from(Response)).one()


def test_a_csv_file_is_imported_with_a_summary(
    cli_env: str, session: Session, world: OpenCollaboration, tmp_path: Path
) -> None:
    target = world.parties[1].name
    lines = [f"paper-1;{target};{item};5" for item in smart_trust_v1().item_ids]
    path = tmp_path / "paper.csv"
    path.write_text("external_ref;target_party;item_id;value\n" + "\n".join(lines) + "\n")
    result = runner.invoke(app, ["import", str(world.round.id), str(path)])
    assert result.exit_code == 0, result.output
    assert f"Imported 36 of 36 answer(s) into round {world.round.id}" in result.output
    assert "Storing responses" in result.output  # the progress display
    assert _count(session) == 1


def test_refused_rows_are_listed_and_nothing_is_stored(
    cli_env: str, session: Session, world: OpenCollaboration, tmp_path: Path
) -> None:
    path = tmp_path / "paper.json"
    answers = [{"external_ref": "paper-1", "target_party": "Nergens", "item_id": "x", "value": 9}]
    path.write_text(json.dumps({"answers": answers}))
    result = runner.invoke(app, ["import", str(world.round.id), str(path)])
    assert result.exit_code == 1
    assert "1 row(s) cannot be imported; nothing was stored." in result.output
    assert "row 0: target_party: wrong target: no party 'Nergens'" in result.output
    assert "row 0: item_id: unknown item 'x'" in result.output
    assert _count(session) == 0


def test_an_unknown_round_is_a_plain_error(cli_env: str, tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_text("external_ref;target_party;item_id;value\n")
    result = runner.invoke(app, ["import", "999", str(path)])
    assert result.exit_code == 1
    assert "Error: No round 999." in result.output
