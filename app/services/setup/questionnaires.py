"""Questionnaire versions: the built-in Smart Trust questionnaire and an organisation's own."""

from datetime import datetime
from typing import Any

from sqlalchemy import or_
from sqlmodel import Session, col, select

from app.errors import Conflict, FieldProblem, InvalidInput, NotFound
from app.infra.unit_of_work import unit_of_work
from app.models import Questionnaire
from app.scoring.questionnaire import DefinitionError, QuestionnaireDefinition, load_definition
from app.scoring.smart_trust_pulse import smart_trust_pulse
from app.scoring.smart_trust_v1 import smart_trust_v1
from app.scoring.smart_trust_v2 import smart_trust_v2
from app.services.access.paging import fetch_page

BUILTIN_DEFINITIONS = (smart_trust_v1, smart_trust_v2, smart_trust_pulse)

# Versions are immutable, so a parsed definition can be cached by row id for the process life.
_definitions: dict[int, QuestionnaireDefinition] = {}


def ensure_builtin_questionnaires(session: Session) -> list[Questionnaire]:
    """Store every built-in questionnaire version that is not stored yet (idempotent)."""
    with unit_of_work(session):
        stored = []
        for build in BUILTIN_DEFINITIONS:
            definition = build()
            existing = session.exec(
                select(Questionnaire).where(
                    Questionnaire.organisation_id.is_(None),  # type: ignore[union-attr]
                    Questionnaire.key == definition.key,
                    Questionnaire.version == definition.version,
                )
            ).first()
            if existing is None:
                existing = _new_row(definition, organisation_id=None)
                session.add(existing)
            stored.append(existing)
    return stored


def default_questionnaire(session: Session) -> Questionnaire:
    definition = smart_trust_v1()
    return builtin_questionnaire(session, key=definition.key, version=definition.version)


def builtin_questionnaire(session: Session, *, key: str, version: int) -> Questionnaire:
    """A built-in questionnaire version; NotFound when it was never stored."""
    row = session.exec(
        select(Questionnaire).where(
            Questionnaire.organisation_id.is_(None),  # type: ignore[union-attr]
            Questionnaire.key == key,
            Questionnaire.version == version,
        )
    ).first()
    if row is None:
        raise NotFound("The built-in questionnaire is missing; run `trustmeter migrate`.")
    return row


def _new_row(definition: QuestionnaireDefinition, *, organisation_id: int | None) -> Questionnaire:
    return Questionnaire(
        organisation_id=organisation_id,
        key=definition.key,
        version=definition.version,
        title=definition.title.en,
        definition=definition.model_dump(mode="json"),
    )


def _visible(organisation_id: int) -> Any:
    return or_(
        Questionnaire.organisation_id.is_(None),  # type: ignore[union-attr]
        col(Questionnaire.organisation_id) == organisation_id,
    )


def list_questionnaires(
    session: Session,
    *,
    organisation_id: int,
    after_id: int | None = None,
    updated_since: datetime | None = None,
    limit: int = 50,
) -> list[Questionnaire]:
    query = select(Questionnaire).where(_visible(organisation_id))
    return fetch_page(
        session, query, Questionnaire, after_id=after_id, updated_since=updated_since, limit=limit
    )


def get_questionnaire(
    session: Session, *, organisation_id: int, questionnaire_id: int
) -> Questionnaire:
    row = session.get(Questionnaire, questionnaire_id)
    if row is None or row.organisation_id not in (None, organisation_id):
        raise NotFound(f"No questionnaire {questionnaire_id} in your organisation.")
    return row


def create_questionnaire(
    session: Session, *, organisation_id: int, data: dict[str, Any]
) -> Questionnaire:
    try:
        definition = load_definition(data)
    except DefinitionError as exc:
        problems = [FieldProblem(p.path or "definition", p.message) for p in exc.problems]
        raise InvalidInput("The questionnaire definition is invalid.", problems=problems) from exc
    with unit_of_work(session):
        clash = session.exec(
            select(Questionnaire).where(
                _visible(organisation_id),
                Questionnaire.key == definition.key,
                Questionnaire.version == definition.version,
            )
        ).first()
        if clash is not None:
            raise Conflict(
                f"Questionnaire '{definition.key}' version {definition.version} is already"
                " published;"
                " published versions are immutable, so publish a new version number."
            )
        row = _new_row(definition, organisation_id=organisation_id)
        session.add(row)
    return row


def definition_of(questionnaire: Questionnaire) -> QuestionnaireDefinition:
    assert questionnaire.id is not None
    cached = _definitions.get(questionnaire.id)
    if cached is None:
        cached = _definitions[questionnaire.id] = load_definition(questionnaire.definition)
    return cached


def definition_by_id(session: Session, questionnaire_id: int) -> QuestionnaireDefinition:
    cached = _definitions.get(questionnaire_id)
    if cached is not None:
        return cached
    row = session.get(Questionnaire, questionnaire_id)
    if row is None:
        raise NotFound(f"No questionnaire {questionnaire_id}.")
    return definition_of(row)
