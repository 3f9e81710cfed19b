"""What the coach's set-up pages show: collaborations, their parties, people and rounds.

Participation is counted per party and round; who answered is never part of it.
"""

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.errors import Conflict, FieldProblem, InvalidInput
from app.infra.unit_of_work import unit_of_work
from app.models import (
    Collaboration,
    Invitation,
    InvitationStatus,
    Participant,
    Party,
    Round,
)
from app.models.collaboration import CollaborationUpdate, ParticipantCreate
from app.services.access.lookups import get_collaboration, get_party
from app.services.answering import responses
from app.services.results import dashboard
from app.services.schedule import cadences
from app.services.schedule.cadences import CadenceView
from app.services.setup import anonymity, collaborations


@dataclass(frozen=True, slots=True)
class PartyRow:
    party: Party
    participants: list[Participant]


@dataclass(frozen=True, slots=True)
class RoundRow:
    round: Round
    invited: int
    submitted: int
    mailed: int  # invitations whose e-mail went out


@dataclass(frozen=True, slots=True)
class Overview:
    collaboration: Collaboration
    parties: list[PartyRow]
    rounds: list[RoundRow]
    cadence: CadenceView | None = None  # the rhythm and its upcoming rounds, when there is one

    @property
    def participants(self) -> int:
        return sum(len(row.participants) for row in self.parties)

    @property
    def ready_for_a_round(self) -> bool:
        return len(self.parties) >= 2 and self.participants > 0


def _counts(session: Session, statement: Any) -> dict[int, int]:
    return {key: count for key, count in session.exec(statement).all()}


def overview(session: Session, *, organisation_id: int, collaboration_id: int) -> Overview:
    collaboration = get_collaboration(
        session, organisation_id=organisation_id, collaboration_id=collaboration_id
    )
    parties = session.exec(
        select(Party).where(Party.collaboration_id == collaboration_id).order_by(col(Party.id))
    ).all()
    people: dict[int, list[Participant]] = defaultdict(list)
    for person in session.exec(
        select(Participant)
        .where(col(Participant.party_id).in_([p.id for p in parties]))
        .where(col(Participant.erased_at).is_(None))
        .order_by(col(Participant.id))
    ):
        people[person.party_id].append(person)
    rounds = session.exec(
        select(Round).where(Round.collaboration_id == collaboration_id).order_by(col(Round.id))
    ).all()
    return Overview(
        collaboration=collaboration,
        parties=[PartyRow(p, people.get(p.id or 0, [])) for p in parties],
        rounds=_round_rows(session, list(rounds)),
        cadence=cadences.find_cadence(
            session, organisation_id=organisation_id, collaboration_id=collaboration_id
        ),
    )


def _round_rows(session: Session, rounds: list[Round]) -> list[RoundRow]:
    counts = dashboard.participation(session, round_ids=[r.id or 0 for r in rounds])
    mailed = _counts(
        session,
        select(Invitation.round_id, func.count())
        .where(col(Invitation.round_id).in_([r.id for r in rounds]))
        .where(col(Invitation.invited_at).is_not(None))
        .where(Invitation.status != InvitationStatus.REVOKED)
        .group_by(col(Invitation.round_id)),
    )
    rows = []
    for round_ in rounds:
        cells = [cell for (_, round_id), cell in counts.items() if round_id == round_.id]
        rows.append(
            RoundRow(
                round_,
                invited=sum(c.invited for c in cells),
                submitted=sum(c.submitted for c in cells),
                mailed=mailed.get(round_.id or 0, 0),
            )
        )
    return rows


def add_participant(
    session: Session, *, organisation_id: int, party_id: int, data: ParticipantCreate
) -> Participant:
    """Add one person; an e-mail address can be in a collaboration only once."""
    with unit_of_work(session):
        party = get_party(session, organisation_id=organisation_id, party_id=party_id)
        if data.email and str(data.email).lower() in emails_in(session, party.collaboration_id):
            raise Conflict(
                "This e-mail address is already in the collaboration.",
                problems=[FieldProblem("email", "duplicate")],
                code="participant.email_taken",
            )
        return collaborations.add_participant(
            session, organisation_id=organisation_id, party_id=party_id, data=data
        )


def emails_in(session: Session, collaboration_id: int) -> set[str]:
    rows = session.exec(
        select(Participant.email)
        .join(Party, col(Party.id) == col(Participant.party_id))
        .where(Party.collaboration_id == collaboration_id, col(Participant.email).is_not(None))
    ).all()
    return {email.lower() for email in rows if email}


def update_settings(
    session: Session,
    *,
    organisation_id: int,
    collaboration_id: int,
    data: CollaborationUpdate,
    reminder_days: int | None,
) -> Collaboration:
    """Change a collaboration's settings, reminders included (None turns them off).

    New cut-offs also re-zone the stored responses (what partners see as their own position);
    the dashboard's aggregates always use the current cut-offs anyway.
    """
    if reminder_days is not None and not 0 <= reminder_days <= 60:
        raise InvalidInput(
            "Reminder days must be between 0 and 60.",
            problems=[FieldProblem("reminder_days_before_close", "out of range")],
        )
    with unit_of_work(session):
        collaboration = get_collaboration(
            session, organisation_id=organisation_id, collaboration_id=collaboration_id
        )
        rules_before = _zone_settings(collaboration)
        changes = data.model_dump(exclude_unset=True)
        anonymity.refuse_loosening(session, collaboration=collaboration, changes=changes)
        for name, value in changes.items():
            if value is not None:
                setattr(collaboration, name, value)
        collaboration.reminder_days_before_close = reminder_days
        session.add(collaboration)
        # The setting and the rescoring it implies commit together or not at all.
        if _zone_settings(collaboration) != rules_before:
            round_ids = session.exec(
                select(Round.id).where(Round.collaboration_id == collaboration_id)
            ).all()
            for round_id in round_ids:
                responses.rescore_round(session, round_id=round_id or 0)
    return collaboration


def _zone_settings(collaboration: Collaboration) -> tuple[float, float, float]:
    return (
        collaboration.propensity_cutoff,
        collaboration.analysis_cutoff,
        collaboration.borderline_margin,
    )
