"""Idempotency records: claiming a key, judging a repeat, taking over abandoned claims."""

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from app.errors import Conflict, InvalidInput
from app.models import IdempotencyRecord, utcnow
from app.services import idempotency as records

SCOPE = "api_key:1"


def test_the_first_claim_gets_a_record_without_a_response(session: Session) -> None:
    record_id = records.claim(session, scope=SCOPE, key="k", request_hash="h")
    stored = session.get(IdempotencyRecord, record_id)
    assert stored is not None and stored.status_code is None and stored.response_body is None


def test_a_completed_claim_is_replayed_for_the_same_request(session: Session) -> None:
    record_id = records.claim(session, scope=SCOPE, key="k", request_hash="h")
    assert isinstance(record_id, int)
    records.complete(session, record_id=record_id, status_code=201, body='{"id":1}')
    session.commit()
    assert records.claim(session, scope=SCOPE, key="k", request_hash="h") == (
        records.StoredResponse(201, '{"id":1}')
    )


def test_a_claim_in_flight_answers_conflict(session: Session) -> None:
    records.claim(session, scope=SCOPE, key="k", request_hash="h")
    with pytest.raises(Conflict):
        records.claim(session, scope=SCOPE, key="k", request_hash="h")


def test_another_request_with_the_key_is_refused_even_in_flight(session: Session) -> None:
    records.claim(session, scope=SCOPE, key="k", request_hash="h")
    with pytest.raises(InvalidInput) as refused:
        records.claim(session, scope=SCOPE, key="k", request_hash="other")
    assert refused.value.problems[0].field == "Idempotency-Key"


def test_scopes_do_not_share_keys(session: Session) -> None:
    first = records.claim(session, scope="api_key:1", key="k", request_hash="h")
    second = records.claim(session, scope="api_key:2", key="k", request_hash="h")
    assert isinstance(first, int) and isinstance(second, int) and first != second


def test_an_abandoned_claim_is_taken_over_once(session: Session) -> None:
    long_ago = utcnow() - records.CLAIM_TIMEOUT - timedelta(seconds=1)
    records.claim(session, scope=SCOPE, key="k", request_hash="h", now=long_ago)
    new = records.claim(session, scope=SCOPE, key="k", request_hash="h")
    assert isinstance(new, int)
    (stored,) = session.exec(select(IdempotencyRecord)).all()
    assert stored.id == new and stored.created_at > long_ago
    with pytest.raises(Conflict):  # the new claim is fresh: a third request waits its turn
        records.claim(session, scope=SCOPE, key="k", request_hash="h")


def test_an_expired_response_frees_the_key(session: Session) -> None:
    long_ago = utcnow() - records.RETENTION - timedelta(seconds=1)
    old = records.claim(session, scope=SCOPE, key="k", request_hash="h", now=long_ago)
    assert isinstance(old, int)
    records.complete(session, record_id=old, status_code=201, body="{}")
    session.commit()
    assert isinstance(records.claim(session, scope=SCOPE, key="k", request_hash="new"), int)


def test_release_forgets_the_claim(session: Session) -> None:
    record_id = records.claim(session, scope=SCOPE, key="k", request_hash="h")
    assert isinstance(record_id, int)
    records.release(session, record_id=record_id)
    assert isinstance(records.claim(session, scope=SCOPE, key="k", request_hash="h"), int)


def test_purge_deletes_only_expired_records(session: Session) -> None:
    long_ago = utcnow() - records.RETENTION - timedelta(minutes=1)
    records.claim(session, scope=SCOPE, key="old", request_hash="h", now=long_ago)
    records.claim(session, scope=SCOPE, key="new", request_hash="h")
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
