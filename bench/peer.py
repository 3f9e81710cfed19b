"""The peer, django-survey-and-report from PyPI, in a virtualenv of its own under a scratch dir.

One published survey of 10 required 7-point questions on one page, served by gunicorn with 2
sync workers on SQLite (WAL). A respondent's journey is what a browser does: GET the form,
POST it with Django's CSRF token (cookie and form field), GET the confirmation page.
"""

import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from urllib.parse import urlencode

import httpx

from bench.load import Call
from bench.server import BenchServer, answers, free_port, running_command

PACKAGES = ("django-survey-and-report==1.5.0", "gunicorn==23.0.0")
QUESTIONS = 10
SITE_DIR = Path(__file__).resolve().parent  # holds the peer_site package
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
FORM = "application/x-www-form-urlencoded"
_CONFIRM = re.compile(r"/survey/confirm/\w+/")


def ensure_virtualenv(scratch: Path) -> Path:
    """The peer's interpreter, installed once per scratch dir (pip needs a minute or two)."""
    python = scratch / "peer-venv" / "bin" / "python"
    marker = scratch / "peer-venv" / "installed.txt"
    if not marker.exists() or marker.read_text() != "\n".join(PACKAGES):
        subprocess.run([sys.executable, "-m", "venv", str(python.parents[1])], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", *PACKAGES], check=True)
        marker.write_text("\n".join(PACKAGES))
    return python


def _environment(database: Path) -> dict[str, str]:
    return {"PEER_DATABASE": str(database), "PYTHONPATH": str(SITE_DIR), "PATH": "/usr/bin:/bin"}


def seed(python: Path, database: Path) -> int:
    """A fresh database with the one survey; returns the survey's id."""
    database.unlink(missing_ok=True)
    found = subprocess.run(
        [str(python), "-m", "peer_site.seed"],
        env=_environment(database),
        capture_output=True,
        text=True,
        check=True,
    )
    return int(found.stdout.strip())


@contextmanager
def running_peer(python: Path, database: Path, *, workers: int = 2) -> Iterator[BenchServer]:
    port = free_port()
    command = [
        str(python.with_name("gunicorn")),
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--backlog",
        "2048",
        "peer_site.wsgi",
    ]
    with running_command(
        command,
        port=port,
        workers=workers,
        workdir=database.parent,
        env=_environment(database),
        ready=lambda server: (
            len(server.worker_pids()) >= workers and answers(f"{server.url}/survey/", 200)
        ),
        cwd=database.parent,
    ) as server:
        yield server


def journeys(server: BenchServer, survey_id: int, count: int) -> list[tuple[Call, ...]]:
    """`count` respondents' journeys, each with the CSRF pair a first GET hands out."""
    form_url = f"/survey/{survey_id}/"
    with httpx.Client(base_url=server.url, timeout=30) as client:
        page = client.get(form_url)
        cookie = page.cookies["csrftoken"]
        token = _CSRF.search(page.text)
        assert token is not None, "the peer's form carries no CSRF token"
        answered = client.post(
            form_url,
            content=_answers(token.group(1), 0).encode(),
            headers={"Cookie": f"csrftoken={cookie}", "Content-Type": FORM},
        )
        confirm = _CONFIRM.search(answered.headers.get("location", ""))
        assert confirm is not None, f"the peer did not store a response: {answered.status_code}"
    headers = (("Cookie", f"csrftoken={cookie}"),)
    form = (("Content-Type", FORM), *headers)
    return [
        (
            Call("GET", form_url, headers=headers),
            Call("POST", form_url, _answers(token.group(1), index).encode(), form),
            Call("GET", confirm.group(0), headers=headers),
        )
        for index in range(count)
    ]


def _answers(csrf_token: str, index: int) -> str:
    fields = [("csrfmiddlewaretoken", csrf_token)]
    fields += [(f"question_{n}", str(1 + (n + index) % 7)) for n in range(1, QUESTIONS + 1)]
    return urlencode(fields)


def stored(database: Path) -> tuple[int, int]:
    """Responses and answers in the peer's database."""
    with closing(sqlite3.connect(database)) as connection:
        responses = connection.execute("SELECT count(*) FROM survey_response").fetchone()[0]
        answer_rows = connection.execute("SELECT count(*) FROM survey_answer").fetchone()[0]
    return int(responses), int(answer_rows)
