"""Idempotency records: find a stored response, guard a key, store the response with its work.

Design: the guarantee is "a retried request never does the work twice, and whoever retries
gets the first answer", across app instances and crashes. There is no separate claim: the
record is written in the work's own transaction, so a process killed mid-request leaves
neither work nor record behind, and the retry simply runs.

1. Look (`find`), outside any write transaction: a stored response for the same request is
   replayed, another request with the key is refused (422).
2. Guard (`lock_key`): start the write transaction and make the key exclusive within it. On
   PostgreSQL a transaction-scoped advisory lock on (scope, key), taken without waiting: a
   duplicate while the first is running gets 409. On SQLite the unit of work already lets one
   writer in at a time, so a duplicate waits for the first to finish. Then look again: the
   first may have finished since step 1.
3. Work and store (`store`) in that one transaction, committed once by the caller. The
   unique constraint on (scope, key) stays as the last line (a writer without the guard):
   its violation is a 409. A failed use case rolls back its work and the record together.

Records are kept RETENTION; an expired key may be used again. A record without a response
can only be left by an older version that claimed keys in a transaction of their own: it
holds nothing and is replaced.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.errors import Conflict, FieldProblem, InvalidInput
from app.infra import json_body
from app.infra.unit_of_work import in_unit_of_work, is_sqlite, unit_of_work
from app.models import IdempotencyRecord, utcnow

RETENTION = timedelta(hours=24)
IN_FLIGHT = "A request with this Idempotency-Key is still being processed; retry later."


@dataclass(frozen=True, slots=True)
class StoredResponse:
    status_code: int
    body: str


def request_hash(method: str, path: str, body: bytes, *, content_type: str = "") -> str:
    """What "the same request" means: method, path and body (JSON compared by meaning)."""
    canonical = body
    if "json" in content_type:
        try:
            value = json_body.loads(body)
            canonical = json.dumps(value, sort_keys=True, separators=(",", ":")).encode()
        except (ValueError, UnicodeDecodeError):
            canonical = body  # invalid JSON is refused later; hash the bytes meanwhile
    digest = hashlib.sha256(f"{method.upper()} {path}\n".encode())
    digest.update(canonical)
    return digest.hexdigest()


def find(
    session: Session, *, scope: str, key: str, request_hash: str, now: datetime | None = None
) -> StoredResponse | None:
    """The response stored for this request, or None when the key is free.

    Raises InvalidInput when the key was used for a different request. An expired record,
    or one without a response, leaves the key free (`store` replaces it).
    """
    record = _find(session, scope, key)
    if record is None or (now or utcnow()) - record.created_at > RETENTION:
        return None
    if record.request_hash != request_hash:
        raise InvalidInput(
            "This Idempotency-Key was already used for a different request; use a new key.",
            problems=[FieldProblem("Idempotency-Key", "already used for a different request")],
        )
    if record.status_code is None or record.response_body is None:
        return None
    return StoredResponse(record.status_code, record.response_body)


def lock_key(session: Session, *, scope: str, key: str) -> None:
    """Hold `key` until the caller's unit of work ends; Conflict while another transaction
    holds it (PostgreSQL; on SQLite, writers already take turns)."""
    if not in_unit_of_work(session):
        raise RuntimeError("lock_key guards a key inside the caller's unit of work")
    if is_sqlite(session):
        return
    taken = session.execute(
        text("SELECT pg_try_advisory_xact_lock(:lock)"), {"lock": _lock_id(scope, key)}
    ).scalar_one()
    if not taken:
        raise Conflict(IN_FLIGHT)


def _lock_id(scope: str, key: str) -> int:
    """A signed 64-bit number for (scope, key); a collision only makes a duplicate wait."""
    digest = hashlib.sha256(f"idempotency\n{scope}\n{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def store(
    session: Session,
    *,
    scope: str,
    key: str,
    request_hash: str,
    status_code: int,
    body: str,
    now: datetime | None = None,
) -> None:
    """Record the response in the caller's (the work's) transaction, after `lock_key`."""
    session.execute(
        delete(IdempotencyRecord).where(
            col(IdempotencyRecord.scope) == scope, col(IdempotencyRecord.key) == key
        )
    )
    session.add(
        IdempotencyRecord(
            scope=scope,
            key=key,
            request_hash=request_hash,
            status_code=status_code,
            response_body=body,
            created_at=now or utcnow(),
        )
    )
    try:
        session.flush()
    except IntegrityError as exc:  # a writer that skipped lock_key got there first
        raise Conflict(IN_FLIGHT) from exc


def _find(session: Session, scope: str, key: str) -> IdempotencyRecord | None:
    query = select(IdempotencyRecord).where(
        IdempotencyRecord.scope == scope, IdempotencyRecord.key == key
    )
    return session.exec(query).first()


def purge_expired(session: Session, *, now: datetime | None = None) -> int:
    """Delete records past RETENTION (a housekeeping job may call this); returns how many."""
    cutoff = (now or utcnow()) - RETENTION
    with unit_of_work(session):
        result = session.execute(
            delete(IdempotencyRecord).where(col(IdempotencyRecord.created_at) < cutoff)
        )
    return int(result.rowcount)  # type: ignore[attr-defined]
