"""Open comments sent with an integration's answers: checked, stored once, private as on the web."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.config import Settings
from app.models import Comment, Invitation, InvitationStatus, OutboxJob, Response, Webhook
from app.services.answering import comments, invitation_state
from tests.api.conftest import Caller, World, fresh, make_caller
from tests.support.forms_world import FormsWorld, make_forms_world

IDEA = "Eerder de planning delen.\nEn één vast aanspreekpunt."


@pytest.fixture
def forms(session: Session, settings: Settings, caller: Caller) -> FormsWorld:
    return make_forms_world(
        session, settings=settings, people=5, organisation_id=caller.organisation_id
    )


def _contractor_tokens(forms: FormsWorld) -> list[str]:
    return forms.tokens[forms.contractor.id or 0]


def _answers(forms: FormsWorld, count: int = 3) -> list[dict[str, Any]]:
    """A few answers of a contractor's partner about the client (the only party they rate)."""
    asked = [item for item in forms.definition.items if item.fits("client")][:count]
    return [{"target_party_id": forms.client.id, "item_id": i.id, "value": 5} for i in asked]


def _body(forms: FormsWorld, text: str = IDEA, *, final: bool = True) -> dict[str, Any]:
    comment = {"target_party_id": forms.client.id, "text": text}
    return {"answers": _answers(forms), "comments": [comment], "final": final}


def _post(
    api: TestClient, caller: Caller, token: str, body: dict[str, Any], key: str | None = None
) -> Any:
    headers = {**caller.headers, **({"Idempotency-Key": key} if key else {})}
    return api.post(f"/invitations/{token}/responses", headers=headers, json=body)


def _stored(session: Session) -> list[tuple[int, int, int, str]]:
    fresh(session)
    rows = session.exec(select(Comment).order_by(col(Comment.id))).all()
    return [(r.participant_id, r.truster_party_id, r.target_party_id, r.text) for r in rows]


def _nothing_stored(session: Session) -> bool:
    fresh(session)
    return not session.exec(select(Comment)).all() and not session.exec(select(Response)).all()


@pytest.mark.parametrize("key", [None, "retry-1"], ids=["group commit", "idempotent"])
def test_a_comment_sent_with_the_answers_is_stored_like_a_web_comment(
    api: TestClient, caller: Caller, session: Session, forms: FormsWorld, key: str | None
) -> None:
    token = _contractor_tokens(forms)[0]
    sent = _post(api, caller, token, _body(forms, f"  {IDEA}\r\n"), key)
    assert sent.status_code == 200, sent.text
    assert sent.json()["status"] == "submitted"
    context = invitation_state.load_invitation(session, token=token)
    invitation = context.invitation
    assert _stored(session) == [
        (invitation.participant_id, forms.contractor.id, forms.client.id, IDEA)
    ]
    # What the web survey's comment page would show the partner is exactly this text.
    assert (
        comments.saved_comment(
            session, invitation_id=invitation.id or 0, target_party_id=forms.client.id or 0
        )
        == IDEA
    )
    if key:
        again = _post(api, caller, token, _body(forms, f"  {IDEA}\r\n"), key)
        assert (again.status_code, again.json()) == (200, sent.json())
        assert len(_stored(session)) == 1


def test_coaches_see_api_comments_only_from_the_threshold_and_never_in_webhooks(
    api: TestClient, caller: Caller, session: Session, forms: FormsWorld
) -> None:
    session.add(
        Webhook(
            organisation_id=caller.organisation_id,
            url="https://example.org/hook",
            events=["response.submitted"],
            secret_salt="salt",
        )
    )
    session.commit()
    tokens = _contractor_tokens(forms)
    for number, token in enumerate(tokens[:4]):
        assert _post(api, caller, token, _body(forms, f"Idee {number}")).status_code == 200
    url = f"/rounds/{forms.round.id}/comments"
    assert api.post(f"/rounds/{forms.round.id}/close", headers=caller.headers).is_success
    group = _group(api.get(url, headers=caller.headers).json(), forms)
    assert (group["shown"], group["count"], group["comments"]) == (False, None, [])
    fresh(session)
    assert len(payloads := [job.payload for job in session.exec(select(OutboxJob))]) == 4
    assert "Idee" not in str(payloads)


