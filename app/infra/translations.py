"""Babel message catalogues for text rendered outside a web request (e-mails, worker)."""

from functools import lru_cache
from io import BytesIO

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from app.paths import LOCALE_DIR

LANGUAGES = ("nl", "en")
DOMAINS = ("messages", "coach")


@lru_cache
def translations_for(language: str) -> NullTranslations:
    """Every domain's catalogue for `language`, merged; English source text when none exists.

    The .po files are compiled in memory, so a fresh checkout needs no compile step.
    """
    merged: Translations | None = None
    for domain in DOMAINS:
        catalogue = _load(language, domain)
        if catalogue is None:
            continue
        if merged is None:
            merged = catalogue
        else:
            merged.merge(catalogue)
    return merged if merged is not None else NullTranslations()


def _load(language: str, domain: str) -> Translations | None:
    folder = LOCALE_DIR / language / "LC_MESSAGES"
    po_file = folder / f"{domain}.po"
    if not po_file.exists():
        return None
    with po_file.open("rb") as handle:
        catalog = read_po(handle, locale=language, domain=domain)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=domain)
