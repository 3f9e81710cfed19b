"""The scoring core stays pure: importing it pulls in no web, database or network code."""

from __future__ import annotations

import subprocess
import sys

# Not `socket` itself: the standard library's email.utils imports it for pydantic's metadata
# lookup without opening anything. The clients that would use it are what must stay out.
FORBIDDEN = [
    "sqlalchemy",
    "sqlmodel",
    "fastapi",
    "starlette",
    "httpx",
    "jinja2",
    "urllib.request",
    "http.client",
    "requests",
    "app.models",
    "app.services",
    "app.db",
    "app.api",
    "app.web",
    "app.config",
]

# Runs in a fresh interpreter so modules other tests imported cannot hide or cause a leak.
PROBE = """
import importlib, pkgutil, sys
{extra}
import app.scoring
for info in pkgutil.walk_packages(app.scoring.__path__, "app.scoring."):
    importlib.import_module(info.name)
forbidden = {forbidden!r}
print(",".join(sorted(m for m in forbidden if m in sys.modules)))
"""


def leaked_modules(extra: str = "") -> list[str]:
    code = PROBE.format(extra=extra, forbidden=FORBIDDEN)
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    return [name for name in done.stdout.strip().split(",") if name]


def test_scoring_imports_nothing_impure() -> None:
    assert leaked_modules() == []


def test_the_probe_notices_an_impure_import() -> None:
    assert "urllib.request" in leaked_modules(extra="import urllib.request")
    assert "app.models" in leaked_modules(extra="import app.models")
