"""Pure measurement core: questionnaires, scale scores, zones, statistics, anonymity, alerts."""

from app.scoring.questionnaire import (
    Anchor,
    DefinitionError,
    DefinitionProblem,
    ItemDefinition,
    LocalizedText,
    QuestionnaireDefinition,
    ScaleDefinition,
    ScaleRange,
    load_definition,
)
from app.scoring.scores import (
    AnswerError,
    AnswerProblem,
    ResponseScores,
    min_answered,
    score_response,
    validate_answers,
)
from app.scoring.smart_trust_v1 import smart_trust_v1
from app.scoring.zones import Zone, ZoneRules, classify, is_borderline

__all__ = [
    "Anchor",
    "AnswerError",
    "AnswerProblem",
    "DefinitionError",
    "DefinitionProblem",
    "ItemDefinition",
    "LocalizedText",
    "QuestionnaireDefinition",
    "ResponseScores",
    "ScaleDefinition",
    "ScaleRange",
    "Zone",
    "ZoneRules",
    "classify",
    "is_borderline",
    "load_definition",
    "min_answered",
    "score_response",
    "smart_trust_v1",
    "validate_answers",
]
