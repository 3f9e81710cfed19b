"""The invitation behind a survey link, with the guessing limit every survey request passes."""

from sqlmodel import Session

from app.errors import NotFound, RateLimited
from app.services.answering import invitation_state, resume
from app.services.answering.invitation_state import InvitationContext
from app.services.identity import rate_limits

TOO_MANY_LINKS = "Too many unknown survey links."


def find_survey(
    session: Session,
    *,
    token: str,
    client_key: str,
    limit: int,
    window_seconds: int,
    resume_code: str | None = None,
) -> InvitationContext | None:
    """The invitation behind a known link, only reading; None for an unknown link, which
    the caller must then count with `open_survey`.

    Past the limit every link is refused (RateLimited), known ones too: otherwise the answer
    would still tell a guesser which of their guesses is real. Only a browser that also holds
    the link's resume code is not checked (no count to read on most requests): it proves it
    knows the link already, so the answer tells it nothing.
    """
    try:
        context = invitation_state.load_invitation(session, token=token)
    except NotFound:
        return None
    bucket = f"survey-token:{client_key}"
    if not resume.holds(context.invitation, resume_code) and rate_limits.is_limited(
        session, bucket=bucket, limit=limit, window_seconds=window_seconds
    ):
        raise RateLimited(TOO_MANY_LINKS, retry_after=window_seconds)
    return context


def open_survey(
    session: Session,
    *,
    token: str,
    client_key: str,
    limit: int,
    window_seconds: int,
    resume_code: str | None = None,
) -> InvitationContext:
    """`find_survey`, and for an unknown link: count it per client address, then NotFound
    (RateLimited past the limit)."""
    context = find_survey(
        session,
        token=token,
        client_key=client_key,
        limit=limit,
        window_seconds=window_seconds,
        resume_code=resume_code,
    )
    if context is not None:
        return context
    bucket = f"survey-token:{client_key}"
    if rate_limits.is_limited(session, bucket=bucket, limit=limit, window_seconds=window_seconds):
        raise RateLimited(TOO_MANY_LINKS, retry_after=window_seconds)
    if rate_limits.hit(session, bucket=bucket, window_seconds=window_seconds) > limit:
        raise RateLimited(TOO_MANY_LINKS, retry_after=window_seconds)
    raise NotFound(invitation_state.INVALID_LINK)
