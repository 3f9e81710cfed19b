"""Measurement rounds: create as draft, open (making invitations), close."""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from app.config import Settings
from app.errors import Conflict, FieldProblem, InvalidInput, NotFound
from app.infra.unit_of_work import unit_of_work
from app.models import (
    Collaboration,
    Invitation,
    Participant,
    Party,
    Round,
    RoundStatus,
    utcnow,
)
from app.models.round import RoundCreate
from app.services.access.lookups import get_collaboration, get_round
from app.services.access.paging import fetch_page
from app.services.messaging import alert_mail, events, mail
from app.services.results import alerts
from app.services.setup import questionnaires
from app.services.setup.invitation_tokens import new_salt, token_for, token_hash_for
from app.services.setup.targets import invitation_targets


@dataclass(frozen=True, slots=True)
class IssuedInvitation:
    invitation: Invitation
    token: str | None  # only for invitations made by this call


def create_round(
    session: Session, *, organisation_id: int, collaboration_id: int, data: RoundCreate
) -> Round:
    with unit_of_work(session):
        get_collaboration(
            session, organisation_id=organisation_id, collaboration_id=collaboration_id
        )
        try:
            questionnaires.get_questionnaire(
                session, organisation_id=organisation_id, questionnaire_id=data.questionnaire_id
            )
        except NotFound as exc:
            raise InvalidInput(
                exc.message, problems=[FieldProblem("questionnaire_id", "unknown questionnaire")]
            ) from exc
        round_ = Round(collaboration_id=collaboration_id, **data.model_dump())
        session.add(round_)
    return round_


def list_rounds(
    session: Session,
    *,
    organisation_id: int,
    collaboration_id: int,
    after_id: int | None = None,
    updated_since: datetime | None = None,
    limit: int = 500,
) -> list[Round]:
    get_collaboration(session, organisation_id=organisation_id, collaboration_id=collaboration_id)
    query = select(Round).where(Round.collaboration_id == collaboration_id)
    return fetch_page(
        session, query, Round, after_id=after_id, updated_since=updated_since, limit=limit
    )


def open_round(
    session: Session, *, organisation_id: int, round_id: int, settings: Settings
) -> list[IssuedInvitation]:
    """Open a draft round and invite every participant; opening again invites newcomers only.

    Tokens are returned only for invitations made now; earlier ones come back without.
    """
    with unit_of_work(session):
        round_ = get_round(session, organisation_id=organisation_id, round_id=round_id)
        if round_.status == RoundStatus.CLOSED:
            raise Conflict(
                f"Round '{round_.label}' is closed and cannot be opened again.",
                code="round.closed",
            )
        parties = session.exec(
            select(Party)
            .where(Party.collaboration_id == round_.collaboration_id)
            .order_by(col(Party.id))
        ).all()
        if len(parties) < 2:
            raise Conflict(
                "A round needs at least two parties, so they can rate each other.",
                code="round.too_few_parties",
            )
        participants = session.exec(
            select(Participant)
            .where(col(Participant.party_id).in_([p.id for p in parties]))
            .where(col(Participant.erased_at).is_(None))
            .order_by(col(Participant.id))
        ).all()
        if not participants:
            raise Conflict(
                "Add participants to the parties before opening the round.",
                code="round.no_participants",
            )
        existing = {
            inv.participant_id: inv
            for inv in session.exec(select(Invitation).where(Invitation.round_id == round_id))
        }
        issued: list[IssuedInvitation] = []
        for participant in participants:
            if participant.id in existing:
                issued.append(IssuedInvitation(existing[participant.id], token=None))
                continue
            assert participant.id is not None
            targets, kinds = invitation_targets(participant, parties)
            salt = new_salt()
            invitation = Invitation(
                round_id=round_id,
                participant_id=participant.id,
                party_id=participant.party_id,
                token_salt=salt,
                token_hash=token_hash_for(settings.secret_key, salt),
                target_party_ids=targets,
                target_kinds=kinds,
                language=participant.language,
            )
            session.add(invitation)
            issued.append(IssuedInvitation(invitation, token=token_for(settings.secret_key, salt)))
        if round_.status == RoundStatus.DRAFT:
            round_.status = RoundStatus.OPEN
            round_.opened_at = utcnow()
            session.add(round_)
        session.flush()
        mail.queue_invitations(session, round_=round_, issued=issued, settings=settings)
    return issued


def close_round(session: Session, *, organisation_id: int, round_id: int) -> Round:
    with unit_of_work(session):
        round_ = get_round(session, organisation_id=organisation_id, round_id=round_id)
        if round_.status == RoundStatus.CLOSED:
            return round_
        if round_.status == RoundStatus.DRAFT:
            raise Conflict(
                f"Round '{round_.label}' was never opened; there is nothing to close.",
                code="round.never_opened",
            )
        round_.status = RoundStatus.CLOSED
        round_.closed_at = utcnow()
        session.add(round_)
        collaboration = session.get(Collaboration, round_.collaboration_id)
        assert collaboration is not None
        raised = alerts.raise_round_alerts(session, collaboration=collaboration, round_=round_)
        alert_mail.queue_immediate(session, collaboration=collaboration, alerts=raised)
        events.emit(
            session,
            organisation_id=organisation_id,
            event="round.closed",
            data={"round_id": round_.id, "collaboration_id": round_.collaboration_id},
        )
    return round_


def list_invitations(
    session: Session,
    *,
    organisation_id: int,
    round_id: int,
    after_id: int | None = None,
    updated_since: datetime | None = None,
    limit: int | None = None,
) -> list[Invitation]:
    get_round(session, organisation_id=organisation_id, round_id=round_id)
    query = select(Invitation).where(Invitation.round_id == round_id)
    return fetch_page(
        session, query, Invitation, after_id=after_id, updated_since=updated_since, limit=limit
    )
