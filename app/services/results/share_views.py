"""What a share link shows: the chosen sections of one round, built from the coach's dashboard
figures (so the same suppression holds), without alerts, notes or participants."""

from dataclasses import dataclass, field

from sqlmodel import Session

from app.models import Collaboration, Round, Share, ShareSection
from app.services.results.agreement_outcomes import AgreementView, agreements_for_round
from app.services.results.dashboard import Dashboard, build_dashboard
from app.services.results.mirror import (
    ChangeRow,
    MirrorPair,
    changes,
    measures,
    mirror,
    previous_round_id,
)


@dataclass(frozen=True, slots=True)
class SharePage:
    collaboration_name: str
    language: str
    round_id: int
    round_label: str
    previous_label: str | None
    sections: list[str]
    dashboard: Dashboard
    measures: list[str]
    mirror: list[MirrorPair] = field(default_factory=list)
    changes: list[ChangeRow] = field(default_factory=list)
    agreements: list[AgreementView] = field(default_factory=list)


def share_page(session: Session, *, share: Share) -> SharePage:
    round_ = session.get(Round, share.round_id)
    assert round_ is not None and round_.id is not None
    collaboration = session.get(Collaboration, round_.collaboration_id)
    assert collaboration is not None
    organisation_id = collaboration.organisation_id
    dashboard = build_dashboard(
        session, organisation_id=organisation_id, collaboration_id=round_.collaboration_id
    )
    sections = [s for s in ShareSection if s.value in share.sections]
    previous = previous_round_id(dashboard, round_.id)
    labels = {r.id: r.label for r in dashboard.rounds}
    return SharePage(
        collaboration_name=collaboration.name,
        language=collaboration.language,
        round_id=round_.id,
        round_label=round_.label,
        previous_label=labels.get(previous) if previous else None,
        sections=[s.value for s in sections],
        dashboard=dashboard,
        measures=measures(dashboard),
        mirror=mirror(dashboard, round_id=round_.id) if ShareSection.MIRROR in sections else [],
        changes=changes(dashboard, round_id=round_.id) if ShareSection.CHANGES in sections else [],
        agreements=agreements_for_round(
            session, organisation_id=organisation_id, round_id=round_.id
        )
        if ShareSection.AGREEMENTS in sections
        else [],
    )
