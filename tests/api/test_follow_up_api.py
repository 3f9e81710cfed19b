"""Follow-up answers ("was it kept?") through the API, with the survey page's rules, and the
coach's round notes."""

from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from app.config import Settings
from app.models import AgreementCheck, OutboxJob
from app.services.messaging.events import EVENTS
from app.services.setup import questionnaires
from tests.api.conftest import Caller, fresh
from tests.api.test_agreements_loop import answer_everything, submit
from tests.factories import make_open_collaboration, make_user
from tests.web.coach.conftest import browser_for


@dataclass
class Checking:
    """A second round asking about one agreement: the contractor's and municipality's tokens."""

    agreement_id: int
    other_agreement_id: int
    tokens: list[str]
    targets: dict[str, list[int]]
    round_id: int
    items: list[str]


@pytest.fixture
def checking(api: TestClient, session: Session, settings: Settings, caller: Caller) -> Checking:
    opened = make_open_collaboration(
        session,
        settings=settings,
        organisation_id=caller.organisation_id,
        party_names=("Gemeente Utrecht", "Aannemer BV", "Provincie"),
    )
    municipality, contractor, province = (p.id for p in opened.parties)
    h = caller.headers
    assert api.post(f"/rounds/{opened.round.id}/close", headers=h).status_code == 200
    second = api.post(
        f"/collaborations/{opened.collaboration.id}/rounds",
        headers=h,
        json={"label": "Tweede meting", "questionnaire_id": opened.round.questionnaire_id},
    ).json()

    def agree(committing: int, target: int) -> int:
        created = api.post(
            f"/collaborations/{opened.collaboration.id}/agreements",
            headers=h,
            json={
                "title": f"Afspraak {committing}",
                "committing_party_ids": [committing],
                "target_party_id": target,
                "round_id": opened.round.id,
                "check_round_id": second["id"],
            },
        )
        assert created.status_code == 201, created.text
        return int(created.json()["id"])

    first = agree(contractor, municipality)  # type: ignore[arg-type]
    other = agree(province, contractor)  # type: ignore[arg-type]
    invitations = api.post(f"/rounds/{second['id']}/open", headers=h).json()["invitations"]
    mine = {
        i["token"]: i["target_party_ids"]
        for i in invitations
        if i["participant_id"] in _participants(opened, municipality)
    }
    items = questionnaires.definition_by_id(session, opened.round.questionnaire_id).item_ids
    return Checking(first, other, list(mine), mine, second["id"], items)


def _participants(opened, party_id):  # type: ignore[no-untyped-def]
    return {
        item.invitation.participant_id
        for item in opened.invitations
        if item.invitation.party_id == party_id
    }


def checks(session: Session) -> list[AgreementCheck]:
    fresh(session)
    return list(session.exec(select(AgreementCheck)))


def test_an_integration_lists_and_answers_the_follow_up(
    api: TestClient, session: Session, caller: Caller, checking: Checking
) -> None:
    token = checking.tokens[0]
    listed = api.get(f"/invitations/{token}/agreements", headers=caller.headers)
    assert listed.status_code == 200, listed.text
    body = listed.json()
    # The municipality's partner is asked about the agreement serving it, not the other one.
    assert [q["agreement_id"] for q in body["questions"]] == [checking.agreement_id]
    question = body["questions"][0]
    assert question["target_party"]["name"] == "Gemeente Utrecht"
    assert question["committing_parties"][0]["name"] == "Aannemer BV"
    assert question["answered"] is False and body["scale_max"] == 5
    saved = api.post(
        f"/invitations/{token}/agreements",
        headers=caller.headers,
        json={"answers": [{"agreement_id": checking.agreement_id, "value": 4}]},
    )
    assert saved.status_code == 200, saved.text
    assert saved.json()["questions"][0] == {**question, "answered": True, "value": 4}
    again = api.post(
        f"/invitations/{token}/agreements",
        headers=caller.headers,
        json={"answers": [{"agreement_id": checking.agreement_id, "value": None}]},
    )
    assert again.json()["questions"][0]["answered"] is True
    assert again.json()["questions"][0]["value"] is None
    assert [c.value for c in checks(session)] == [None]


