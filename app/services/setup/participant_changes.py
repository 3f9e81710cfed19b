"""Correcting a participant (name, e-mail, party) and giving them a new personal link."""

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from app.config import Settings
from app.errors import Conflict, FieldProblem, InvalidInput, NotFound
from app.infra.unit_of_work import unit_of_work
from app.models import (
    Collaboration,
    Invitation,
    InvitationStatus,
    JobKind,
    OutboxJob,
    Participant,
    Party,
    Round,
    RoundStatus,
)
from app.models.participant_changes import ParticipantUpdate
from app.services.access.lookups import get_collaboration, get_party
from app.services.answering import resume
from app.services.privacy import audit
from app.services.setup.invitation_tokens import new_salt, survey_url, token_for, token_hash_for
from app.services.setup.targets import invitation_targets


@dataclass(frozen=True, slots=True)
class ReissuedLink:
    invitation: Invitation
    token: str
    url: str
    emailed: bool  # a new invitation e-mail was queued


def get_participant(session: Session, *, organisation_id: int, participant_id: int) -> Participant:
    participant = session.get(Participant, participant_id)
    if participant is not None and participant.erased_at is None:
        try:
            get_party(session, organisation_id=organisation_id, party_id=participant.party_id)
            return participant
        except NotFound:
            pass
    raise NotFound(f"No participant {participant_id} in your organisation.")


@dataclass(frozen=True, slots=True)
class ParticipantForm:
    collaboration: Collaboration
    participant: Participant
    parties: list[Party]


def participant_form(
    session: Session, *, organisation_id: int, collaboration_id: int, participant_id: int
) -> ParticipantForm:
    """The participant with the parties they may move to, if they are in this collaboration."""
    collaboration = get_collaboration(
        session, organisation_id=organisation_id, collaboration_id=collaboration_id
    )
    participant = get_participant(
        session, organisation_id=organisation_id, participant_id=participant_id
    )
    parties = list(
        session.exec(
            select(Party).where(Party.collaboration_id == collaboration_id).order_by(col(Party.id))
        )
    )
    if participant.party_id not in {p.id for p in parties}:
        raise NotFound(f"No participant {participant_id} in collaboration {collaboration_id}.")
    return ParticipantForm(collaboration, participant, parties)


def update_participant(
    session: Session, *, organisation_id: int, participant_id: int, data: ParticipantUpdate
) -> Participant:
    """Change what was given; a new party applies to rounds the person has not yet started."""
    with unit_of_work(session):
        participant = get_participant(
            session, organisation_id=organisation_id, participant_id=participant_id
        )
        given = data.model_fields_set
        if "party_id" in given and data.party_id is not None:
            _move(session, organisation_id, participant, data.party_id)
        if "name" in given:
            participant.name = data.name or None
        if "email" in given:
            participant.email = str(data.email).lower() if data.email else None
        if "language" in given:
            participant.language = data.language
        session.add(participant)
        session.flush()
    return participant


def _move(session: Session, organisation_id: int, participant: Participant, party_id: int) -> None:
    current = session.get(Party, participant.party_id)
    try:
        party = get_party(session, organisation_id=organisation_id, party_id=party_id)
    except NotFound as exc:
        raise InvalidInput(
            exc.message, problems=[FieldProblem("party_id", "unknown party")]
        ) from exc
    if current is None or party.collaboration_id != current.collaboration_id:
        raise InvalidInput(
            "A participant can only move to a party of the same collaboration.",
            problems=[FieldProblem("party_id", "not a party of this collaboration")],
        )
    if party.id == participant.party_id:
        return
    participant.party_id = party.id or 0
    in_collaboration = Party.collaboration_id == party.collaboration_id
    parties = session.exec(select(Party).where(in_collaboration).order_by(col(Party.id))).all()
    # Asked about as a new invitation would be: their own choice of targets, each with its kind.
    targets, kinds = invitation_targets(participant, parties)
    # Answers already saved stay with the party they were given for; an untouched invitation
    # of an open or draft round follows the person to the new party.
    waiting = session.exec(
        select(Invitation)
        .join(Round, col(Round.id) == col(Invitation.round_id))
        .where(
            Invitation.participant_id == participant.id,
            col(Invitation.status) == InvitationStatus.PENDING,
            col(Round.status) != RoundStatus.CLOSED,
        )
    ).all()
    for invitation in waiting:
        invitation.party_id = party.id or 0
        invitation.target_party_ids, invitation.target_kinds = targets, kinds
        session.add(invitation)


