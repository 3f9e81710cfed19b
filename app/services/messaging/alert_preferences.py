"""Each user's choice, per collaboration, of how they hear about alerts."""

from datetime import datetime

from sqlmodel import Session, select

from app.errors import FieldProblem, InvalidInput, NotFound
from app.infra.unit_of_work import unit_of_work
from app.models import AlertMailMode, AlertSubscription, User
from app.services.access.lookups import get_collaboration
from app.services.messaging.alert_mail import mode_for, newest_alert_id


def alert_mode(
    session: Session, *, organisation_id: int, user_id: int, collaboration_id: int
) -> AlertMailMode:
    get_collaboration(session, organisation_id=organisation_id, collaboration_id=collaboration_id)
    user = _user(session, organisation_id, user_id)
    return mode_for(user, _subscription(session, user_id, collaboration_id))


def set_alert_mode(
    session: Session,
    *,
    organisation_id: int,
    user_id: int,
    collaboration_id: int,
    mode: str,
    now: datetime,
) -> AlertMailMode:
    """Store the choice; a new weekly digest covers alerts from this moment on."""
    try:
        chosen = AlertMailMode(mode)
    except ValueError as exc:
        raise InvalidInput(
            "Choose how you want to hear about alerts.",
            problems=[FieldProblem("mode", "one of immediate, digest, none")],
        ) from exc
    with unit_of_work(session):
        get_collaboration(
            session, organisation_id=organisation_id, collaboration_id=collaboration_id
        )
        _user(session, organisation_id, user_id)
        subscription = _subscription(session, user_id, collaboration_id) or AlertSubscription(
            user_id=user_id, collaboration_id=collaboration_id, digested_until=now
        )
        if chosen == AlertMailMode.DIGEST and (
            subscription.id is None or subscription.mode != AlertMailMode.DIGEST
        ):
            subscription.digested_until = now
            subscription.digested_alert_id = newest_alert_id(session, collaboration_id)
        subscription.mode = chosen
        session.add(subscription)
    return chosen


def _user(session: Session, organisation_id: int, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None or user.organisation_id != organisation_id:
        raise NotFound(f"No user {user_id} in your organisation.")
    return user


def _subscription(
    session: Session, user_id: int, collaboration_id: int
) -> AlertSubscription | None:
    return session.exec(
        select(AlertSubscription).where(
            AlertSubscription.user_id == user_id,
            AlertSubscription.collaboration_id == collaboration_id,
        )
    ).first()
