"""The benchmark scripts still work: every scenario runs in its tiny mode and is recorded.

Nothing here looks at speed; the figures themselves belong in bench/RESULTS.md. One test on
purpose: the tiny run starts five servers, and split tests could run it once per xdist worker.
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


def test_every_scenario_runs_without_errors_and_is_recorded(tmp_path: Path) -> None:
    database = os.environ.get("TRUSTMETER_TEST_DATABASE", "sqlite")
    results = tmp_path / "RESULTS.md"
    assert run_all.main(["--quick", "--database", database, "--results", str(results)]) == 0
    recorded = results.read_text()
    assert [row for row in SCENARIO_ROWS if row not in recorded] == []
    assert "not measured" not in recorded
    assert "| errors (non-2xx or failed) | 0 |" in recorded
    assert "| HTML form errors | 0 |" in recorded
    assert "error sample" not in recorded and "import answered" not in recorded
    heading = recorded.split("\n## ", 1)[1].splitlines()
    assert database in heading[0]
    assert any("commit " in line and " cores " in line for line in heading)
