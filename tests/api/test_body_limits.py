"""Request bodies over the configured size get 413, with or without a Content-Length."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.main import create_app
from app.models import Collaboration
from tests.api.conftest import Caller
from tests.conftest import make_settings

LIMIT = 1_000
IMPORT_LIMIT = 5_000


@pytest.fixture
def small_api(database_url: str) -> Iterator[TestClient]:
    settings = make_settings(database_url, max_body_bytes=LIMIT, import_max_body_bytes=IMPORT_LIMIT)
    with TestClient(create_app(settings), base_url="http://testserver/api/v1") as client:
        yield client


def _body(size: int) -> bytes:
    return b'{"name": "' + b"x" * (size - 12) + b'"}'


def _chunks(data: bytes, size: int = 256) -> Iterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


def _assert_too_large(response: object) -> None:
    assert response.status_code == 413  # type: ignore[attr-defined]
    assert response.headers["content-type"] == "application/problem+json"  # type: ignore[attr-defined]
    assert response.json()["title"] == "Request body too large"  # type: ignore[attr-defined]


def test_a_declared_length_over_the_limit_is_refused_before_reading(
    small_api: TestClient, caller: Caller, session: Session
) -> None:
    response = small_api.post(
        "/collaborations",
        content=_body(LIMIT + 1),
        headers={**caller.headers, "Content-Type": "application/json"},
    )
    _assert_too_large(response)
    assert session.exec(select(Collaboration)).all() == []


def test_a_chunked_body_without_length_is_cut_off_at_the_limit(
    small_api: TestClient, caller: Caller, session: Session
) -> None:
    response = small_api.post(
        "/collaborations",
        content=_chunks(_body(LIMIT * 3)),
        headers={**caller.headers, "Content-Type": "application/json"},
    )
    assert "content-length" not in {k.lower() for k in response.request.headers}
    _assert_too_large(response)
    assert session.exec(select(Collaboration)).all() == []


def test_a_body_at_the_limit_is_accepted(small_api: TestClient, caller: Caller) -> None:
    response = small_api.post(
        "/collaborations",
        content=b'{"name": "' + b"x" * 150 + b'"}',
        headers={**caller.headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 201, response.text


@pytest.mark.parametrize(("size", "status"), [(IMPORT_LIMIT - 100, 404), (IMPORT_LIMIT + 1, 413)])
def test_imports_have_their_own_larger_limit(
    small_api: TestClient, caller: Caller, size: int, status: int
) -> None:
    csv = b"external_ref;target_party;item_id;value\n" + b"x;y;z;1\n" * (size // 8)
    response = small_api.post(
        "/rounds/999/responses/import",
        content=_chunks(csv[:size]),
        headers={**caller.headers, "Content-Type": "text/csv"},
    )
    assert response.status_code == status, response.text
