"""Pure measurement core: questionnaires, scale scores, zones, statistics, anonymity, alerts."""

from app.scoring.aggregate import (
    AggregationRules,
    PairAggregate,
    PartyAggregate,
    RespondentTargetScores,
    RoundAggregate,
    aggregate_round,
)
from app.scoring.alerts import (
    AlertRules,
    AlertSignal,
    decline_alerts,
    participation_alert,
    participation_signal,
    zone_alerts,
    zone_move_signal,
)
from app.scoring.change import GroupSample, MeasureChange, compare_rounds, sample_of
from app.scoring.figures import ScaleRoles
from app.scoring.perception import PerceptionGap, perception_gaps
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
from app.scoring.reliability import Reliability, cronbach_alpha
from app.scoring.scores import (
    AnswerError,
    AnswerProblem,
    ResponseScores,
    min_answered,
    score_response,
    validate_answers,
)
from app.scoring.smart_trust_pulse import smart_trust_pulse
from app.scoring.smart_trust_v1 import smart_trust_v1
from app.scoring.smart_trust_v2 import smart_trust_v2
from app.scoring.statistics import Change, Summary, paired_change, summarize, welch_change
from app.scoring.suppression import suppress
from app.scoring.zones import Zone, ZoneRules, classify, is_borderline

__all__ = [
    "AggregationRules",
    "AlertRules",
    "AlertSignal",
    "Anchor",
    "AnswerError",
    "AnswerProblem",
    "Change",
    "DefinitionError",
    "DefinitionProblem",
    "GroupSample",
    "ItemDefinition",
    "LocalizedText",
    "MeasureChange",
    "PairAggregate",
    "PartyAggregate",
    "PerceptionGap",
    "QuestionnaireDefinition",
    "Reliability",
    "RespondentTargetScores",
    "ResponseScores",
    "RoundAggregate",
    "ScaleDefinition",
    "ScaleRange",
    "ScaleRoles",
    "Summary",
    "Zone",
    "ZoneRules",
    "aggregate_round",
    "classify",
    "compare_rounds",
    "cronbach_alpha",
    "decline_alerts",
    "is_borderline",
    "load_definition",
    "min_answered",
    "paired_change",
    "participation_alert",
    "participation_signal",
    "perception_gaps",
    "sample_of",
    "score_response",
    "smart_trust_pulse",
    "smart_trust_v1",
    "smart_trust_v2",
    "summarize",
    "suppress",
    "validate_answers",
    "welch_change",
    "zone_alerts",
    "zone_move_signal",
]
