"""Interface languages for pages: choosing one, translating (Babel catalogues), dates, numbers."""

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date as babel_format_date
from babel.dates import format_time as babel_format_time
from babel.support import NullTranslations

from app.infra.messages import DEFAULT_LANGUAGE as DEFAULT_LANGUAGE
from app.infra.messages import LANGUAGES as LANGUAGES
from app.infra.messages import N_ as N_
from app.infra.numbers import format_decimal as format_decimal
from app.infra.translations import translations_for

LANGUAGE_NAMES = {"nl": "Nederlands", "en": "English"}
# Trustmeter serves Dutch collaborations: dates are shown on the clock people live by there.
DISPLAY_TIMEZONE = ZoneInfo("Europe/Amsterdam")


def normalise_language(value: str | None) -> str | None:
    """`nl`, `en` or None for anything else ("en-GB" counts as English)."""
    if not value:
        return None
    primary = value.strip().lower().replace("_", "-").split("-")[0]
    return primary if primary in LANGUAGES else None


def negotiate(accept_language: str | None) -> str:
    """The best of our languages for an Accept-Language header; the default when none fits."""
    choices: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.partition(";")
        language = normalise_language(tag)
        if language is None:
            continue
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        choices.append((-quality, position, language))
    usable = [choice for choice in sorted(choices) if choice[0] < 0]
    return usable[0][2] if usable else DEFAULT_LANGUAGE


def translations(language: str) -> NullTranslations:
    """The catalogues for a language (every domain merged, compiled in memory from .po)."""
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language {language!r}")
    return translations_for(language)


def gettext(language: str, message: str, **variables: object) -> str:
    """Translate a message and fill in `%(name)s` placeholders (plain text, not markup)."""
    text = translations(language).gettext(message)
    return text % variables if variables else text


def ngettext(language: str, singular: str, plural: str, n: int, **variables: object) -> str:
    text = translations(language).ngettext(singular, plural, n)
    return text % {"num": n, **variables}


def format_datetime(value: datetime, language: str) -> str:
    """A moment on Dutch clocks, e.g. "22 november 2026, 17:00" / "November 22, 2026, 5:00 PM"."""
    local = value.astimezone(DISPLAY_TIMEZONE)
    day = babel_format_date(local, format="long", locale=language)
    return f"{day}, {babel_format_time(local, format='short', locale=language)}"


def format_date(value: datetime, language: str, *, format: str = "long") -> str:
    return babel_format_date(value.astimezone(DISPLAY_TIMEZONE), format=format, locale=language)