def test_comments_of_an_open_round_are_shown_only_once_it_closes(
    api: TestClient, caller: Caller, session: Session, forms: FormsWorld
) -> None:
    # Shown live, a text that appeared right after one submission would be that person's:
    # the invitation list says who submitted when.
    tokens = _contractor_tokens(forms)
    url = f"/rounds/{forms.round.id}/comments"
    for number, token in enumerate(tokens):
        assert _post(api, caller, token, _body(forms, f"Idee {number}")).status_code == 200
        refused = api.get(url, headers=caller.headers)
        assert refused.status_code == 409, refused.text
        assert refused.headers["content-type"] == "application/problem+json"
        assert "Idee" not in refused.text and "closes" in refused.json()["detail"]
    assert api.post(f"/rounds/{forms.round.id}/close", headers=caller.headers).is_success
    group = _group(api.get(url, headers=caller.headers).json(), forms)
    assert (group["shown"], group["count"]) == (True, 5)
    assert group["comments"] == [f"Idee {n}" for n in range(5)]


def _group(body: dict[str, Any], forms: FormsWorld) -> dict[str, Any]:
    return next(
        g
        for g in body["groups"]
        if (g["truster_party_id"], g["target_party_id"]) == (forms.contractor.id, forms.client.id)
    )


def test_a_save_replaces_the_comment_an_empty_text_deletes_it(
    api: TestClient, caller: Caller, session: Session, forms: FormsWorld
) -> None:
    token = _contractor_tokens(forms)[0]
    assert _post(api, caller, token, _body(forms, "Eerste", final=False)).status_code == 200
    assert _post(api, caller, token, _body(forms, "Tweede", final=False)).status_code == 200
    assert [text for *_, text in _stored(session)] == ["Tweede"]
    # Parties not listed keep their comment: a save of answers alone changes none.
    only_answers = {"answers": _answers(forms), "final": False}
    assert _post(api, caller, token, only_answers).status_code == 200
    assert [text for *_, text in _stored(session)] == ["Tweede"]
    assert _post(api, caller, token, _body(forms, "   ", final=False)).status_code == 200
    assert _stored(session) == []


def test_a_save_of_a_comment_alone_starts_the_invitation_so_the_link_alone_cannot_read_it(
    api: TestClient, caller: Caller, session: Session, forms: FormsWorld
) -> None:
    token = _contractor_tokens(forms)[0]
    body = {**_body(forms, final=False), "answers": []}
    saved = _post(api, caller, token, body)
    assert saved.status_code == 200, saved.text
    assert saved.json()["status"] == "started"
    fresh(session)
    invitation = invitation_state.load_invitation(session, token=token).invitation
    assert invitation.status == InvitationStatus.STARTED
    # A final submission still needs an answer: a comment alone is no response.
    final = {**body, "final": True}
    refused = _post(api, caller, token, final)
    assert refused.status_code == 422
    assert [p["name"] for p in refused.json()["invalid_params"]] == ["answers"]


def test_a_comment_up_to_the_limit_is_kept_with_its_windows_line_breaks_counted_once(
    api: TestClient, caller: Caller, session: Session, forms: FormsWorld
) -> None:
    text = "ab\r\n" * 666 + "ab"  # 2,000 characters as the partner sees them
    sent = _post(api, caller, _contractor_tokens(forms)[0], _body(forms, text))
    assert sent.status_code == 200, sent.text
    [(*_, stored)] = _stored(session)
    assert len(stored) == 2000 and "\r" not in stored


BAD = [
    ("x" * 2001, None, "comments.0.text", "at most 2,000 characters"),
    ("Idee\x07", None, "comments.0.text", "control characters"),
    ("Idee\x00", None, "comments.0.text", "NUL character"),
    (IDEA, "self", "comments.0.target_party_id", "not a party you rate"),
    (IDEA, 999_999, "comments.0.target_party_id", "not a party you rate"),
]


@pytest.mark.parametrize("key", [None, "retry-1"], ids=["group commit", "idempotent"])
@pytest.mark.parametrize(
    ("text", "target", "field", "reason"),
    BAD,
    ids=["too long", "bell", "nul", "own party", "unknown party"],
)
def test_a_bad_comment_names_its_field_and_stores_nothing(
    api: TestClient,
    caller: Caller,
    session: Session,
    forms: FormsWorld,
    text: str,
    target: Any,
    field: str,
    reason: str,
    key: str | None,
) -> None:
    body = _body(forms, text)
    if target is not None:
        body["comments"][0]["target_party_id"] = forms.contractor.id if target == "self" else target
    token = _contractor_tokens(forms)[0]
    refused = _post(api, caller, token, body, key)
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    [problem] = refused.json()["invalid_params"]
    assert problem["name"] == field and reason in problem["reason"]
    assert _nothing_stored(session)
    fresh(session)
    invitation = invitation_state.load_invitation(session, token=token).invitation
    assert invitation.status == InvitationStatus.PENDING


