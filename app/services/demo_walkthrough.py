"""The demo's open round: e-mail addresses, some answers in, one personal link per party."""

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session, col, select

from app.config import Settings
from app.infra.unit_of_work import unit_of_work
from app.models import (
    Collaboration,
    Invitation,
    InvitationStatus,
    Participant,
    Party,
    Round,
    RoundStatus,
    utcnow,
)
from app.models.response import AnswerIn
from app.models.round import Phase, RoundCreate
from app.services.answering import responses
from app.services.setup import rounds
from app.services.setup.invitation_tokens import survey_url, token_for

OPEN_ROUND = ("Evaluatie eerste jaar", Phase.EVALUATION)
# Two of each party's six have answered: the newcomer's answer is the third, so the party
# reaches the anonymity threshold (3) and appears on the dashboard once the round is closed.
ANSWERED_PER_PARTY = 2
MAIL_DOMAINS = {
    "Gemeente Utrecht": "utrecht.example.nl",
    "Provincie Utrecht": "provincie-utrecht.example.nl",
    "Aannemer Van den Berg BV": "vandenberg.example.nl",
    "Wegenbouw Rijnland": "wegenbouw-rijnland.example.nl",
}


@dataclass(frozen=True, slots=True)
class PartnerLink:
    """A personal link of someone who has not answered the open round yet."""

    party: str
    participant: str
    url: str


def add_email_addresses(session: Session, *, collaboration_id: int) -> None:
    """first-name@party-domain for every demo participant (after the closed rounds, so only
    the open round's invitations are e-mailed)."""
    with unit_of_work(session):
        rows = session.exec(
            select(Participant, Party)
            .join(Party)
            .where(Party.collaboration_id == collaboration_id)
            .order_by(col(Participant.id))
        ).all()
        for participant, party in rows:
            local = _ascii(participant.name or participant.pseudonym).lower().replace(" ", ".")
            participant.email = f"{local}@{MAIL_DOMAINS.get(party.name, 'example.nl')}"
            session.add(participant)


def open_walkthrough_round(
    session: Session,
    *,
    organisation_id: int,
    collaboration_id: int,
    questionnaire_id: int,
    settings: Settings,
    answers_for: Callable[[int, list[int]], list[AnswerIn]],
) -> None:
    """Open the fifth round (its invitations are e-mailed) and let two per party answer."""
    label, phase = OPEN_ROUND
    round_ = rounds.create_round(
        session,
        organisation_id=organisation_id,
        collaboration_id=collaboration_id,
        data=RoundCreate(
            label=label,
            phase=phase,
            questionnaire_id=questionnaire_id,
            opens_at=None,
            closes_at=utcnow() + timedelta(days=28),
        ),
    )
    assert round_.id is not None
    issued = rounds.open_round(
        session, organisation_id=organisation_id, round_id=round_.id, settings=settings
    )
    answered: dict[int, int] = {}
    for item in issued:
        party_id = item.invitation.party_id
        if item.token is None or answered.get(party_id, 0) >= ANSWERED_PER_PARTY:
            continue
        answered[party_id] = answered.get(party_id, 0) + 1
        answers = answers_for(party_id, item.invitation.target_party_ids)
        responses.submit_answers(session, token=item.token, answers=answers, final=True)


def partner_links(
    session: Session, *, collaboration: Collaboration, settings: Settings
) -> list[PartnerLink]:
    """Per party, the link of its first participant who has not submitted the open round."""
    open_round = session.exec(
        select(Round)
        .where(Round.collaboration_id == collaboration.id, Round.status == RoundStatus.OPEN)
        .order_by(col(Round.id).desc())
    ).first()
    if open_round is None:
        return []
    rows = session.exec(
        select(Invitation, Participant, Party)
        .join(Participant, col(Participant.id) == Invitation.participant_id)
        .join(Party, col(Party.id) == Invitation.party_id)
        .where(
            Invitation.round_id == open_round.id,
            col(Invitation.status).in_([InvitationStatus.PENDING, InvitationStatus.STARTED]),
        )
        .order_by(col(Party.id), col(Invitation.id))
    ).all()
    links: dict[int, PartnerLink] = {}
    for invitation, participant, party in rows:
        if party.id is not None and party.id not in links:
            url = survey_url(
                settings.base_url, token_for(settings.secret_key, invitation.token_salt)
            )
            links[party.id] = PartnerLink(
                party.name, participant.name or participant.pseudonym, url
            )
    return list(links.values())


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
