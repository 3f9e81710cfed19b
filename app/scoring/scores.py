"""Answer validation and per-response scale scores (reverse keying, 0-100 rescaling)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from app.scoring.questionnaire import QuestionnaireDefinition


@dataclass(frozen=True, slots=True)
class AnswerProblem:
    """One unusable answer: which item and why."""

    item_id: str
    message: str


class AnswerError(ValueError):
    """Answers that cannot be scored; `problems` says which and why."""

    def __init__(self, problems: list[AnswerProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{p.item_id}: {p.message}" for p in problems))


@dataclass(frozen=True, slots=True)
class ResponseScores:
    """One response's scores (0-100) per scale key; None where too few items were answered."""

    scales: dict[str, float | None]
    propensity: float | None
    analysis: float | None


def validate_answers(
    definition: QuestionnaireDefinition,
    answers: Mapping[str, int | None],
    *,
    target_kind: str | None = None,
) -> list[AnswerProblem]:
    """Every problem with `answers`; None means "don't know" or skipped and is always fine.

    With `target_kind`, items limited to other kinds of party are refused: they were not asked.
    """
    known = {item.id: item for item in definition.items}
    problems = []
    for item_id, value in answers.items():
        item = known.get(item_id)
        if item is None:
            problems.append(AnswerProblem(item_id, f"unknown item '{item_id}'"))
        elif not item.fits(target_kind):
            not_asked = f"unknown item '{item_id}' for a party of kind '{target_kind}'"
            problems.append(AnswerProblem(item_id, not_asked))
        elif (message := _value_problem(definition, value)) is not None:
            problems.append(AnswerProblem(item_id, message))
    return problems


def _value_problem(definition: QuestionnaireDefinition, value: object) -> str | None:
    low, high = definition.range.min, definition.range.max
    if value is None:
        return None
    # bool is an int subclass, but True as an answer is a client bug, not a 2.
    if isinstance(value, bool) or not isinstance(value, int):
        return f"answer must be a whole number from {low} to {high}, got {value!r}"
    if not low <= value <= high:
        return f"answer {value} is outside the range {low} to {high}"
    return None


def min_answered(item_count: int) -> int:
    """How many of a scale's items must be answered for it to get a score: ceil(2/3 * k)."""
    # Integer ceiling division: no floating point near the boundary.
    return -(-2 * item_count // 3)


def score_response(
    definition: QuestionnaireDefinition,
    answers: Mapping[str, int | None],
    *,
    target_kind: str | None = None,
) -> ResponseScores:
    """Scale scores for one response; unknown item ids are ignored, invalid values refused.

    A scale counts only the items asked about a party of `target_kind`, so the two-thirds
    rule holds for what was asked: a short or kind-limited scale is not held to items it
    never showed.
    """
    known = set(definition.item_ids)
    problems = [p for p in validate_answers(definition, answers) if p.item_id in known]
    if problems:
        raise AnswerError(problems)
    scales = {
        s.key: _scale_score(definition, s.key, answers, target_kind) for s in definition.scales
    }
    return ResponseScores(
        scales=scales,
        propensity=scales[definition.propensity_scale.key],
        analysis=scales[definition.analysis_scale.key],
    )


def _scale_score(
    definition: QuestionnaireDefinition,
    scale_key: str,
    answers: Mapping[str, int | None],
    target_kind: str | None,
) -> float | None:
    low, high = definition.range.min, definition.range.max
    items = definition.items_for(scale_key, target_kind)
    keyed = []
    for item in items:
        value = answers.get(item.id)
        if value is not None:
            keyed.append(low + high - value if item.reverse else value)
    if len(keyed) < min_answered(len(items)):
        return None
    # Integer arithmetic up to one final division, so exact cut-offs (50.0) stay exact.
    return (sum(keyed) - low * len(keyed)) * 100 / ((high - low) * len(keyed))
