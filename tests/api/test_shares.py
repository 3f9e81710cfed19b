"""Share links: only the chosen sections, no suppressed group, revocation and expiry said plainly,
bad input refused with problem details naming the field."""

import html
import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.config import Settings
from app.models import Share, utcnow
from app.security import hash_token
from app.services.setup import questionnaires
from tests.api.conftest import Caller
from tests.api.test_agreements_loop import answer_everything, submit
from tests.factories import make_open_collaboration

# A shown estimate: the mean and its 95% interval, e.g. "61 (55\u201367)".
FIGURE = re.compile(r"\d+ \(\d+\u2013\d+\)")


def _measured(api: TestClient, session: Session, settings: Settings, caller: Caller) -> dict:
    """Two parties, every partner answered; the round is closed."""
    opened = make_open_collaboration(
        session,
        settings=settings,
        organisation_id=caller.organisation_id,
        party_names=("Gemeente Utrecht", "Aannemer BV"),
    )
    items = questionnaires.definition_by_id(session, opened.round.questionnaire_id).item_ids
    for item in opened.invitations:
        assert item.token is not None
        answer_everything(
            api, caller.headers, item.token, item.invitation.target_party_ids, items, 4
        )
        submit(api, caller.headers, item.token)
    api.post(f"/rounds/{opened.round.id}/close", headers=caller.headers)  # figures come now
    return {"round_id": opened.round.id, "opened": opened}


def test_the_share_page_shows_exactly_the_chosen_sections(
    api: TestClient, client: TestClient, session: Session, settings: Settings, caller: Caller
) -> None:
    world = _measured(api, session, settings, caller)
    made = api.post(
        f"/rounds/{world['round_id']}/shares",
        headers=caller.headers,
        json={"sections": ["mirror", "agreements"]},
    )
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["url"].endswith(f"/r/{body['token']}")
    session.rollback()  # see what the request committed
    stored = session.exec(select(Share).where(Share.id == body["id"])).one()
    assert stored.token_hash == hash_token(body["token"]) and body["token"] not in stored.token_hash
    page = client.get(f"/r/{body['token']}")
    assert page.status_code == 200
    assert "mirror-heading" in page.text and "agreements-heading" in page.text
    assert "matrix-heading" not in page.text and "changes-heading" not in page.text
    assert "Gemeente Utrecht" in page.text
    for person in world["opened"].parties:
        assert f"{person.name} 1" not in page.text  # participants' names never appear
    english = client.get(f"/r/{body['token']}?lang=en")
    assert "The mirror" in english.text


def rows_of(page: str) -> list[str]:
    """Each table row's text, tags removed and spaces collapsed."""
    rows = re.findall(r"<tr[ >].*?</tr>", page, flags=re.S)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", row)).split()) for row in rows]


def test_a_group_under_k_is_hidden_on_the_share_page(
    api: TestClient, client: TestClient, session: Session, settings: Settings, caller: Caller
) -> None:
    opened = make_open_collaboration(
        session,
        settings=settings,
        organisation_id=caller.organisation_id,
        party_names=("Gemeente Utrecht", "Aannemer BV"),
        participants_per_party=3,
    )
    items = questionnaires.definition_by_id(session, opened.round.questionnaire_id).item_ids
    # Only two of the contractor's three partners answer: fewer than k = 3.
    contractor = opened.parties[1]
    for item in opened.invitations:
        assert item.token is not None
        if item.token in opened.tokens_of(contractor)[2:]:
            continue
        answer_everything(
            api, caller.headers, item.token, item.invitation.target_party_ids, items, 2
        )
        submit(api, caller.headers, item.token)
    api.post(f"/rounds/{opened.round.id}/close", headers=caller.headers)
    token = api.post(
        f"/rounds/{opened.round.id}/shares",
        headers=caller.headers,
        json={"sections": ["matrix", "mirror"]},
    ).json()["token"]
    rows = rows_of(client.get(f"/r/{token}?lang=en").text)
    scores = api.get(f"/rounds/{opened.round.id}/scores", headers=caller.headers).json()
    # Each party's matrix row shows what the API shows: the figures, or only "fewer than k"
    # (complementary suppression included).
    names = {p.id: p.name for p in opened.parties}
    for number, party in enumerate(scores["parties"], start=1):
        [row] = [r for r in rows if r.startswith(f"{number}. ")]
        if party["suppressed"]:
            assert row == f"{number}. {names[party['party_id']]} fewer than 3 answers"
        else:
            assert f" {party['n']} {party['propensity']['mean']:.0f} (" in row, row
    assert [p["party_id"] for p in scores["parties"] if p["suppressed"]] == [contractor.id]
    # The mirror: every figure of the contractor about the municipality is hidden, and
    # what the municipality says about the contractor is shown.
    mirror = [r for r in rows if r.split(" ")[0] in {"Propensity", "Analysis", "Integrity"}]
    assert mirror
    for row in mirror:
        assert row.endswith("fewer than 3 answers") and FIGURE.search(row), row


