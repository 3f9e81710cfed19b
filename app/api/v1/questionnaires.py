"""/questionnaires: the built-in Smart Trust questionnaire and custom versions."""

from typing import Annotated, Any

from fastapi import APIRouter, Body

from app.api import examples
from app.api.deps import PageDep, QuestionnaireId, ReaderDep, SessionDep, WriterDep
from app.api.idempotency import IdempotencyDep
from app.api.pagination import Paginated, paginate
from app.api.problems import problem_responses
from app.api.schemas import inline_schema
from app.models.questionnaire import QuestionnairePublic
from app.scoring.questionnaire import QuestionnaireDefinition
from app.services.setup import questionnaires

router = APIRouter(
    prefix="/questionnaires", tags=["questionnaires"], responses=problem_responses(401, 403, 429)
)

EXAMPLE_DEFINITION = {
    "key": "short-trust",
    "version": 1,
    "title": {"nl": "Korte vertrouwensmeting", "en": "Short trust check"},
    "range": {"min": 1, "max": 5, "dont_know": True},
    "scales": [
        {"key": "propensity", "role": "propensity", "title": {"nl": "Neiging", "en": "Propensity"}},
        {"key": "analysis", "role": "analysis", "title": {"nl": "Analyse", "en": "Analysis"}},
    ],
    "items": [
        {
            "id": "p1",
            "scale": "propensity",
            "text": {
                "nl": "Ik ga uit van goede bedoelingen van {party}.",
                "en": "I assume {party} means well.",
            },
        },
        {
            "id": "p2",
            "scale": "propensity",
            "reverse": True,
            "text": {
                "nl": "Ik houd {party} liever op afstand.",
                "en": "I prefer to keep {party} at a distance.",
            },
        },
        {
            "id": "a1",
            "scale": "analysis",
            "text": {
                "nl": "Ik heb de risico's met {party} besproken.",
                "en": "I have discussed the risks with {party}.",
            },
        },
        {
            "id": "a2",
            "scale": "analysis",
            "text": {
                "nl": "Ik weet wat {party} wil bereiken.",
                "en": "I know what {party} wants to achieve.",
            },
        },
    ],
}


QUESTIONNAIRE_EXAMPLE = {
    "id": 2,
    "key": EXAMPLE_DEFINITION["key"],
    "version": 1,
    "builtin": False,
    "min": 1,
    "max": 5,
    "title": EXAMPLE_DEFINITION["title"],
    "range": EXAMPLE_DEFINITION["range"],
    "anchors": [],
    "scales": EXAMPLE_DEFINITION["scales"],
    "items": EXAMPLE_DEFINITION["items"],
    **examples.STAMPS,
}


@router.get(
    "",
    response_model=Paginated[QuestionnairePublic],
    responses={
        **problem_responses(422),
        **examples.json_example(200, examples.page_of(QUESTIONNAIRE_EXAMPLE)),
    },
    summary="List questionnaires",
)
def list_questionnaires(session: SessionDep, principal: ReaderDep, page: PageDep) -> Any:
    """The built-in questionnaires and your organisation's own versions, oldest first."""
    rows = questionnaires.list_questionnaires(
        session,
        organisation_id=principal.organisation_id,
        after_id=page.after_id,
        updated_since=page.updated_since,
        limit=page.limit + 1,
    )
    return paginate([QuestionnairePublic.from_row(r) for r in rows], page)


@router.get(
    "/{questionnaire_id}",
    response_model=QuestionnairePublic,
    responses={
        **problem_responses(404, 422),
        **examples.json_example(200, QUESTIONNAIRE_EXAMPLE),
    },
    summary="Get a questionnaire",
)
def get_questionnaire(
    questionnaire_id: QuestionnaireId, session: SessionDep, principal: ReaderDep
) -> Any:
    """One version: its Likert range, scales (with role) and items (with reverse flag and texts)."""
    row = questionnaires.get_questionnaire(
        session, organisation_id=principal.organisation_id, questionnaire_id=questionnaire_id
    )
    return QuestionnairePublic.from_row(row)


@router.post(
    "",
    response_model=QuestionnairePublic,
    status_code=201,
    responses={
        **problem_responses(400, 409, 413, 422),
        **examples.json_example(201, QUESTIONNAIRE_EXAMPLE),
    },
    summary="Publish a questionnaire",
    openapi_extra={
        "requestBody": {
            "content": {"application/json": {"schema": inline_schema(QuestionnaireDefinition)}}
        }
    },
)
def create_questionnaire(
    principal: WriterDep,
    idempotency: IdempotencyDep,
    definition: Annotated[
        dict[str, Any], Body(openapi_examples={"short": {"value": EXAMPLE_DEFINITION}})
    ],
) -> Any:
    """Publish a new version: `range` (`min`, `max`, `dont_know`), `scales[]` (`key`, `role`:
    exactly one `propensity` and one `analysis` scale, any number of `area` scales) and
    `items[]` (`id`, `scale`, `reverse`, `text` in `nl` and `en`, `{party}` standing for the
    other party's name). Validation errors name the offending path (`items[3].text.en`).
    A published key and version can never change (409): publish a higher version instead."""
    return idempotency.respond(
        lambda session: QuestionnairePublic.from_row(
            questionnaires.create_questionnaire(
                session, organisation_id=principal.organisation_id, data=definition
            )
        )
    )
