"""Posted forms into validated inputs, with translated messages to show next to each field."""

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData

from app.web import i18n

M = TypeVar("M", bound=BaseModel)
Errors = dict[str, str]
Translate = Callable[[str], str]


def translator(language: str) -> Translate:
    """`_` for Python code of the coach pages (pybabel extracts `_("…")` calls)."""
    return lambda message: i18n.gettext(language, message)


def text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def optional(form: FormData, name: str) -> str | None:
    return text(form, name) or None


def checked(form: FormData, name: str) -> bool:
    return form.get(name) in ("on", "true", "1")


def number(form: FormData, name: str) -> float | int | str | None:
    """A number as typed (a comma is a decimal point in Dutch); the text itself when it is not
    one, so validation names the field instead of guessing."""
    raw = text(form, name).replace(",", ".")
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        return raw
    return int(value) if value.is_integer() else value


def local_moment(form: FormData, name: str) -> datetime | str | None:
    """A `datetime-local` field, read on Dutch clocks and stored in UTC."""
    raw = text(form, name)
    if not raw:
        return None
    try:
        naive = datetime.fromisoformat(raw)
    except ValueError:
        return raw
    if naive.tzinfo is not None:
        return naive.astimezone(UTC)
    return naive.replace(tzinfo=i18n.DISPLAY_TIMEZONE).astimezone(UTC)


def validate(model: type[M], values: Mapping[str, Any], _: Translate) -> tuple[M | None, Errors]:
    try:
        return model.model_validate(dict(values)), {}
    except ValidationError as exc:
        errors: Errors = {}
        for error in exc.errors():
            location = [str(part) for part in error["loc"]]
            field = location[0] if location else "form"
            errors.setdefault(field, _message(error, _))
        return None, errors


def _message(error: Mapping[str, Any], _: Translate) -> str:
    kind = error.get("type", "")
    context = error.get("ctx") or {}
    if kind in ("missing", "string_too_short") and context.get("min_length", 1) <= 1:
        return _("Fill this in.")
    if kind == "control_characters":
        return _("Use one line of text, without line breaks or invisible control characters.")
    if kind == "string_too_long":
        return _("Use at most %(max)s characters.") % {"max": context.get("max_length")}
    bounds = {
        "greater_than_equal": (_("Enter a number of at least %(limit)s."), "ge"),
        "greater_than": (_("Enter a number above %(limit)s."), "gt"),
        "less_than_equal": (_("Enter a number of at most %(limit)s."), "le"),
        "less_than": (_("Enter a number below %(limit)s."), "lt"),
    }
    if kind in bounds:
        template, key = bounds[kind]
        return template % {"limit": _plain_number(context.get(key))}
    if kind.startswith(("int", "float")):
        return _("Enter a whole number.") if kind.startswith("int") else _("Enter a number.")
    if kind.startswith("datetime"):
        return _("Enter a date and time.")
    if kind == "value_error" and "email" in str(error.get("msg", "")).lower():
        return _("Enter an e-mail address like name@example.org.")
    if kind in ("enum", "literal_error", "string_pattern_mismatch"):
        return _("Choose one of the options.")
    return _("This value is not valid.")


def _plain_number(value: object) -> str:
    """100.0 reads as 100; other values as they are."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
