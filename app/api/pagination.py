"""Cursor pagination: the `items` / `next_cursor` envelope of every list."""

from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from app.api.deps import Page, encode_cursor

T = TypeVar("T")


class Paginated(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


def paginate(items: Sequence[Any], page: Page) -> dict[str, Any]:
    """`items` were fetched with limit+1: the extra one tells whether a next page exists."""
    visible = list(items[: page.limit])
    has_more = len(items) > page.limit
    return {
        "items": visible,
        "next_cursor": encode_cursor(visible[-1].id) if has_more and visible else None,
    }
