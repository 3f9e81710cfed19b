"""Personal survey links a coach hands out in person (people without e-mail), shown and audited.

Links are derived again from SECRET_KEY and each invitation's salt; nothing stored opens a
questionnaire. What is shown never says who answered: every live invitation gets its link,
submitted or not.
"""

from dataclasses import dataclass

from sqlmodel import Session, col, select

from app.config import Settings
from app.errors import Conflict, NotFound
from app.models import (
    Collaboration,
    Invitation,
    InvitationStatus,
    Participant,
    Party,
    Round,
    RoundStatus,
)
from app.services.access.lookups import get_collaboration, get_round
from app.services.exchange import export_formats
from app.services.privacy import audit
from app.services.setup.invitation_tokens import survey_url, token_for, token_hash_for


@dataclass(frozen=True, slots=True)
class PersonalLink:
    name: str  # the person's name, or their e-mail address or pseudonym when they have none
    party: str
    has_email: bool
    url: str | None  # None: the invitation was withdrawn, or the link can no longer be made


@dataclass(frozen=True, slots=True)
class RoundLinks:
    collaboration: Collaboration
    round: Round
    links: list[PersonalLink]  # what the coach asked for; empty unless the round is open
    emailed: int  # live links left out because their invitation goes by e-mail
    everyone: bool  # True: the links of people with an e-mail address are included


def round_links(
    session: Session,
    *,
    organisation_id: int,
    collaboration_id: int,
    round_id: int,
    settings: Settings,
    everyone: bool = False,
    user_id: int | None = None,
) -> RoundLinks:
    """The round's personal links (only while it is open); an audit entry when any is shown."""
    found = _links(session, organisation_id, collaboration_id, round_id, settings, everyone)
    if any(link.url for link in found.links):
        audit.record_view(
            session,
            organisation_id=organisation_id,
            user_id=user_id,
            action="links.viewed",
            subject=f"round:{round_id}",
        )
    return found


def links_csv(
    session: Session,
    *,
    organisation_id: int,
    collaboration_id: int,
    round_id: int,
    settings: Settings,
    everyone: bool = False,
    user_id: int | None = None,
) -> str:
    """name, party, link of every live link, for a mail merge; every download is audited."""
    found = _links(session, organisation_id, collaboration_id, round_id, settings, everyone)
    if found.round.status != RoundStatus.OPEN:
        raise Conflict(f"Round '{found.round.label}' is not open; its links accept no answers.")
    audit.record(
        session,
        organisation_id=organisation_id,
        user_id=user_id,
        action="links.downloaded",
        subject=f"round:{round_id} rows:{'all' if everyone else 'without-email'}",
    )
    rows = [
        {"name": link.name, "party": link.party, "link": link.url}
        for link in found.links
        if link.url
    ]
    # The export writer neutralises formulas in names, as in every other export.
    content, _ = export_formats.write(
        export_formats.plain_table(["name", "party", "link"], rows), "csv"
    )
    return content.decode("utf-8")


def _links(
    session: Session,
    organisation_id: int,
    collaboration_id: int,
    round_id: int,
    settings: Settings,
    everyone: bool,
) -> RoundLinks:
    collaboration = get_collaboration(
        session, organisation_id=organisation_id, collaboration_id=collaboration_id
    )
    round_ = get_round(session, organisation_id=organisation_id, round_id=round_id)
    if round_.collaboration_id != collaboration_id:
        raise NotFound(f"No round {round_id} in collaboration {collaboration_id}.")
    if round_.status != RoundStatus.OPEN:
        return RoundLinks(collaboration, round_, [], 0, everyone)
    rows = session.exec(
        select(Invitation, Participant, Party)
        .join(Participant, col(Participant.id) == col(Invitation.participant_id))
        .join(Party, col(Party.id) == col(Invitation.party_id))
        .where(Invitation.round_id == round_id, col(Participant.erased_at).is_(None))
        .order_by(col(Party.id), col(Participant.id))
    ).all()
    links = [_link(invitation, person, party, settings) for invitation, person, party in rows]
    emailed = sum(1 for link in links if link.has_email and link.url)
    shown = links if everyone else [link for link in links if not link.has_email]
    return RoundLinks(collaboration, round_, shown, 0 if everyone else emailed, everyone)


def _link(
    invitation: Invitation, person: Participant, party: Party, settings: Settings
) -> PersonalLink:
    url = None
    # A salt that no longer yields the stored hash (erasure, a new SECRET_KEY) gives a dead link.
    live = invitation.status != InvitationStatus.REVOKED and (
        token_hash_for(settings.secret_key, invitation.token_salt) == invitation.token_hash
    )
    if live:
        url = survey_url(settings.base_url, token_for(settings.secret_key, invitation.token_salt))
    name = person.name or person.email or person.external_ref or person.pseudonym
    return PersonalLink(name=name, party=party.name, has_email=bool(person.email), url=url)
