"""Organisations (tenants) and their users."""

from sqlmodel import Session, select

from app.errors import Conflict, FieldProblem, InvalidInput
from app.infra.unit_of_work import unit_of_work
from app.models import Organisation, Role, User
from app.models.base import has_control_characters
from app.security import hash_password
from app.services.identity.common_passwords import is_common_password

MIN_PASSWORD_LENGTH = 12


def get_or_create_organisation(session: Session, *, name: str) -> Organisation:
    name = name.strip()
    if not name:
        raise InvalidInput(
            "An organisation needs a name.", problems=[FieldProblem("name", "required")]
        )
    refuse_control_characters(name=name)
    with unit_of_work(session):
        query = select(Organisation).where(Organisation.name == name)
        organisation = session.exec(query).first()
        if organisation is None:
            organisation = Organisation(name=name)
            session.add(organisation)
    return organisation


def refuse_control_characters(**names: str | None) -> None:
    """Names are one line of visible text: a line break in one breaks e-mail headers and files."""
    for field, value in names.items():
        if value and has_control_characters(value):
            raise InvalidInput(
                f"The {field} must be one line, without line breaks or control characters.",
                problems=[FieldProblem(field, "control characters")],
            )


def password_problems(password: str) -> list[str]:
    """Why a password is refused; empty when it is acceptable."""
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(f"Use at least {MIN_PASSWORD_LENGTH} characters.")
    if is_common_password(password):
        problems.append("This password is too common; choose another.")
    return problems


def create_user(
    session: Session,
    *,
    organisation_id: int,
    email: str,
    password: str,
    role: Role = Role.COACH,
    name: str | None = None,
) -> User:
    email = email.strip().lower()
    if "@" not in email or len(email) > 320 or has_control_characters(email):
        raise InvalidInput(
            "That is not an e-mail address.", problems=[FieldProblem("email", "invalid")]
        )
    refuse_control_characters(name=name)
    problems = password_problems(password)
    if problems:
        raise InvalidInput(
            " ".join(problems), problems=[FieldProblem("password", p) for p in problems]
        )
    with unit_of_work(session):
        if session.exec(select(User).where(User.email == email)).first() is not None:
            raise Conflict(f"A user with e-mail {email} already exists.", code="user.email_taken")
        user = User(
            organisation_id=organisation_id,
            email=email,
            name=name,
            password_hash=hash_password(password),
            role=role,
        )
        session.add(user)
    return user