def test_two_comments_about_one_party_are_refused(
    api: TestClient, caller: Caller, session: Session, forms: FormsWorld
) -> None:
    body = _body(forms)
    body["comments"].append({"target_party_id": forms.client.id, "text": "Nog iets"})
    refused = _post(api, caller, _contractor_tokens(forms)[0], body)
    assert refused.status_code == 422
    assert refused.json()["invalid_params"] == [
        {
            "name": "comments.1.target_party_id",
            "reason": "a second comment about this party (see comments.0)",
        }
    ]
    assert _nothing_stored(session)


@pytest.mark.parametrize("key", [None, "retry-1"], ids=["group commit", "idempotent"])
def test_a_bad_answer_and_a_bad_comment_are_named_together(
    api: TestClient, caller: Caller, session: Session, forms: FormsWorld, key: str | None
) -> None:
    body = _body(forms, "Idee\x1b")
    body["answers"][1]["value"] = 99
    refused = _post(api, caller, _contractor_tokens(forms)[0], body, key)
    assert refused.status_code == 422
    names = [p["name"] for p in refused.json()["invalid_params"]]
    assert names == ["answers.1.value", "comments.0.text"]
    assert _nothing_stored(session)


def test_malformed_comments_are_refused_by_the_schema(
    api: TestClient, caller: Caller, session: Session, forms: FormsWorld
) -> None:
    token = _contractor_tokens(forms)[0]
    for comment, field in (
        ({"target_party_id": forms.client.id}, "comments.0.text"),
        ({"target_party_id": forms.client.id, "text": 5}, "comments.0.text"),
        ({"target_party_id": str(forms.client.id), "text": "x"}, "comments.0.target_party_id"),
        ({"target_party_id": forms.client.id, "text": "x", "author": "y"}, "comments.0.author"),
    ):
        refused = _post(api, caller, token, {**_body(forms), "comments": [comment]})
        assert refused.status_code == 422, comment
        assert [p["name"] for p in refused.json()["invalid_params"]] == [field]
    assert _nothing_stored(session)


def test_a_questionnaire_without_a_comment_prompt_takes_no_comments(
    api: TestClient, world: World, session: Session
) -> None:
    item = next(i for i in world.open.invitations if i.token)
    target = item.invitation.target_party_ids[0]
    body = {
        "answers": [],
        "comments": [{"target_party_id": target, "text": IDEA}],
        "final": False,
    }
    refused = _post(api, world.caller, item.token or "", body)
    assert refused.status_code == 422
    assert refused.json()["invalid_params"] == [
        {"name": "comments", "reason": "this round's questionnaire asks for no comments"}
    ]
    assert _nothing_stored(session)


def test_comments_after_the_submission_are_refused(
    api: TestClient, caller: Caller, session: Session, forms: FormsWorld
) -> None:
    token = _contractor_tokens(forms)[0]
    assert _post(api, caller, token, _body(forms, "Eerste")).status_code == 200
    late = _post(api, caller, token, {**_body(forms, "Later"), "answers": []})
    assert late.status_code == 409
    assert [text for *_, text in _stored(session)] == ["Eerste"]


def test_another_organisations_key_cannot_comment_through_a_token(
    api: TestClient, session: Session, forms: FormsWorld
) -> None:
    stranger = make_caller(session, name="Provincie Elders")
    for key in (None, "stranger-1"):
        refused = _post(api, stranger, _contractor_tokens(forms)[0], _body(forms), key)
        assert refused.status_code == 404
    assert _nothing_stored(session)
    fresh(session)
    assert all(i.status == InvitationStatus.PENDING for i in session.exec(select(Invitation)))


def test_the_openapi_schema_documents_comments_with_an_example(api: TestClient) -> None:
    schema = api.get("/openapi.json").json()
    comment = schema["components"]["schemas"]["CommentIn"]
    assert set(comment["required"]) == {"target_party_id", "text"}
    assert "2,000" in comment["properties"]["text"]["description"]
    submission = schema["components"]["schemas"]["ResponseSubmission"]["properties"]
    assert "comment threshold" in submission["comments"]["description"]
    operation = schema["paths"]["/invitations/{token}/responses"]["post"]
    examples = operation["requestBody"]["content"]["application/json"]["examples"]
    assert examples["with_comments"]["value"]["comments"][0]["text"]
