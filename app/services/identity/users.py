"""An organisation's users as its administrators manage them: add, change role, deactivate."""

from sqlmodel import Session, col, select

from app.errors import Conflict, NotFound
from app.infra.unit_of_work import unit_of_work
from app.models import Role, User
from app.services.identity import auth, organisations


def list_users(session: Session, *, organisation_id: int) -> list[User]:
    query = select(User).where(User.organisation_id == organisation_id).order_by(col(User.email))
    return list(session.exec(query))


def add_user(
    session: Session,
    *,
    organisation_id: int,
    email: str,
    password: str,
    role: Role,
    name: str | None = None,
) -> User:
    return organisations.create_user(
        session,
        organisation_id=organisation_id,
        email=email,
        password=password,
        role=role,
        name=name or None,
    )


def _user_of(session: Session, organisation_id: int, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None or user.organisation_id != organisation_id:
        raise NotFound(f"No user {user_id} in your organisation.")
    return user


def _active_admins(session: Session, organisation_id: int) -> int:
    query = select(User).where(
        User.organisation_id == organisation_id, User.role == Role.ADMIN, col(User.is_active)
    )
    return len(session.exec(query).all())


def change_role(session: Session, *, organisation_id: int, user_id: int, role: Role) -> User:
    """Give a user another role (it applies from their next page); the last active
    administrator cannot step down."""
    with unit_of_work(session):
        user = _user_of(session, organisation_id, user_id)
        leaving_admin = user.role == Role.ADMIN and role != Role.ADMIN and user.is_active
        if leaving_admin and _active_admins(session, organisation_id) <= 1:
            raise Conflict(
                "An organisation keeps at least one administrator.", code="user.last_admin"
            )
        user.role = role
        session.add(user)
    return user


def set_active(
    session: Session, *, organisation_id: int, user_id: int, active: bool, acting_user_id: int
) -> User:
    """Deactivate (signing them out everywhere) or reactivate a user; never yourself."""
    with unit_of_work(session):
        user = _user_of(session, organisation_id, user_id)
        if user_id == acting_user_id:
            raise Conflict("You cannot deactivate your own account.", code="user.deactivate_self")
        user.is_active = active
        session.add(user)
        if not active:
            auth.end_sessions_of(session, user_id=user_id)
    return user


def set_language(session: Session, *, user_id: int, language: str) -> None:
    """The language the user's pages are shown in (nl or en)."""
    with unit_of_work(session):
        user = session.get(User, user_id)
        if user is None:
            raise NotFound(f"No user {user_id}.")
        user.language = language
        session.add(user)
