"""A newcomer's first hour: the settings the README documents, `serve`'s options, the logs,
`/`, and a fresh clone whose `make run` install holds no test tools."""

import logging
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from app.cli import app as cli
from app.config import Settings
from app.logging import configure_logging
from tests.conftest import TEST_SECRET_KEY

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
TEST_TOOLS = ("pytest", "playwright", "hypothesis", "ruff", "mypy", "schemathesis", "locust")
INSTALL_SECONDS = 900  # a bound, not a timing assertion: a cold pip cache downloads ~60 MB


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_every_setting_is_documented_in_the_readme(name: str) -> None:
    assert f"`TRUSTMETER_{name.upper()}`" in README


def test_the_readme_gives_the_address_make_run_serves() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert "HOST ?= 127.0.0.1" in makefile and "PORT ?= 8000" in makefile
    assert "--host $(HOST) --port $(PORT)" in makefile
    assert "http://127.0.0.1:8000" in README and "PORT=8080 make run" in README


def test_serve_passes_host_port_and_log_level_on(monkeypatch: pytest.MonkeyPatch) -> None:
    captured: dict[str, Any] = {}

    def fake_serve(options: dict[str, Any], *, workers: int) -> None:
        captured.update(options, workers=workers)

    monkeypatch.setattr("app.serving.serve", fake_serve)
    monkeypatch.setattr("app.cli._migrate", lambda settings: None)
    monkeypatch.setenv("TRUSTMETER_LOG_LEVEL", "warning")
    result = CliRunner().invoke(cli, ["serve", "--host", "127.0.0.2", "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert (captured["host"], captured["port"], captured["log_level"]) == (
        "127.0.0.2",
        8123,
        "warning",
    )
    assert "http://127.0.0.2:8123" in result.output


def _log_line(settings: Settings, capsys: pytest.CaptureFixture[str]) -> str:
    configure_logging(settings)
    logging.getLogger("trustmeter.access").info(
        "request",
        extra={"method": "GET", "path": "/s/abcdefghijklmnop", "status": 200, "duration_ms": 3.2},
    )
    return capsys.readouterr().err.strip().splitlines()[-1]


def test_development_logs_are_readable_lines_without_tokens(
    capsys: pytest.CaptureFixture[str],
) -> None:
    line = _log_line(Settings(environment="development"), capsys)
    assert re.fullmatch(r"\d\d:\d\d:\d\d INFO +GET /s/\[redacted\] 200 3\.2 ms", line), line


def test_json_stays_the_default_outside_development(capsys: pytest.CaptureFixture[str]) -> None:
    production = Settings(environment="production", secret_key=TEST_SECRET_KEY)
    assert production.json_logs and not Settings(environment="development").json_logs
    line = _log_line(production, capsys)
    assert line.startswith("{") and '"path": "/s/[redacted]"' in line


@pytest.mark.parametrize(("signed_in", "target"), [(False, "/login"), (True, "/coach")])
def test_the_root_sends_coaches_to_their_collaborations_and_others_to_sign_in(
    client: TestClient, session: Any, signed_in: bool, target: str
) -> None:
    if signed_in:
        from tests.factories import make_organisation, make_user
        from tests.web.coach.conftest import sign_in

        user = make_user(session, organisation_id=make_organisation(session))
        assert sign_in(client, user.email).status_code == 303
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == target


@pytest.mark.slow
@pytest.mark.once
def test_a_fresh_clone_installs_for_make_run_without_test_tools(tmp_path: Path) -> None:
    if shutil.which("git") is None or shutil.which("make") is None:
        pytest.fail("git and make are needed (scripts/install-system-deps.sh installs make)")
    clone = tmp_path / "trustmeter"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    environment = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    subprocess.run(
        ["make", "install-runtime", f"PYTHON={_base_python()}"],
        cwd=clone,
        env=environment,
        check=True,
        timeout=INSTALL_SECONDS,
        capture_output=True,
    )
    listed = subprocess.run(
        [str(clone / ".venv/bin/python"), "-m", "pip", "list", "--format=freeze"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.lower()
    installed = {line.split("==")[0] for line in listed.splitlines()}
    assert not installed & set(TEST_TOOLS), installed & set(TEST_TOOLS)
    assert {"trustmeter", "uvicorn", "swagger-ui-bundle-v2"} <= installed
    help_text = subprocess.run(
        [str(clone / ".venv/bin/trustmeter"), "--help"], capture_output=True, text=True, check=True
    ).stdout
    assert "serve" in help_text and "demo" in help_text


def _base_python() -> str:
    """The interpreter the project's .venv was made from (make creates a fresh venv with it)."""
    return str(
        Path(sys.base_prefix) / "bin" / f"python{sys.version_info.major}.{sys.version_info.minor}"
    )
