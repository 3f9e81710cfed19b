"""Partners' comments for the coach: per directed pair, only groups of enough commenters."""

from collections import defaultdict
from dataclasses import dataclass

from sqlmodel import Session, col, select

from app.models import Collaboration, Comment, Invitation, InvitationStatus, Party
from app.services.results.results import closed_round


@dataclass(frozen=True, slots=True)
class CommentGroup:
    """One directed pair's comments; `texts` and `count` only when `shown`."""

    truster_party_id: int
    target_party_id: int
    shown: bool
    count: int | None
    texts: list[str]


@dataclass(frozen=True, slots=True)
class RoundComments:
    round_id: int
    threshold: int
    groups: list[CommentGroup]


def comment_threshold(collaboration: Collaboration) -> int:
    """The collaboration's comment threshold, never below its anonymity threshold k."""
    return max(collaboration.comment_threshold, collaboration.anonymity_threshold)


def round_comments(session: Session, *, organisation_id: int, round_id: int) -> RoundComments:
    """Every directed pair of the round, its comments shown only from `threshold` commenters.

    Only submitted questionnaires count: a draft may still change. Pairs without comments
    are listed too, so whether a hidden group holds any comment at all stays unknown. Texts
    come sorted alphabetically, never in the order they were written, and never with a name.
    Only a closed round's comments are shown (Conflict while it is open), like its figures:
    reading them before and after one submission would tie the new text to whoever the
    invitation list says just submitted.
    """
    round_ = closed_round(session, organisation_id=organisation_id, round_id=round_id)
    collaboration = session.get(Collaboration, round_.collaboration_id)
    assert collaboration is not None and round_.id is not None
    threshold = comment_threshold(collaboration)
    rows = session.exec(
        select(Comment.truster_party_id, Comment.target_party_id, Comment.text)
        .join(Invitation, col(Invitation.id) == Comment.invitation_id)
        .where(Comment.round_id == round_id)
        .where(Invitation.status == InvitationStatus.SUBMITTED)
    ).all()
    texts: dict[tuple[int, int], list[str]] = defaultdict(list)
    for truster, target, text in rows:
        texts[(truster, target)].append(text)
    query = select(Party.id).where(Party.collaboration_id == collaboration.id)
    parties = [party for party in session.exec(query.order_by(col(Party.id))) if party is not None]
    groups = []
    for truster in parties:
        for target in parties:
            if truster == target:
                continue
            found = texts.get((truster, target), [])
            shown = len(found) >= threshold
            groups.append(
                CommentGroup(
                    truster,
                    target,
                    shown,
                    len(found) if shown else None,
                    sorted(found) if shown else [],
                )
            )
    return RoundComments(round_id=round_.id, threshold=threshold, groups=groups)
