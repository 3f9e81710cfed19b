"""The action loop over HTTP: round 1, an agreement, round 2 asks the follow-up, the verdict and
the before/after appear in the API, on the coach's dashboard and on the share page."""

import re

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.config import Settings
from app.models import AgreementCheck, JobKind, OutboxJob, Response
from app.services.setup import questionnaires
from tests.api.conftest import Caller
from tests.factories import make_open_collaboration, make_user
from tests.web.coach.conftest import browser_for

CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


def answer_everything(
    api: TestClient, h: dict[str, str], token: str, targets: list[int], items: list[str], value: int
) -> None:
    answers = [
        {"target_party_id": target, "item_id": item, "value": value}
        for target in targets
        for item in items
    ]
    sent = api.post(
        f"/invitations/{token}/responses", headers=h, json={"answers": answers, "final": False}
    )
    assert sent.status_code == 200, sent.text


def submit(api: TestClient, h: dict[str, str], token: str) -> None:
    sent = api.post(
        f"/invitations/{token}/responses", headers=h, json={"answers": [], "final": True}
    )
    assert sent.status_code == 200, sent.text


def rate_agreement(client: TestClient, token: str, agreement_id: int, value: str) -> None:
    page = client.get(f"/s/{token}/agreements")
    assert page.status_code == 200, page.text
    assert "Afspraken nakomen" in page.text
    csrf = CSRF.search(page.text)
    assert csrf
    saved = client.post(
        f"/s/{token}/agreements",
        data={"csrf_token": csrf.group(1), f"a-{agreement_id}": value, "action": "next"},
        follow_redirects=False,
    )
    assert saved.status_code == 303 and saved.headers["location"].endswith("/review")


def test_the_whole_loop(
    api: TestClient, client: TestClient, session: Session, settings: Settings, caller: Caller
) -> None:
    opened = make_open_collaboration(
        session, settings=settings, organisation_id=caller.organisation_id
    )
    municipality, contractor = (p.id for p in opened.parties)
    assert municipality is not None and contractor is not None
    items = questionnaires.definition_by_id(session, opened.round.questionnaire_id).item_ids
    h = caller.headers
    # Round 1: everyone answers, the contractor is rated low.
    for item in opened.invitations:
        assert item.token is not None
        answer_everything(api, h, item.token, item.invitation.target_party_ids, items, 3)
        submit(api, h, item.token)
    assert api.post(f"/rounds/{opened.round.id}/close", headers=h).status_code == 200
    second = api.post(
        f"/collaborations/{opened.collaboration.id}/rounds",
        headers=h,
        json={"label": "Tweede meting", "questionnaire_id": opened.round.questionnaire_id},
    ).json()
    created = api.post(
        f"/collaborations/{opened.collaboration.id}/agreements",
        headers=h,
        json={
            "title": "Afspraken nakomen",
            "area": "commitments",
            "committing_party_ids": [contractor],
            "target_party_id": municipality,
            "round_id": opened.round.id,
            "check_round_id": second["id"],
        },
    )
    assert created.status_code == 201, created.text
    agreement = created.json()
    before = agreement["outcome"]["before"]
    assert before["n"] == 3 and not before["suppressed"] and before["mean"] is not None
    assert agreement["outcome"]["verdict"]["n"] == 0
    # Round 2: every partner of both parties is asked the follow-up after the trust items.
    invitations = api.post(f"/rounds/{second['id']}/open", headers=h).json()["invitations"]
    for number, invitation in enumerate(invitations):
        # The follow-up in the browser first: answers an integration saved lock the web
        # questionnaire for anyone without the partner's resume code (docs/privacy.md).
        rate_agreement(client, invitation["token"], agreement["id"], "4" if number % 2 else "5")
        answer_everything(api, h, invitation["token"], invitation["target_party_ids"], items, 5)
        submit(api, h, invitation["token"])
    live = api.get(f"/agreements/{agreement['id']}", headers=h).json()["outcome"]
    assert live["after"] is None and live["verdict"]["n"] == 0  # no figures while open
    assert api.post(f"/rounds/{second['id']}/close", headers=h).status_code == 200
    found = api.get(f"/agreements/{agreement['id']}", headers=h).json()
    verdict = found["outcome"]["verdict"]
    assert verdict == {
        "round_id": second["id"],
        "n": 6,
        "suppressed": False,
        "mean": 4.5,
        "dont_know": 0,
        "scale_min": 1,
        "scale_max": 5,
    }
    after = found["outcome"]["after"]
    assert after["n"] == 3 and after["mean"] > before["mean"]
    session.rollback()  # see what the requests committed
    # The follow-up never touches the trust scores: the same trust answers with different
    # verdicts (4 or 5) give the same scores, and the answers hold questionnaire items only.
    stored = session.exec(select(Response).where(Response.round_id == second["id"])).all()
    assert len({tuple(sorted(r.scores.items())) for r in stored}) == 1
    assert all(set(r.answers) <= set(items) for r in stored)
    assert len(session.exec(select(AgreementCheck)).all()) == 6
    # The coach's dashboard shows the same before/after and verdict.
    coach = browser_for(client, make_user(session, organisation_id=caller.organisation_id))
    dashboard = coach.get(f"/coach/collaborations/{opened.collaboration.id}/dashboard")
    assert dashboard.status_code == 200
    assert "Afspraken nakomen" in dashboard.text and "4,5" in dashboard.text


def test_an_agreement_change_queues_the_webhook(
    api: TestClient, session: Session, settings: Settings, caller: Caller
) -> None:
    opened = make_open_collaboration(
        session, settings=settings, organisation_id=caller.organisation_id
    )
    hook = api.post(
        "/webhooks",
        headers=caller.headers,
        json={"url": "https://hooks.example.org/a", "events": ["agreement.changed"]},
    )
    assert hook.status_code == 201, hook.text
    created = api.post(
        f"/collaborations/{opened.collaboration.id}/agreements",
        headers=caller.headers,
        json={
            "title": "Wekelijks overleg",
            "committing_party_ids": [opened.parties[0].id],
            "round_id": opened.round.id,
        },
    ).json()
    changed = api.patch(
        f"/agreements/{created['id']}", headers=caller.headers, json={"status": "kept"}
    )
    assert changed.status_code == 200 and changed.json()["status"] == "kept"
    session.expire_all()
    jobs = session.exec(select(OutboxJob).where(OutboxJob.kind == JobKind.WEBHOOK)).all()
    payloads = [job.payload for job in jobs]
    assert [(p["event"], p["data"]["change"]) for p in payloads] == [
        ("agreement.changed", "created"),
        ("agreement.changed", "updated"),
    ]