def test_each_section_alone_shows_only_itself(
    api: TestClient, client: TestClient, session: Session, settings: Settings, caller: Caller
) -> None:
    world = _measured(api, session, settings, caller)
    sections = ("matrix", "mirror", "changes", "agreements")
    for chosen in sections:
        made = api.post(
            f"/rounds/{world['round_id']}/shares",
            headers=caller.headers,
            json={"sections": [chosen]},
        )
        assert made.status_code == 201, made.text
        page = client.get(f"/r/{made.json()['token']}").text
        shown = [s for s in sections if f'id="{s}-heading"' in page]
        assert shown == [chosen]


def test_a_revoked_or_expired_link_says_so(
    api: TestClient, client: TestClient, session: Session, settings: Settings, caller: Caller
) -> None:
    world = _measured(api, session, settings, caller)
    later = (utcnow() + timedelta(days=1)).isoformat()
    made = api.post(
        f"/rounds/{world['round_id']}/shares",
        headers=caller.headers,
        json={"sections": ["matrix"], "expires_at": later},
    ).json()
    assert client.get(f"/r/{made['token']}").status_code == 200
    assert api.delete(f"/shares/{made['id']}", headers=caller.headers).status_code == 200
    gone = client.get(f"/r/{made['token']}?lang=en")
    assert gone.status_code == 410 and "withdrawn" in gone.text
    assert api.delete(f"/shares/{made['id']}", headers=caller.headers).status_code == 200
    other = api.post(
        f"/rounds/{world['round_id']}/shares", headers=caller.headers, json={"sections": ["matrix"]}
    ).json()
    session.rollback()
    share = session.get(Share, other["id"])
    assert share is not None
    share.expires_at = utcnow() - timedelta(minutes=1)
    session.add(share)
    session.commit()
    expired = client.get(f"/r/{other['token']}?lang=en")
    assert expired.status_code == 410 and "expired" in expired.text
    unknown = client.get("/r/" + "x" * 32)
    assert unknown.status_code == 404


def test_bad_share_and_agreement_input_is_refused_with_problem_details(
    api: TestClient, session: Session, settings: Settings, caller: Caller
) -> None:
    world = _measured(api, session, settings, caller)
    opened = world["opened"]
    h = caller.headers
    cases = [
        (f"/rounds/{world['round_id']}/shares", {"sections": []}, "sections"),
        (f"/rounds/{world['round_id']}/shares", {"sections": ["matrix", "matrix"]}, "sections"),
        (f"/rounds/{world['round_id']}/shares", {"sections": ["secrets"]}, "sections"),
        (
            f"/rounds/{world['round_id']}/shares",
            {"sections": ["matrix"], "expires_at": "2020-01-01T00:00:00Z"},
            "expires_at",
        ),
        (
            f"/collaborations/{opened.collaboration.id}/agreements",
            {"title": "x", "committing_party_ids": [999999], "round_id": world["round_id"]},
            "committing_party_ids",
        ),
        (
            f"/collaborations/{opened.collaboration.id}/agreements",
            {
                "title": "x",
                "committing_party_ids": [opened.parties[0].id],
                "round_id": world["round_id"],
                "area": "nonsense",
            },
            "area",
        ),
        (
            f"/collaborations/{opened.collaboration.id}/agreements",
            {
                "title": "x",
                "committing_party_ids": [opened.parties[0].id],
                "target_party_id": opened.parties[0].id,
                "round_id": world["round_id"],
            },
            "target_party_id",
        ),
        (
            f"/collaborations/{opened.collaboration.id}/agreements",
            {
                "title": "x",
                "committing_party_ids": [opened.parties[0].id],
                "round_id": world["round_id"],
                "check_round_id": world["round_id"],
            },
            "check_round_id",
        ),
    ]
    for path, body, field in cases:
        refused = api.post(path, headers=h, json=body)
        assert refused.status_code == 422, (body, refused.text)
        assert refused.headers["content-type"] == "application/problem+json"
        fields = [p["name"] for p in refused.json()["invalid_params"]]
        assert any(field in name for name in fields), (body, fields)
    session.rollback()
    assert session.exec(select(Share)).all() == []
