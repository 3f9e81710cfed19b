"""The coach's Dutch catalogue: complete, and every placeholder kept."""

import re
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po
from babel.util import pathmatch

from app.paths import LOCALE_DIR

ROOT = Path(__file__).resolve().parents[3]
PLACEHOLDER = re.compile(r"%\((\w+)\)s|%%")


def _catalogue(language: str):  # type: ignore[no-untyped-def]
    with (LOCALE_DIR / language / "LC_MESSAGES" / "coach.po").open("rb") as handle:
        return read_po(handle, locale=language, domain="coach")


def test_every_coach_message_has_a_dutch_translation_with_the_same_placeholders() -> None:
    problems = []
    for message in _catalogue("nl"):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            problems.append(f"untranslated: {ids[0]}")
            continue
        expected = sorted(PLACEHOLDER.findall(ids[-1]))
        for text in strings:
            if sorted(PLACEHOLDER.findall(text)) != expected:
                problems.append(f"placeholders differ: {ids[0]}")
    assert problems == []


def test_the_catalogue_holds_every_message_the_coach_pages_use(tmp_path: Path) -> None:
    pot = tmp_path / "coach.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel-coach.cfg",
            "--no-location",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as handle:
        wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    present = {m.id if isinstance(m.id, str) else m.id[0] for m in _catalogue("nl") if m.id}
    assert len(wanted) > 200  # the extraction found the pages
    assert sorted(wanted - present) == []


def test_every_python_module_with_interface_text_is_read_by_an_extraction_config() -> None:
    # Babel's `*` needs at least one character: `charts*.py` never read charts.py, and its
    # title went untranslated. Every module that marks text must match some pattern.
    patterns = [
        match.group(1)
        for config in ("babel.cfg", "babel-coach.cfg")
        for line in (ROOT / config).read_text().splitlines()
        if (match := re.match(r"\[python: (.*)\]", line.strip()))
    ]
    marked = re.compile(r'(?<![\w.])(_|N_|gettext|ngettext)\(\s*"')
    unread = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "app").rglob("*.py"))
        if marked.search(path.read_text(encoding="utf-8"))
        and not any(pathmatch(p, str(path.relative_to(ROOT))) for p in patterns)
        and path.name != "templating.py"  # names `_(...)` only in a comment about Jinja
    ]
    assert unread == []
