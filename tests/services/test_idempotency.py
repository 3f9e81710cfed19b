"""Idempotency records: finding a stored response, storing one with its work, expiry."""

from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import Session, select

from app.errors import InvalidInput
from app.infra import idempotency as records
from app.infra.unit_of_work import unit_of_work
from app.models import IdempotencyRecord, utcnow

SCOPE = "api_key:1"


def _store(session: Session, key: str = "k", *, request_hash: str = "h", **kwargs: Any) -> None:
    with unit_of_work(session):
        records.lock_key(session, scope=SCOPE, key=key)
        records.store(
            session,
            scope=SCOPE,
            key=key,
            request_hash=request_hash,
            status_code=201,
            body="{}",
            **kwargs,
        )


def _find(session: Session, key: str = "k", request_hash: str = "h") -> Any:
    return records.find(session, scope=SCOPE, key=key, request_hash=request_hash)


def test_a_new_key_has_no_stored_response(session: Session) -> None:
    assert _find(session) is None


def test_a_stored_response_is_found_for_the_same_request(session: Session) -> None:
    _store(session)
    assert _find(session) == records.StoredResponse(201, "{}")


def test_another_request_with_the_key_is_refused(session: Session) -> None:
    _store(session)
    with pytest.raises(InvalidInput) as refused:
        _find(session, request_hash="other")
    assert refused.value.problems[0].field == "Idempotency-Key"


def test_scopes_do_not_share_keys(session: Session) -> None:
    _store(session)
    assert records.find(session, scope="api_key:2", key="k", request_hash="h") is None


def test_nothing_is_stored_when_the_transaction_rolls_back(session: Session) -> None:
    with pytest.raises(RuntimeError), unit_of_work(session):
        records.lock_key(session, scope=SCOPE, key="k")
        records.store(session, scope=SCOPE, key="k", request_hash="h", status_code=201, body="{}")
        raise RuntimeError("the work failed, or its process died before the commit")
    assert session.exec(select(IdempotencyRecord)).all() == []
    assert _find(session) is None


def test_a_claim_left_by_an_older_version_frees_the_key_and_is_replaced(
    session: Session,
) -> None:
    session.add(IdempotencyRecord(scope=SCOPE, key="k", request_hash="h"))  # no response
    session.commit()
    assert _find(session) is None
    _store(session)
    (stored,) = session.exec(select(IdempotencyRecord)).all()
    assert (stored.status_code, stored.response_body) == (201, "{}")


def test_an_expired_response_frees_the_key_for_any_request(session: Session) -> None:
    _store(session, now=utcnow() - records.RETENTION - timedelta(seconds=1))
    assert _find(session, request_hash="new") is None
    _store(session, request_hash="new")
    assert _find(session, request_hash="new") == records.StoredResponse(201, "{}")


def test_purge_deletes_only_expired_records(session: Session) -> None:
    _store(session, "old", now=utcnow() - records.RETENTION - timedelta(minutes=1))
    _store(session, "new")
    assert records.purge_expired(session) == 1
    assert [r.key for r in session.exec(select(IdempotencyRecord))] == ["new"]


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        (("POST", "/a?", b'{"x":1,"y":2}'), ("POST", "/a?", b'{ "y": 2, "x": 1 }'), True),
        (("POST", "/a?", b'{"x":1}'), ("POST", "/a?", b'{"x":2}'), False),
        (("POST", "/a?", b'{"x":1}'), ("POST", "/b?", b'{"x":1}'), False),
        (("POST", "/a?mode=x", b"csv"), ("POST", "/a?mode=y", b"csv"), False),
        (("POST", "/a?", b"not json"), ("POST", "/a?", b"not json"), True),
    ],
)
def test_the_request_hash_is_method_path_and_body_by_meaning(
    first: tuple[str, str, bytes], second: tuple[str, str, bytes], same: bool
) -> None:
    one = records.request_hash(*first[:2], first[2], content_type="application/json")
    two = records.request_hash(*second[:2], second[2], content_type="application/json")
    assert (one == two) is same
