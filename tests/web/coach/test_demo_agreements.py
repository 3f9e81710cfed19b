"""The demo's action loop: agreements after rounds 2 and 3, judged in the next round, with
verdicts and before/after a coach can show; loading it again adds nothing."""

from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from app.config import Settings
from app.models import Agreement, AgreementCheck, Collaboration, Round, RoundNote, User
from app.services import demo
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
