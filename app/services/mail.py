"""E-mail to participants, queued in the outbox and rendered when the worker sends it."""

from collections.abc import Sequence
from typing import Any, Protocol

from sqlmodel import Session

from app.config import Settings
from app.models import Collaboration, Invitation, JobKind, OutboxJob, Participant, Round


class _Issued(Protocol):
    @property
    def invitation(self) -> Invitation: ...
    @property
    def token(self) -> str | None: ...


def queue_invitations(
    session: Session, *, round_: Round, issued: Sequence[_Issued], settings: Settings
) -> int:
    """Queue one invitation e-mail per newly invited participant who has an address.

    The job holds only the invitation id: the worker rebuilds the link from SECRET_KEY, so
    no usable token sits in the outbox.
    """
    queued = 0
    organisation_id = _organisation_of(session, round_)
    for item in issued:
        if item.token is None:
            continue
        participant = session.get(Participant, item.invitation.participant_id)
        if participant is None or not participant.email:
            continue
        session.add(_email_job(organisation_id, item.invitation, "invitation"))
        queued += 1
    return queued


def _email_job(organisation_id: int, invitation: Invitation, template: str) -> OutboxJob:
    payload: dict[str, Any] = {"template": template, "invitation_id": invitation.id}
    return OutboxJob(
        organisation_id=organisation_id,
        kind=JobKind.EMAIL,
        invitation_id=invitation.id,
        payload=payload,
    )


def _organisation_of(session: Session, round_: Round) -> int:
    collaboration = session.get(Collaboration, round_.collaboration_id)
    assert collaboration is not None
    return collaboration.organisation_id