def test_the_verdict_counts_api_answers_once_submitted(
    api: TestClient, caller: Caller, checking: Checking
) -> None:
    for token in checking.tokens:
        answer_everything(api, caller.headers, token, checking.targets[token], checking.items, 4)
        api.post(
            f"/invitations/{token}/agreements",
            headers=caller.headers,
            json={"answers": [{"agreement_id": checking.agreement_id, "value": 2}]},
        )
        submit(api, caller.headers, token)
    # Figures of a round appear once it closes (they would otherwise move with each answer).
    assert api.post(f"/rounds/{checking.round_id}/close", headers=caller.headers).status_code == 200
    found = api.get(f"/agreements/{checking.agreement_id}", headers=caller.headers).json()
    verdict = found["outcome"]["verdict"]
    assert verdict["n"] == 3 and verdict["mean"] == 2.0 and not verdict["suppressed"]


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ([{"agreement_id": 0, "value": 3}], "answers.0.agreement_id"),
        ([{"agreement_id": 1, "value": 6}], "answers.0.value"),
        ([{"agreement_id": 1, "value": 0}], "answers.0.value"),
        ([{"agreement_id": 1, "value": "4"}], "answers.0.value"),
        ([{"agreement_id": 1}], "answers.0.value"),
        ({"agreement_id": 1, "value": 4}, "answers"),
    ],
)
def test_malformed_answers_are_refused_naming_the_field(
    api: TestClient,
    session: Session,
    caller: Caller,
    checking: Checking,
    answers: object,
    field: str,
) -> None:
    refused = api.post(
        f"/invitations/{checking.tokens[0]}/agreements",
        headers=caller.headers,
        json={"answers": answers},
    )
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    assert field in {p["name"] for p in refused.json()["invalid_params"]}
    assert checks(session) == []


def test_an_empty_list_saves_nothing_and_lists_the_questions(
    api: TestClient, session: Session, caller: Caller, checking: Checking
) -> None:
    sent = api.post(
        f"/invitations/{checking.tokens[0]}/agreements", headers=caller.headers, json={}
    )
    assert sent.status_code == 200, sent.text
    assert [q["agreement_id"] for q in sent.json()["questions"]] == [checking.agreement_id]
    assert checks(session) == []


def test_an_agreement_not_asked_of_this_partner_saves_nothing(
    api: TestClient, session: Session, caller: Caller, checking: Checking
) -> None:
    refused = api.post(
        f"/invitations/{checking.tokens[0]}/agreements",
        headers=caller.headers,
        json={
            "answers": [
                {"agreement_id": checking.agreement_id, "value": 4},
                {"agreement_id": checking.other_agreement_id, "value": 4},
                {"agreement_id": checking.agreement_id, "value": 3},
            ]
        },
    )
    assert refused.status_code == 422
    names = [p["name"] for p in refused.json()["invalid_params"]]
    assert names == ["answers.1.agreement_id", "answers.2.agreement_id"]
    assert checks(session) == []


def test_after_submitting_the_answers_are_final(
    api: TestClient, session: Session, caller: Caller, checking: Checking
) -> None:
    token = checking.tokens[0]
    answer_everything(api, caller.headers, token, checking.targets[token], checking.items, 4)
    submit(api, caller.headers, token)
    refused = api.post(
        f"/invitations/{token}/agreements",
        headers=caller.headers,
        json={"answers": [{"agreement_id": checking.agreement_id, "value": 4}]},
    )
    assert refused.status_code == 409
    assert checks(session) == []


def test_the_round_note_is_read_written_and_removed(
    api: TestClient, caller: Caller, checking: Checking
) -> None:
    url = f"/rounds/{checking.round_id}/note"
    assert api.get(url, headers=caller.headers).json() == {
        "round_id": checking.round_id,
        "body": "",
    }
    put = api.put(url, headers=caller.headers, json={"body": "  Eerst de risico's bespreken  "})
    assert put.status_code == 200 and put.json()["body"] == "Eerst de risico's bespreken"
    assert api.get(url, headers=caller.headers).json()["body"] == "Eerst de risico's bespreken"
    assert api.put(url, headers=caller.headers, json={"body": ""}).json()["body"] == ""
    assert api.get(url, headers=caller.headers).json()["body"] == ""


