"""Shared column types and helpers for all tables: aware UTC timestamps, JSON, naming convention."""

import re
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, StrictStr, model_validator
from pydantic import Field as PydField
from pydantic_core import PydanticCustomError
from sqlalchemy import JSON, DateTime, MetaData, TypeDecorator
from sqlalchemy import Enum as SAEnum
from sqlalchemy.engine import Dialect
from sqlmodel import Field, SQLModel

from app.errors import FieldProblem, InvalidInput

# Stable constraint names make migrations reproducible on SQLite and PostgreSQL alike.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata: MetaData = SQLModel.metadata


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that is always timezone-aware UTC in Python, whatever the database stores."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; Trustmeter stores aware UTC timestamps")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def timestamp(
    *,
    nullable: bool = False,
    index: bool = False,
    default_now: bool = False,
    on_update: bool = False,
) -> Any:
    """A UTCDateTime column; `default_now` fills it at insert, `on_update` at every update."""
    return Field(
        default_factory=utcnow if default_now else lambda: None,
        sa_type=UTCDateTime,
        nullable=nullable,
        index=index,
        sa_column_kwargs={"onupdate": utcnow} if on_update else {},
    )


def json_field(*, default_factory: Any = dict) -> Any:
    return Field(default_factory=default_factory, sa_type=JSON, nullable=False)


class Timestamped(SQLModel):
    """Adds created_at/updated_at to a table."""

    created_at: datetime = timestamp(default_now=True)
    updated_at: datetime = timestamp(default_now=True, on_update=True)


def enum_field(enum_cls: type[StrEnum], default: Any = None) -> Any:
    """Store a StrEnum by value as a plain string column (portable, migration-friendly)."""
    sa_enum = SAEnum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=32,
        values_callable=lambda members: [member.value for member in members],
    )
    if default is None:
        return Field(sa_type=sa_enum, nullable=False)
    return Field(default=default, sa_type=sa_enum, nullable=False)


def _integral(value: Any) -> Any:
    """5.0 -> 5, everywhere in a JSON value: JSON has one number type, and JSON Schema counts
    5.0 as an integer. Float fields take ints anyway; 5.5, "5" and true stay refused."""
    kind = type(value)
    if kind is float:
        return int(value) if value.is_integer() else value
    # Only floats and containers can change: other items are not visited (a body of a
    # thousand answers is mostly strings and ints, and this runs on every request).
    if kind is dict:
        return {
            key: _integral(item) if type(item) in _CHANGEABLE else item
            for key, item in value.items()
        }
    if kind is list:
        return [_integral(item) if type(item) in _CHANGEABLE else item for item in value]
    return value


_CHANGEABLE = frozenset({float, dict, list})


class StrictFields(BaseModel):
    """Unknown fields are refused, nothing is silently coerced: for items inside a body.

    A plain pydantic model, not SQLModel: bodies are never tables, and SQLModel's own
    `__init__` made validating a submission of 36 answers several times slower.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class StrictInput(StrictFields):
    """Base for request bodies: strict fields, and JSON's integral floats (5.0) read as ints.

    The conversion walks the whole body once, items included, so the models of those items
    derive from StrictFields and do not walk their part again.
    """

    @model_validator(mode="before")
    @classmethod
    def _json_numbers(cls, data: Any) -> Any:
        try:
            return _integral(data)
        except RecursionError:
            raise PydanticCustomError("too_deep", "the body is nested too deeply") from None


# Control characters (C0, DEL, C1) and Unicode line/paragraph separators: invisible, they break
# e-mail headers, CSV rows and spreadsheet files. A name is one line; a text may break lines.
LINE_PATTERN = "^[^\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029]*$"
TEXT_PATTERN = "^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f\\u2028\\u2029]*$"
_NOT_IN_LINE = re.compile("[\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029]")
_NOT_IN_TEXT = re.compile("[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f\\u2028\\u2029]")


def has_control_characters(value: str, *, multiline: bool = False) -> bool:
    """True when `value` holds a character a name (or, multiline, a text) must not hold."""
    return bool((_NOT_IN_TEXT if multiline else _NOT_IN_LINE).search(value))


def refuse_invisible_characters(note: str, *, field: str, code: str) -> None:
    """A coach's note may break lines; any other control character would break the exports
    and documents it ends up in: InvalidInput naming `field`, with `code` for the page."""
    if has_control_characters(note, multiline=True):
        raise InvalidInput(
            "The note holds an invisible control character; nothing was saved.",
            problems=[FieldProblem(field, "contains a control character other than a line break")],
            code=code,
        )


def _single_line(value: str) -> str:
    if has_control_characters(value):
        raise PydanticCustomError(
            "control_characters", "must be one line, without line breaks or control characters"
        )
    return value


def _text(value: str) -> str:
    if has_control_characters(value, multiline=True):
        raise PydanticCustomError("control_characters", "must not contain control characters")
    return value


# Names, labels, references: one line of visible text (the pattern documents the rule).
Line = Annotated[
    StrictStr, AfterValidator(_single_line), PydField(json_schema_extra={"pattern": LINE_PATTERN})
]
# Descriptions: line breaks and tabs allowed, other control characters not.
Text = Annotated[
    StrictStr, AfterValidator(_text), PydField(json_schema_extra={"pattern": TEXT_PATTERN})
]
