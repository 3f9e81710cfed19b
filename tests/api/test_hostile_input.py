"""Hostile input gets a 4xx, quickly: huge headers, deep JSON, bodies without a key, odd paths."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from app.infra import json_body
from app.models import Collaboration
from tests.api.conftest import World
from tests.factories import make_api_key


def _import_url(world: World) -> str:
    return f"/rounds/{world.open.round.id}/responses/import"


def test_a_header_of_many_columns_is_refused_by_its_length(api: TestClient, world: World) -> None:
    header = ";".join(f"column{n}" for n in range(20_000)).encode()
    headers = {**world.caller.headers, "Content-Type": "text/csv"}
    answer = api.post(_import_url(world), headers=headers, content=header + b"\n1;2\n")
    assert answer.status_code == 422
    assert "header line is longer than 1000 characters" in answer.json()["detail"]


def test_a_header_repeating_one_column_names_it_once(api: TestClient, world: World) -> None:
    header = ";".join(["item_id"] * 100 + ["target_party", "value", "external_ref"]).encode()
    headers = {**world.caller.headers, "Content-Type": "text/csv"}
    answer = api.post(_import_url(world), headers=headers, content=header + b"\n")
    assert answer.status_code == 422
    assert [p["name"] for p in answer.json()["invalid_params"]] == ["header.item_id"]


@pytest.mark.parametrize("depth", [40, 500, 990, 5_000, 200_000])
def test_deeply_nested_json_is_refused_everywhere(
    api: TestClient, world: World, session: Session, depth: int
) -> None:
    nested = b"[" * depth + b"]" * depth
    headers = {**world.caller.headers, "Content-Type": "application/json"}
    bodies = {
        _import_url(world): b'{"answers":' + nested + b"}",
        "/collaborations": b'{"name":"Diep","description":' + nested + b"}",
    }
    for url, body in bodies.items():
        assert api.post(url, headers=headers, content=body).status_code in (400, 422), url
        with_nul = body.replace(b'"Diep"', b'"D\\u0000iep"')
        idempotent = {**headers, "Idempotency-Key": f"deep-{depth}"}
        assert api.post(url, headers=idempotent, content=with_nul).status_code in (400, 422)
    session.rollback()
    assert session.exec(select(func.count()).select_from(Collaboration)).one() == 1


def test_the_bounded_reader_refuses_depth_without_recursion() -> None:
    assert json_body.loads(b"[[[1]]]", max_depth=3) == [[[1]]]
    with pytest.raises(json_body.TooDeep):
        json_body.loads(b"[[[[1]]]]", max_depth=3)
    with pytest.raises(json_body.TooDeep):
        json_body.loads(b"[" * 100_000 + b"]" * 100_000)


class Watched:
    """A request body that notes whether anybody read it."""

    def __init__(self, size: int) -> None:
        self.size, self.consumed = size, False

    def __iter__(self) -> Iterator[bytes]:
        self.consumed = True
        yield b"x" * self.size


@pytest.mark.parametrize(
    ("authorization", "status"),
    [(None, 401), ("Bearer tm_not-a-real-key", 401), ("read-only", 403)],
)
def test_an_import_body_is_not_read_before_the_caller_is_known(
    api: TestClient, world: World, session: Session, authorization: str | None, status: int
) -> None:
    if authorization == "read-only":
        key = make_api_key(session, organisation_id=world.caller.organisation_id, scopes=("read",))
        authorization = f"Bearer {key}"
    headers = {"Content-Type": "text/csv", "Content-Length": str(1_000_000)}
    if authorization:
        headers["Authorization"] = authorization
    body = Watched(1_000_000)
    answer = api.post(_import_url(world), headers=headers, content=body)
    assert answer.status_code == status
    assert body.consumed is False


@pytest.mark.parametrize(
    "path", ["/api", "/api/", "/api/v2/collaborations", "/api/v10/x", "/api/v1;x", "/api%2Fv1/x"]
)
def test_paths_under_api_answer_problem_details(client: TestClient, path: str) -> None:
    answer = client.get(path)
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("application/problem+json")
