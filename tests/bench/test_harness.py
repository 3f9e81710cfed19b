"""The benchmark scripts still work: every scenario runs in its tiny mode and is recorded.

Nothing here looks at speed; the figures themselves belong in bench/RESULTS.md.
"""

import os
from pathlib import Path

import pytest

from bench import run_all

pytestmark = pytest.mark.slow

SCENARIO_ROWS = (
    "| 1 submit | API final submissions/s",
    "| 1 submit | HTML form submissions/s",
    "| 2 ceiling | submit / ceiling",
    "| 3 trends | GET trends p50",
    "| 3 trends | coach dashboard page p50",
    "| 4 growth |",
    "| 5 import |",
    "| 6 memory | peak RSS per worker after scenarios 1-3",
)


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> str:
    database = os.environ.get("TRUSTMETER_TEST_DATABASE", "sqlite")
    results = tmp_path_factory.mktemp("bench") / "RESULTS.md"
    assert run_all.main(["--quick", "--database", database, "--results", str(results)]) == 0
    return Path(results).read_text()


@pytest.mark.parametrize("row", SCENARIO_ROWS)
def test_every_scenario_is_measured_and_recorded(recorded: str, row: str) -> None:
    assert row in recorded


def test_nothing_is_reported_as_not_measured(recorded: str) -> None:
    assert "not measured" not in recorded


def test_every_request_of_the_tiny_run_succeeded(recorded: str) -> None:
    assert "| errors (non-2xx or failed) | 0 |" in recorded
    assert "| HTML form errors | 0 |" in recorded
    assert " 0 errors" in recorded and "error sample" not in recorded


def test_the_record_names_commit_machine_and_database(recorded: str) -> None:
    heading = recorded.split("\n## ", 1)[1]
    assert "commit " in heading and " cores " in heading
    assert os.environ.get("TRUSTMETER_TEST_DATABASE", "sqlite") in heading.splitlines()[0]
