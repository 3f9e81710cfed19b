"""Every translation catalogue parses strictly: parallel branches append to them, and a merge
can drop a line that a lenient reader would silently skip."""

from collections import Counter
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from app.paths import LOCALE_DIR

CATALOGUES = sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po"))


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: f"{p.parts[-3]}/{p.name}")
def test_the_catalogue_parses_strictly_and_names_each_message_once(path: object) -> None:
    with open(str(path), "rb") as handle:
        read_po(handle, abort_invalid=True)
    lines = Path(str(path)).read_text(encoding="utf-8").splitlines()
    counted = Counter(line for line in lines if line.startswith("msgid ") and line != 'msgid ""')
    assert [msgid for msgid, count in counted.items() if count > 1] == []


def test_there_are_catalogues_for_both_languages() -> None:
    assert {p.parts[-3] for p in CATALOGUES} == {"nl", "en"}
