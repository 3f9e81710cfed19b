"""GET /collaborations/{id}/export: a download in the asked format, audited, for read-only keys."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.models import AuditEvent
from tests.api.conftest import Caller, World, fresh


@pytest.mark.parametrize(
    ("format", "media_type", "magic"),
    [
        ("csv", "text/csv; charset=utf-8", b"round_number,round_id,round,phase"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK"),
        ("sav", "application/x-spss-sav", b"$FL2"),
    ],
)
def test_each_format_downloads_as_an_attachment(
    api: TestClient,
    session: Session,
    world: World,
    reader: Caller,
    format: str,
    media_type: str,
    magic: bytes,
) -> None:
    collaboration_id = world.open.collaboration.id
    response = api.get(
        f"/collaborations/{collaboration_id}/export",
        params={"format": format},
        headers=reader.headers,
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == media_type
    assert response.content.startswith(magic)
    assert response.headers["content-disposition"] == (
        f'attachment; filename="trustmeter-collaboration-{collaboration_id}-aggregate.{format}"'
    )
    assert response.headers["x-trustmeter-export-rows"] == "aggregate"
    fresh(session)
    (event,) = session.exec(select(AuditEvent)).all()
    assert event.subject.startswith(f"collaboration:{collaboration_id} format:{format}")


def test_csv_is_the_default(api: TestClient, world: World) -> None:
    response = api.get(
        f"/collaborations/{world.open.collaboration.id}/export", headers=world.caller.headers
    )
    assert response.headers["content-type"].startswith("text/csv")


def test_an_unknown_format_is_refused(api: TestClient, world: World) -> None:
    response = api.get(
        f"/collaborations/{world.open.collaboration.id}/export",
        params={"format": "pdf"},
        headers=world.caller.headers,
    )
    assert response.status_code == 422
    assert response.json()["invalid_params"][0]["name"] == "format"


@pytest.mark.parametrize(
    ("params", "delimiter", "header"),
    [
        ({"language": "nl"}, ";", "Meetronde (volgnummer)"),
        ({"language": "en"}, ",", "Round (sequence number)"),
        ({"language": "en", "delimiter": "semicolon"}, ";", "Round (sequence number)"),
        ({"delimiter": "semicolon"}, ";", "Meetronde (volgnummer)"),  # the collaboration's
    ],
)
def test_a_spreadsheet_csv_has_a_bom_its_delimiter_and_labels_in_its_language(
    api: TestClient, world: World, params: dict[str, str], delimiter: str, header: str
) -> None:
    import csv
    import io

    response = api.get(
        f"/collaborations/{world.open.collaboration.id}/export",
        params=params,
        headers=world.caller.headers,
    )
    assert response.status_code == 200 and response.content.startswith(b"\xef\xbb\xbf")
    reader = csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=delimiter)
    columns = next(reader)
    assert columns[0] == header and len(columns) == 14


def test_an_unknown_delimiter_or_language_is_refused(api: TestClient, world: World) -> None:
    for params in ({"delimiter": "tab"}, {"language": "de"}):
        response = api.get(
            f"/collaborations/{world.open.collaboration.id}/export",
            params=params,
            headers=world.caller.headers,
        )
        assert response.status_code == 422
        assert response.json()["invalid_params"][0]["name"] == next(iter(params))
