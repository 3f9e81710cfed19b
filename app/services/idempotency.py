"""Idempotency records: claim a key, store the first response with its work, replay it.

Design: the guarantee is "a retried request never does the work twice, and whoever retries
gets the first answer", across app instances and crashes. It rests on three steps.

1. Claim (`claim`). A short transaction inserts the record (scope, key, request hash, no
   status yet) and commits. The unique constraint on (scope, key) makes the claim exclusive
   on every database and every instance. A request that finds the record instead gets the
   stored response replayed (same hash), 422 (another request used this key) or 409 (the
   first is still in flight).
2. Work. The caller runs the use case and writes its response into the claimed record
   (`complete`) in ONE transaction: the use case's own commits are deferred to that outer
   transaction (see app/api/idempotency.py). The work and its stored response become
   durable together or not at all, so no crash can leave work done without a response to
   replay, or a response for work that was rolled back.
3. Release. When the use case fails, its transaction rolls back and the claim is deleted
   (`release`): nothing happened, so a corrected retry may run. Only successful responses
   are stored.

A process killed between 1 and 2 leaves a claim with neither work nor response. It answers
409 until it is CLAIM_TIMEOUT old, then the next retry takes it over (compare-and-set on
`created_at`, so only one retry wins) and does the work once. Records expire after RETENTION;
an expired key may be used again.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.db import begin_write
from app.errors import Conflict, FieldProblem, InvalidInput
from app.models import IdempotencyRecord, utcnow

# Longer than any request may take (an import of 100,000 answers takes seconds).
CLAIM_TIMEOUT = timedelta(minutes=5)
RETENTION = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class StoredResponse:
    status_code: int
    body: str


def request_hash(method: str, path: str, body: bytes, *, content_type: str = "") -> str:
    """What "the same request" means: method, path and body (JSON compared by meaning)."""
    canonical = body
    if "json" in content_type:
        try:
            canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
        except (ValueError, UnicodeDecodeError):
            canonical = body  # invalid JSON is refused later; hash the bytes meanwhile
    digest = hashlib.sha256(f"{method.upper()} {path}\n".encode())
    digest.update(canonical)
    return digest.hexdigest()


def claim(
    session: Session, *, scope: str, key: str, request_hash: str, now: datetime | None = None
) -> int | StoredResponse:
    """Claim `key` for a request: its record id, or the stored response to replay.

    Raises InvalidInput when the key was used for a different request, Conflict while the
    first request with this key is still being processed.
    """
    now = now or utcnow()
    # Look before taking the write lock: a duplicate in flight holds it on SQLite.
    found = _find(session, scope, key)
    if found is not None:
        outcome = _judge(session, found, request_hash, now)
        if outcome is not None:
            return outcome
    begin_write(session)
    found = _find(session, scope, key)
    if found is not None:  # someone else claimed it since we looked
        outcome = _judge(session, found, request_hash, now)
        if outcome is not None:
            return outcome
        begin_write(session)
    record = IdempotencyRecord(scope=scope, key=key, request_hash=request_hash, created_at=now)
    session.add(record)
    try:
        session.commit()
    except IntegrityError as exc:  # a concurrent claim on another instance won the race
        session.rollback()
        raise Conflict("A request with this Idempotency-Key is still being processed.") from exc
    assert record.id is not None
    return record.id


def _find(session: Session, scope: str, key: str) -> IdempotencyRecord | None:
    query = select(IdempotencyRecord).where(
        IdempotencyRecord.scope == scope, IdempotencyRecord.key == key
    )
    return session.exec(query).first()


def _judge(
    session: Session, record: IdempotencyRecord, request_hash: str, now: datetime
) -> StoredResponse | None:
    """The stored response, or None when the record is gone (expired or abandoned, removed)."""
    if now - record.created_at > RETENTION:
        _remove_if_unchanged(session, record)
        return None
    if record.request_hash != request_hash:
        raise InvalidInput(
            "This Idempotency-Key was already used for a different request; use a new key.",
            problems=[FieldProblem("Idempotency-Key", "already used for a different request")],
        )
    if record.status_code is not None and record.response_body is not None:
        return StoredResponse(record.status_code, record.response_body)
    if now - record.created_at > CLAIM_TIMEOUT:
        _remove_if_unchanged(session, record)
        return None
    raise Conflict("A request with this Idempotency-Key is still being processed; retry later.")


def _remove_if_unchanged(session: Session, record: IdempotencyRecord) -> None:
    """Delete a stale record unless another request replaced it meanwhile."""
    begin_write(session)
    result = session.execute(
        delete(IdempotencyRecord).where(
            col(IdempotencyRecord.id) == record.id,
            col(IdempotencyRecord.created_at) == record.created_at,
        )
    )
    session.commit()
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict("A request with this Idempotency-Key is still being processed.")


def complete(session: Session, *, record_id: int, status_code: int, body: str) -> None:
    """Store the response in the claimed record, inside the caller's (the work's) transaction."""
    session.execute(
        update(IdempotencyRecord)
        .where(col(IdempotencyRecord.id) == record_id)
        .values(status_code=status_code, response_body=body)
    )


def release(session: Session, *, record_id: int) -> None:
    """Forget a claim whose request failed, so a retry may run."""
    begin_write(session)
    session.execute(delete(IdempotencyRecord).where(col(IdempotencyRecord.id) == record_id))
    session.commit()


def purge_expired(session: Session, *, now: datetime | None = None) -> int:
    """Delete records past RETENTION (a housekeeping job may call this); returns how many."""
    cutoff = (now or utcnow()) - RETENTION
    begin_write(session)
    result = session.execute(
        delete(IdempotencyRecord).where(col(IdempotencyRecord.created_at) < cutoff)
    )
    session.commit()
    return int(result.rowcount)  # type: ignore[attr-defined]
