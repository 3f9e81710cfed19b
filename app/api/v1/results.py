"""Results: /rounds/{id}/scores, /reliability, /comments, /collaborations/{id}/trends."""

from typing import Any

from fastapi import APIRouter, Response

from app.api import examples
from app.api.deps import CollaborationId, ReaderDep, RoundId, SessionDep
from app.api.problems import problem_responses
from app.models.comment import CommentGroupOut, RoundCommentsOut
from app.models.results import ReliabilityOut, RoundScoresOut, TrendsOut
from app.services.privacy import audit
from app.services.results import comments, result_documents, results, trends

COMMENTS_EXAMPLE = {
    "round_id": 3,
    "threshold": 5,
    "groups": [
        {
            "truster_party_id": 12,
            "target_party_id": 13,
            "shown": True,
            "count": 5,
            "comments": ["Eerder de planning delen.", "Samen de risico's doorlopen."],
        },
        {
            "truster_party_id": 13,
            "target_party_id": 12,
            "shown": False,
            "count": None,
            "comments": [],
        },
    ],
}

router = APIRouter(tags=["results"], responses=problem_responses(401, 403, 404, 422, 429))


@router.get(
    "/rounds/{round_id}/scores",
    response_model=RoundScoresOut,
    responses={**problem_responses(409), **examples.json_example(200, examples.ROUND_SCORES)},
    summary="Round scores",
)
def get_round_scores(round_id: RoundId, session: SessionDep, principal: ReaderDep) -> Any:
    """Per truster party: respondents `n`, means with SD and 95% CI of propensity, analysis
    and every area, the zone of the means, `borderline`, `zone_counts`, and `targets[]` per
    directed pair. Groups of fewer than k respondents are `suppressed` with no figures, and
    a second group is hidden only where a figure shown beside it would otherwise reveal the
    smaller one (`suppressed_reason`). Figures appear once the round is closed: while it is
    open, 409 (scores that moved with every submission would give one person's score away)."""
    result = results.round_result(
        session, organisation_id=principal.organisation_id, round_id=round_id
    )
    audit.record_view(
        session,
        organisation_id=principal.organisation_id,
        api_key_id=principal.api_key_id,
        action="scores.viewed",
        subject=f"round:{round_id}",
    )
    return result_documents.round_scores_document(result)


@router.get(
    "/rounds/{round_id}/reliability",
    response_model=list[ReliabilityOut],
    responses={**problem_responses(409), **examples.json_example(200, examples.RELIABILITY)},
    summary="Scale reliability",
)
def get_round_reliability(round_id: RoundId, session: SessionDep, principal: ReaderDep) -> Any:
    """Cronbach's alpha per scale (listwise) with its 95% Feldt confidence interval; 409
    while the round is open (figures appear once it is closed)."""
    scales = results.round_reliability(
        session, organisation_id=principal.organisation_id, round_id=round_id
    )
    return result_documents.reliability_document(scales)


@router.get(
    "/collaborations/{collaboration_id}/trends",
    response_model=TrendsOut,
    responses=examples.json_example(200, examples.TRENDS),
    summary="Trends over rounds",
)
def get_trends(collaboration_id: CollaborationId, session: SessionDep, principal: ReaderDep) -> Any:
    """Per party and per directed pair: every round's aggregate, the change between
    consecutive rounds (Welch, and paired for returning participants, with Cohen's d), and
    the alerts raised. Only closed rounds are included: an open round has no figures yet."""
    found = trends.collaboration_trends(
        session, organisation_id=principal.organisation_id, collaboration_id=collaboration_id
    )
    audit.record_view(
        session,
        organisation_id=principal.organisation_id,
        api_key_id=principal.api_key_id,
        action="trends.viewed",
        subject=f"collaboration:{collaboration_id}",
    )
    # Bytes, not the model: large documents are kept serialised (see trends_json).
    return Response(result_documents.trends_json(session, found), media_type="application/json")


@router.get(
    "/rounds/{round_id}/comments",
    response_model=RoundCommentsOut,
    responses={**problem_responses(409), **examples.json_example(200, COMMENTS_EXAMPLE)},
    summary="Partners' comments",
)
def get_round_comments(round_id: RoundId, session: SessionDep, principal: ReaderDep) -> Any:
    """Per directed pair (truster -> target), the partners' open comments about what would
    help trust. A pair's comments are shown only when at least `threshold` people commented
    (the collaboration's `comment_threshold`, never below k); never with the author, sorted
    alphabetically rather than in the order written. Comments appear once the round is
    closed: while it is open, 409 (a text that appeared right after one submission would be
    that person's)."""
    found = comments.round_comments(
        session, organisation_id=principal.organisation_id, round_id=round_id
    )
    audit.record_view(
        session,
        organisation_id=principal.organisation_id,
        api_key_id=principal.api_key_id,
        action="comments.viewed",
        subject=f"round:{round_id}",
    )
    return RoundCommentsOut(
        round_id=found.round_id,
        threshold=found.threshold,
        groups=[
            CommentGroupOut(
                truster_party_id=group.truster_party_id,
                target_party_id=group.target_party_id,
                shown=group.shown,
                count=group.count,
                comments=group.texts,
            )
            for group in found.groups
        ],
    )
