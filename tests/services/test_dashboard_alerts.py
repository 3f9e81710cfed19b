"""The dashboard lists the newest alerts (counting all of them); the report, a round's all."""

import pytest
from sqlmodel import Session

from app.config import Settings
from app.models import Alert, AlertKind, utcnow
from app.services.results import dashboard
from tests.factories import OpenCollaboration, make_open_collaboration


def _make_alerts(session: Session, world: OpenCollaboration, seen: list[bool]) -> list[Alert]:
    """One alert per flag, in this order (ids ascending); True means acknowledged."""
    assert world.collaboration.id is not None and world.round.id is not None
    made = [
        Alert(
            collaboration_id=world.collaboration.id,
            round_id=world.round.id,
            party_id=world.parties[0].id or 0,
            kind=AlertKind.DECLINE,
            measure=f"measure-{number}",  # one alert per finding: each its own measure
            detail={},
            acknowledged_at=utcnow() if acknowledged else None,
        )
        for number, acknowledged in enumerate(seen)
    ]
    session.add_all(made)
    session.commit()
    return made


@pytest.mark.parametrize(
    ("shown", "flags"),
    [
        (3, [False, True] * 5),  # more of each than shown
        (10, [False, True] * 5),  # fewer than shown: all of them
        (2, [True] * 4),  # nothing open
        (2, []),
    ],
)
def test_the_dashboard_shows_the_newest_alerts_and_counts_them_all(
    session: Session,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    shown: int,
    flags: list[bool],
) -> None:
    monkeypatch.setattr(dashboard, "ALERTS_SHOWN", shown)
    world = make_open_collaboration(session, settings=settings, participants_per_party=4)
    newest = sorted(_make_alerts(session, world, flags), key=lambda a: -(a.id or 0))
    found = dashboard.build_dashboard(
        session, organisation_id=world.organisation_id, collaboration_id=world.collaboration.id
    )
    open_alerts = [a.id for a in newest if a.acknowledged_at is None]
    seen_alerts = [a.id for a in newest if a.acknowledged_at is not None]
    assert [a.id for a in found.alerts] == open_alerts[:shown] + seen_alerts[:shown]
    assert (found.open_alerts, found.seen_alerts) == (len(open_alerts), len(seen_alerts))


def test_the_report_lists_every_alert_of_its_round_open_ones_first(
    session: Session, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dashboard, "ALERTS_SHOWN", 1)
    world = make_open_collaboration(session, settings=settings, participants_per_party=4)
    made = _make_alerts(session, world, [True, False, True, False])
    listed = dashboard.round_alerts(
        session, collaboration_id=world.collaboration.id or 0, round_id=world.round.id or 0
    )
    assert [a.id for a in listed] == [made[3].id, made[1].id, made[2].id, made[0].id]