def reissue_link(
    session: Session,
    *,
    organisation_id: int,
    invitation_id: int,
    settings: Settings,
    user_id: int | None = None,
    api_key_id: int | None = None,
    send_email: bool = True,
) -> ReissuedLink:
    """Give the invitation a new token: the old link stops working at once, saved answers stay."""
    with unit_of_work(session):
        invitation, round_, collaboration = _invitation_in(session, organisation_id, invitation_id)
        if round_.status != RoundStatus.OPEN:
            raise Conflict(
                f"Round '{round_.label}' is not open; its links accept no answers.",
                code="link.round_not_open",
            )
        if invitation.status == InvitationStatus.REVOKED:
            raise Conflict(
                "This invitation was withdrawn; it cannot get a new link.",
                code="link.withdrawn",
            )
        participant = session.get(Participant, invitation.participant_id)
        if participant is None or participant.erased_at is not None:
            raise NotFound(f"No invitation {invitation_id} in your organisation.")
        resume.keep_code(invitation)  # saved answers stay reachable behind the new link
        invitation.token_salt = new_salt()
        invitation.token_hash = token_hash_for(settings.secret_key, invitation.token_salt)
        session.add(invitation)
        emailed = bool(send_email and participant.email)
        if emailed:
            session.add(_invitation_email(collaboration.organisation_id, invitation))
        audit.record(
            session,
            organisation_id=organisation_id,
            user_id=user_id,
            api_key_id=api_key_id,
            action="link.reissued",
            subject=f"invitation:{invitation_id} round:{round_.id}",
        )
    token = token_for(settings.secret_key, invitation.token_salt)
    return ReissuedLink(invitation, token, survey_url(settings.base_url, token), emailed)


def get_invitation(
    session: Session, *, organisation_id: int, invitation_id: int
) -> tuple[Invitation, Round, Collaboration]:
    return _invitation_in(session, organisation_id, invitation_id)


def _invitation_in(
    session: Session, organisation_id: int, invitation_id: int
) -> tuple[Invitation, Round, Collaboration]:
    invitation = session.get(Invitation, invitation_id)
    if invitation is not None:
        round_ = session.get(Round, invitation.round_id)
        if round_ is not None:
            collaboration = session.get(Collaboration, round_.collaboration_id)
            if collaboration is not None and collaboration.organisation_id == organisation_id:
                get_collaboration(
                    session, organisation_id=organisation_id, collaboration_id=collaboration.id or 0
                )
                return invitation, round_, collaboration
    raise NotFound(f"No invitation {invitation_id} in your organisation.")


def _invitation_email(organisation_id: int, invitation: Invitation) -> OutboxJob:
    return OutboxJob(
        organisation_id=organisation_id,
        kind=JobKind.EMAIL,
        invitation_id=invitation.id,
        payload={"template": "invitation", "invitation_id": invitation.id},
    )


class ReissuedLinkSecret:
    """Keeps the new token out of a stored idempotent response; a replay derives it again."""

    marker = "__derived-on-replay__"

    def redact(self, body: Any) -> Any:
        body["token"] = body["url"] = self.marker
        return body

    def restore(self, session: Session, body: Any, settings: Settings) -> Any:
        invitation = session.get(Invitation, body["invitation_id"])
        token = token_for(settings.secret_key, invitation.token_salt) if invitation else None
        body["token"] = token
        body["url"] = survey_url(settings.base_url, token) if token else None
        return body


REISSUED_LINK_SECRET = ReissuedLinkSecret()
