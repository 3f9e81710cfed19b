"""Figures against targets: printed as they come, appended to bench/RESULTS.md as one table."""

import os
import platform
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench.server import REPO_ROOT

RESULTS_PATH = REPO_ROOT / "bench" / "RESULTS.md"


@dataclass(frozen=True, slots=True)
class Figure:
    scenario: str
    name: str
    value: float | str
    unit: str = ""
    target: str = ""
    met: bool | None = None  # None: no target, or reported only

    def row(self) -> str:
        value = f"{self.value:,.1f}" if isinstance(self.value, float) else str(self.value)
        verdict = {True: "met", False: "**missed**", None: ""}[self.met]
        return (
            f"| {self.scenario} | {self.name} | {value} {self.unit}".rstrip()
            + f" | {self.target} | {verdict} |"
        )


def _commit() -> str:
    try:
        found = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "app", "bench"],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return f"{found}+local changes" if dirty else found


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def heading(title: str, database: str) -> str:
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"## {now} · {title} · {database}\n\n"
        f"commit {_commit()} · {os.cpu_count()} cores ({_cpu_model()}) ·"
        f" Python {platform.python_version()} · server `trustmeter serve --workers 2`,"
        " load generator on the same machine\n"
    )


def render(title: str, database: str, figures: list[Figure], notes: list[str]) -> str:
    lines = [
        heading(title, database),
        "| scenario | figure | value | target | |",
        "|---|---|---|---|---|",
    ]
    lines += [figure.row() for figure in figures]
    if notes:
        lines.append("")
        lines += [f"- {note}" for note in notes]
    return "\n".join(lines) + "\n"


def record(
    title: str,
    database: str,
    figures: list[Figure],
    notes: list[str],
    *,
    path: Path | None = RESULTS_PATH,
) -> str:
    """Print the table and append it to the results file (unless `path` is None)."""
    text = render(title, database, figures, notes)
    print("\n" + text)
    if path is not None:
        new_file = not path.exists()
        with path.open("a") as handle:
            if new_file:
                handle.write(
                    "# Benchmark results\n\nAppended by `python -m bench.run_all`;"
                    " see bench/README.md.\n"
                )
            handle.write("\n" + text)
    return text
