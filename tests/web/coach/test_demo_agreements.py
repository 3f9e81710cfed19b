"""The demo's action loop: agreements after rounds 2 and 3, judged in the next round, with
verdicts and before/after a coach can show; loading it again adds nothing."""

import html
import re

from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from app.config import Settings
from app.models import Agreement, AgreementCheck, Collaboration, Round, RoundNote, User
from app.services import demo, demo_agreements
from app.services.results.agreement_outcomes import agreements_of_collaboration
from tests.web.coach.conftest import browser_for


def test_the_demo_shows_whether_its_agreements_held(
    client: TestClient, session: Session, settings: Settings
) -> None:
    demo.load_demo(session, settings=settings)
    collaboration = session.exec(select(Collaboration)).one()
    labels = {r.id: r.label for r in session.exec(select(Round))}
    views = agreements_of_collaboration(
        session,
        organisation_id=collaboration.organisation_id,
        collaboration_id=collaboration.id or 0,
    )
    made_and_checked = [(v.round[1], v.check_round[1] if v.check_round else None) for v in views]
    second, third, fourth = (demo.ROUNDS[i][0] for i in (1, 2, 3))
    assert made_and_checked == [(second, third), (second, third), (third, fourth), (third, fourth)]
    assert [v.status.value for v in views] == ["kept", "not_kept", "kept", "open"]
    for view in views:
        verdict, before, after = view.outcome.verdict, view.outcome.before, view.outcome.after
        assert verdict is not None and not verdict.suppressed and verdict.mean is not None
        assert (verdict.n or 0) >= collaboration.anonymity_threshold
        assert before is not None and not before.suppressed and before.summary is not None
        assert after is not None and not after.suppressed and after.summary is not None
    kept, not_kept = views[0].outcome.verdict, views[1].outcome.verdict
    assert kept and not_kept and (kept.mean or 0) > 3.5 > (not_kept.mean or 0)
    assert len(session.exec(select(RoundNote)).all()) == 2
    assert set(labels.values()) >= {second, third}

    counts = (Agreement, AgreementCheck, RoundNote)
    before_again = [session.exec(select(func.count()).select_from(m)).one() for m in counts]
    demo.load_demo(session, settings=settings)
    assert [session.exec(select(func.count()).select_from(m)).one() for m in counts] == (
        before_again
    )

    coach = browser_for(
        client,
        session.exec(select(User).where(User.email == demo.COACH_EMAIL)).one(),
        demo.COACH_PASSWORD,
    )
    page = coach.get(f"/coach/collaborations/{collaboration.id}/agreements")
    assert page.status_code == 200
    assert f"Gemaakt na {second}" in page.text and f"Gemaakt na {third}" in page.text
    assert "Toezeggingen binnen een week schriftelijk bevestigen" in page.text


def test_on_the_demo_the_coach_shows_the_partners_their_mirror_and_the_agreements(
    app,  # type: ignore[no-untyped-def]
    client: TestClient,
    session: Session,
    settings: Settings,
) -> None:
    demo.load_demo(session, settings=settings)
    collaboration = session.exec(select(Collaboration)).one()
    third = session.exec(select(Round).where(Round.label == demo.ROUNDS[2][0])).one()
    coach = browser_for(
        client,
        session.exec(select(User).where(User.email == demo.COACH_EMAIL)).one(),
        demo.COACH_PASSWORD,
    )
    feedback = f"/coach/collaborations/{collaboration.id}/rounds/{third.id}/feedback"
    made = coach.post(f"{feedback}/shares", {"sections": ["mirror", "agreements"]})
    assert made.status_code == 200, made.text
    link = re.search(r'id="created-url" type="text" readonly value="([^"]+)"', made.text)
    assert link is not None
    # A partner without an account opens the link on their own device.
    with TestClient(app) as partner:
        page = partner.get("/r/" + link.group(1).rsplit("/", 1)[1])
    assert page.status_code == 200
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page.text)).split())
    # The mirror: per relationship what each says about the other, with figures to discuss.
    assert text.count("↔") == 6  # four parties, six relationships
    assert "Gemeente Utrecht over Provincie Utrecht" in text
    assert "Provincie Utrecht over Gemeente Utrecht" in text
    assert re.search(r"\d+ \(\d+\u2013\d+\)", text)
    # The agreements checked in this round, with the partners' verdict, and the new ones.
    for agreement in demo_agreements.AGREEMENTS:
        assert agreement.title in text
    views = agreements_of_collaboration(
        session,
        organisation_id=collaboration.organisation_id,
        collaboration_id=collaboration.id or 0,
    )
    checked_here = [v for v in views if v.check_round and v.check_round[0] == third.id]
    assert len(checked_here) == 2
    for view in checked_here:  # whether it held: the partners' verdict beside the figures
        assert view.outcome.verdict and view.outcome.verdict.mean is not None
        shown = f"{view.outcome.verdict.mean:.1f} ({view.outcome.verdict.n} oordelen"
        assert shown.replace(".", ",") in text, shown
    assert "matrix-heading" not in page.text and "changes-heading" not in page.text
    for note in demo_agreements.NOTES.values():
        assert note not in page.text