@pytest.mark.parametrize(
    "body",
    [{"body": "x" * 20_001}, {"body": 3}, {}, {"body": "a", "x": 1}, {"body": "Nul\x1emeting"}],
)
def test_a_bad_note_is_refused_naming_the_field(
    api: TestClient, caller: Caller, checking: Checking, body: dict[str, object]
) -> None:
    url = f"/rounds/{checking.round_id}/note"
    refused = api.put(url, headers=caller.headers, json=body)
    assert refused.status_code == 422, refused.text
    assert refused.json()["invalid_params"]
    assert api.get(url, headers=caller.headers).json()["body"] == ""


def test_the_note_queues_no_webhook_and_the_openapi_document_describes_it(
    api: TestClient, session: Session, caller: Caller, checking: Checking
) -> None:
    hook = {"url": "https://hooks.example.org/n", "events": list(EVENTS)}
    assert api.post("/webhooks", headers=caller.headers, json=hook).status_code == 201
    fresh(session)
    before = session.exec(select(func.count()).select_from(OutboxJob)).one()
    api.put(f"/rounds/{checking.round_id}/note", headers=caller.headers, json={"body": "Geheim"})
    fresh(session)
    assert session.exec(select(func.count()).select_from(OutboxJob)).one() == before
    schema = api.get("/openapi.json").json()
    assert "/invitations/{token}/agreements" in schema["paths"]
    assert "FollowUpQuestions" in schema["components"]["schemas"]
    assert schema["paths"]["/rounds/{round_id}/note"]["put"]["description"]


def _row(page: str, title: str) -> str:
    """The table row of the agreement with this title."""
    start = page.index(title)
    return page[page.rindex("<tr", 0, start) : page.index("</tr>", start)]


def test_a_verdict_from_fewer_than_k_partners_is_hidden_everywhere(
    api: TestClient,
    client: TestClient,
    session: Session,
    caller: Caller,
    checking: Checking,
) -> None:
    # Three partners submit, but only two of them rate the agreement: fewer than k = 3.
    for number, token in enumerate(checking.tokens):
        answer_everything(api, caller.headers, token, checking.targets[token], checking.items, 4)
        if number < 2:
            rated = api.post(
                f"/invitations/{token}/agreements",
                headers=caller.headers,
                json={"answers": [{"agreement_id": checking.agreement_id, "value": 2}]},
            )
            assert rated.status_code == 200, rated.text
        submit(api, caller.headers, token)
    assert api.post(f"/rounds/{checking.round_id}/close", headers=caller.headers).status_code == 200
    found = api.get(f"/agreements/{checking.agreement_id}", headers=caller.headers).json()
    assert found["outcome"]["verdict"] == {
        "round_id": checking.round_id,
        "n": None,
        "suppressed": True,
        "mean": None,
        "dont_know": None,
        "scale_min": 1,
        "scale_max": 5,
    }
    collaboration_id = found["collaboration_id"]
    listed = api.get(f"/collaborations/{collaboration_id}/agreements", headers=caller.headers)
    [same] = [a for a in listed.json()["items"] if a["id"] == checking.agreement_id]
    assert same["outcome"]["verdict"]["suppressed"] is True
    # The coach's pages and the share page say "fewer than 3", never the mean of the two.
    coach = browser_for(client, make_user(session, organisation_id=caller.organisation_id))
    collaboration = f"/coach/collaborations/{found['collaboration_id']}"
    share = api.post(
        f"/rounds/{checking.round_id}/shares",
        headers=caller.headers,
        json={"sections": ["agreements"]},
    ).json()
    for page in (
        coach.get(f"{collaboration}/agreements").text,
        coach.get(f"{collaboration}/dashboard?round={checking.round_id}").text,
        client.get(f"/r/{share['token']}").text,
    ):
        row = _row(page, found["title"])
        assert "minder dan 3" in row and "2,0" not in row and "oordelen" not in row, row
