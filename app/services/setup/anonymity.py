"""A collaboration's anonymity promise: once answers exist it may only become stricter."""

from collections.abc import Mapping

from sqlmodel import Session, col, select

from app.errors import FieldProblem, InvalidInput
from app.infra.messages import N_
from app.models import Collaboration, Response, Round

THRESHOLD_LOWERED = N_(
    "Answers were already given under the current anonymity threshold. It can be raised now, "
    "but not lowered."
)
IDENTIFIED_LATER = N_(
    "Answers were already given anonymously. Identified mode can only be switched on before "
    "anyone answers."
)


def refuse_loosening(
    session: Session, *, collaboration: Collaboration, changes: Mapping[str, object]
) -> None:
    """InvalidInput naming each setting that would loosen anonymity after answers were given.

    Partners answered under the promise the collaboration made them then; a lower k or
    identified mode would show their answers in smaller groups or as named rows.
    """
    problems = []
    threshold = changes.get("anonymity_threshold")
    if isinstance(threshold, int) and threshold < collaboration.anonymity_threshold:
        problems.append(FieldProblem("anonymity_threshold", THRESHOLD_LOWERED))
    if changes.get("identified_mode") is True and not collaboration.identified_mode:
        problems.append(FieldProblem("identified_mode", IDENTIFIED_LATER))
    if problems and has_answers(session, collaboration_id=collaboration.id or 0):
        raise InvalidInput(
            "Answers exist: anonymity settings can only become stricter; nothing was changed.",
            problems=problems,
            code="collaboration.anonymity_looser",
        )


def has_answers(session: Session, *, collaboration_id: int) -> bool:
    """Whether anyone saved or submitted an answer in any round of the collaboration."""
    query = (
        select(Response.id)
        .join(Round, col(Round.id) == col(Response.round_id))
        .where(Round.collaboration_id == collaboration_id)
        .limit(1)
    )
    return session.exec(query).first() is not None
