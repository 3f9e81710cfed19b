"""Keyset pagination shared by every list: rows after an id, changed since a time, oldest first."""

from datetime import datetime
from typing import Any, TypeVar

from sqlmodel import Session, col
from sqlmodel.sql.expression import SelectOfScalar

T = TypeVar("T")


def fetch_page(
    session: Session,
    query: SelectOfScalar[T],
    model: Any,
    *,
    after_id: int | None,
    updated_since: datetime | None,
    limit: int | None,
) -> list[T]:
    """`query` narrowed to ids after `after_id` and rows updated since `updated_since`."""
    if after_id is not None:
        query = query.where(col(model.id) > after_id)
    if updated_since is not None:
        query = query.where(col(model.updated_at) >= updated_since)
    return list(session.exec(query.order_by(col(model.id)).limit(limit)))
