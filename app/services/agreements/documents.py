"""Agreements as the API shows them: the stored fields with their outcome in figures."""

from collections.abc import Sequence

from sqlmodel import Session

from app.models import Agreement, Collaboration
from app.models.agreement import AgreementOutcome, AgreementPublic, AreaScoreOut, VerdictOut
from app.scoring.agreements import VERDICT_MAX, VERDICT_MIN, AreaScore
from app.services.results.agreement_outcomes import outcomes


def agreement_documents(
    session: Session, *, agreements: Sequence[Agreement]
) -> list[AgreementPublic]:
    """Agreements of one collaboration (or none) with their before/after and verdict."""
    if not agreements:
        return []
    collaboration = session.get(Collaboration, agreements[0].collaboration_id)
    assert collaboration is not None
    found = outcomes(session, collaboration=collaboration, agreements=agreements)
    documents = []
    for agreement in agreements:
        assert agreement.id is not None
        outcome = found[agreement.id]
        judged = outcome.verdict
        verdict = (
            None
            if judged is None or agreement.check_round_id is None
            else VerdictOut(
                round_id=agreement.check_round_id,
                n=judged.n,
                suppressed=judged.suppressed,
                mean=judged.mean,
                dont_know=judged.dont_know,
                scale_min=VERDICT_MIN,
                scale_max=VERDICT_MAX,
            )
        )
        shown = AgreementOutcome(
            area=agreement.area,
            before=_score(agreement.round_id, outcome.before),
            after=_score(agreement.check_round_id, outcome.after),
            verdict=verdict,
        )
        fields = agreement.model_dump()
        documents.append(AgreementPublic(**fields, outcome=shown))
    return documents


def agreement_document(session: Session, agreement: Agreement) -> AgreementPublic:
    return agreement_documents(session, agreements=[agreement])[0]


def _score(round_id: int | None, score: AreaScore | None) -> AreaScoreOut | None:
    if round_id is None or score is None:
        return None
    summary = score.summary
    return AreaScoreOut(
        round_id=round_id,
        n=score.n,
        suppressed=score.suppressed,
        mean=summary.mean if summary else None,
        ci_low=summary.ci_low if summary else None,
        ci_high=summary.ci_high if summary else None,
    )
