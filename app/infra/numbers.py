"""Numbers in the reader's language (1.234,5 in Dutch, 1,234.5 in English), fast.

A dashboard formats thousands of numbers per view; Babel's `format_decimal` parses its
pattern and looks up the locale on every call, so both are parsed once here.
"""

from functools import lru_cache

from babel import Locale
from babel.numbers import NumberPattern, parse_pattern


def format_decimal(value: float, language: str, *, digits: int = 1) -> str:
    """`value` with `digits` decimals and grouped thousands, as `language` writes it."""
    pattern, locale = _number_format(language, digits)
    return pattern.apply(value, locale)


@lru_cache(maxsize=32)
def _number_format(language: str, digits: int) -> tuple[NumberPattern, Locale]:
    return parse_pattern("#,##0" + ("." + "0" * digits if digits else "")), Locale.parse(language)
