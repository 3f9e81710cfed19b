"""Alert e-mails to coaches: queued when a round raises alerts, or weekly as a digest.

A job names the user, the collaboration and the alert ids; the worker renders it from the
current data. Alerts carry only aggregate findings, so no e-mail can hold an individual answer.
"""

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, func, select

from app.infra.unit_of_work import is_sqlite, unit_of_work
from app.models import (
    Alert,
    AlertMailMode,
    AlertSubscription,
    Collaboration,
    JobKind,
    OutboxJob,
    Role,
    User,
)

TEMPLATES = ("alerts", "digest")
DIGEST_EVERY = timedelta(days=7)
# Without a choice of their own, the people who run collaborations hear about alerts at once.
DEFAULT_MODE = {Role.ADMIN: AlertMailMode.IMMEDIATE, Role.COACH: AlertMailMode.IMMEDIATE}


def mode_for(user: User, subscription: AlertSubscription | None) -> AlertMailMode:
    if subscription is not None:
        return subscription.mode
    return DEFAULT_MODE.get(user.role, AlertMailMode.NONE)


def queue_immediate(
    session: Session, *, collaboration: Collaboration, alerts: Sequence[Alert]
) -> int:
    """One e-mail per user who wants alerts at once (inside the caller's transaction)."""
    if not alerts or collaboration.id is None:
        return 0
    choices = {
        s.user_id: s
        for s in session.exec(
            select(AlertSubscription).where(AlertSubscription.collaboration_id == collaboration.id)
        )
    }
    users = session.exec(
        select(User)
        .where(User.organisation_id == collaboration.organisation_id, col(User.is_active))
        .order_by(col(User.id))
    ).all()
    queued = 0
    for user in users:
        if mode_for(user, choices.get(user.id or 0)) != AlertMailMode.IMMEDIATE:
            continue
        session.add(_job(collaboration, user, "alerts", [a.id for a in alerts if a.id]))
        queued += 1
    return queued


def queue_due_digests(session: Session, *, now: datetime) -> int:
    """Queue the weekly digest of every subscription whose week is over (worker).

    Each subscription is claimed and moved on in one transaction, so it is sent once; a week
    without alerts sends nothing.
    """
    due = select(AlertSubscription.id).where(
        col(AlertSubscription.mode) == AlertMailMode.DIGEST,
        col(AlertSubscription.digested_until) <= now - DIGEST_EVERY,
    )
    queued = 0
    for subscription_id in [i for i in session.exec(due) if i is not None]:
        with unit_of_work(session):
            subscription = _claim(session, subscription_id, now)
            if subscription is not None:
                queued += _queue_digest(session, subscription, now)
    return queued


def _queue_digest(session: Session, subscription: AlertSubscription, now: datetime) -> int:
    alert_ids = [
        i
        for i in session.exec(
            select(Alert.id)
            .where(
                Alert.collaboration_id == subscription.collaboration_id,
                col(Alert.id) > subscription.digested_alert_id,
            )
            .order_by(col(Alert.id))
        )
        if i is not None
    ]
    subscription.digested_until = now
    subscription.digested_alert_id = max([subscription.digested_alert_id, *alert_ids])
    session.add(subscription)
    user = session.get(User, subscription.user_id)
    collaboration = session.get(Collaboration, subscription.collaboration_id)
    if not alert_ids or user is None or not user.is_active or collaboration is None:
        return 0
    session.add(_job(collaboration, user, "digest", alert_ids))
    return 1


def newest_alert_id(session: Session, collaboration_id: int) -> int:
    """Where a new digest starts: alerts raised before it was chosen are not sent again."""
    found = session.exec(
        select(func.max(Alert.id)).where(Alert.collaboration_id == collaboration_id)
    ).one()
    return int(found or 0)


def _claim(session: Session, subscription_id: int, now: datetime) -> AlertSubscription | None:
    query = (
        select(AlertSubscription)
        .where(
            AlertSubscription.id == subscription_id,
            col(AlertSubscription.mode) == AlertMailMode.DIGEST,
            col(AlertSubscription.digested_until) <= now - DIGEST_EVERY,
        )
        .execution_options(populate_existing=True)
    )
    if not is_sqlite(session):
        query = query.with_for_update(skip_locked=True)
    return session.exec(query).first()


def _job(
    collaboration: Collaboration, user: User, template: str, alert_ids: list[int]
) -> OutboxJob:
    payload: dict[str, Any] = {
        "template": template,
        "user_id": user.id,
        "collaboration_id": collaboration.id,
        "alert_ids": alert_ids,
    }
    return OutboxJob(
        organisation_id=collaboration.organisation_id, kind=JobKind.EMAIL, payload=payload
    )
