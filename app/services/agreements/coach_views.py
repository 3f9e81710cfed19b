"""What the coach's agreement pages show: agreements grouped by round, and the form's choices."""

from dataclasses import dataclass

from sqlmodel import Session, col, select

from app.models import Agreement, Collaboration, Party, Round, RoundStatus
from app.services.access.lookups import get_collaboration
from app.services.results.agreement_outcomes import AgreementView, agreement_views
from app.services.setup import questionnaires


@dataclass(frozen=True, slots=True)
class RoundGroup:
    """The agreements made after one round."""

    round_id: int
    label: str
    agreements: list[AgreementView]


@dataclass(frozen=True, slots=True)
class Choices:
    """What an agreement may refer to in this collaboration."""

    parties: list[tuple[int, str]]
    made_after: list[tuple[int, str]]  # rounds that were opened: there is something to act on
    check_in: list[tuple[int, str]]  # rounds that still ask questions (draft or open)
    areas: list[tuple[str, dict[str, str]]]  # scale key and its title per language


@dataclass(frozen=True, slots=True)
class AgreementsPage:
    collaboration: Collaboration
    groups: list[RoundGroup]
    choices: Choices
    k: int


def agreements_page(
    session: Session, *, organisation_id: int, collaboration_id: int
) -> AgreementsPage:
    collaboration = get_collaboration(
        session, organisation_id=organisation_id, collaboration_id=collaboration_id
    )
    query = (
        select(Agreement)
        .where(Agreement.collaboration_id == collaboration_id)
        .order_by(col(Agreement.id))
    )
    views = agreement_views(
        session, collaboration=collaboration, agreements=list(session.exec(query))
    )
    groups: dict[int, RoundGroup] = {}
    for view in views:
        round_id, label = view.round
        groups.setdefault(round_id, RoundGroup(round_id, label, [])).agreements.append(view)
    return AgreementsPage(
        collaboration=collaboration,
        groups=[groups[i] for i in sorted(groups)],
        choices=choices(session, collaboration=collaboration),
        k=collaboration.anonymity_threshold,
    )


def choices(session: Session, *, collaboration: Collaboration) -> Choices:
    parties = session.exec(
        select(Party).where(Party.collaboration_id == collaboration.id).order_by(col(Party.id))
    ).all()
    rounds = session.exec(
        select(Round).where(Round.collaboration_id == collaboration.id).order_by(col(Round.id))
    ).all()
    areas: dict[str, dict[str, str]] = {}
    for questionnaire_id in dict.fromkeys(r.questionnaire_id for r in rounds):
        definition = questionnaires.definition_by_id(session, questionnaire_id)
        for scale in definition.area_scales:
            areas.setdefault(scale.key, {"nl": scale.title.nl, "en": scale.title.en})
    return Choices(
        parties=[(p.id or 0, p.name) for p in parties],
        made_after=[(r.id or 0, r.label) for r in rounds if r.status != RoundStatus.DRAFT],
        check_in=[(r.id or 0, r.label) for r in rounds if r.status != RoundStatus.CLOSED],
        areas=list(areas.items()),
    )


@dataclass(frozen=True, slots=True)
class AgreementForm:
    collaboration: Collaboration
    choices: Choices


def agreement_form(
    session: Session,
    *,
    organisation_id: int,
    collaboration_id: int,
    agreement: Agreement | None = None,
) -> AgreementForm:
    """The form's choices; an agreement being edited keeps its own rounds among them."""
    collaboration = get_collaboration(
        session, organisation_id=organisation_id, collaboration_id=collaboration_id
    )
    found = choices(session, collaboration=collaboration)
    if agreement is not None and agreement.check_round_id is not None:
        ids = {i for i, _label in found.check_in}
        check = session.get(Round, agreement.check_round_id)
        if check is not None and check.id not in ids:
            found.check_in.append((check.id or 0, check.label))
    return AgreementForm(collaboration, found)
