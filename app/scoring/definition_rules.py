"""The consistency rules a questionnaire definition must meet, and how a finding is reported."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.scoring.questionnaire import QuestionnaireDefinition

PARTY_KINDS = ("client", "contractor", "partner", "other")
"""The kinds of party an item can be limited to (the same words as a party's `kind`)."""


@dataclass(frozen=True, slots=True)
class DefinitionProblem:
    """One thing wrong with a definition: where (`items[3].text.en`) and what."""

    path: str
    message: str


class DefinitionError(ValueError):
    """A questionnaire definition that cannot be used; `problems` lists every finding."""

    def __init__(self, problems: list[DefinitionProblem]) -> None:
        self.problems = problems
        lines = "; ".join(f"{p.path or '(definition)'}: {p.message}" for p in problems)
        super().__init__(f"invalid questionnaire definition: {lines}")


def consistency_problems(definition: QuestionnaireDefinition) -> list[DefinitionProblem]:
    return [
        *_duplicate_problems(definition),
        *_reference_problems(definition),
        *_role_problems(definition),
        *_anchor_problems(definition),
        *_kind_problems(definition),
    ]


def _duplicate_problems(definition: QuestionnaireDefinition) -> list[DefinitionProblem]:
    scales = _duplicates("scales", "scale key", [s.key for s in definition.scales])
    items = _duplicates("items", "item id", [item.id for item in definition.items])
    field = {"scales": "key", "items": "id"}
    return [
        DefinitionProblem(f"{where}[{i}].{field[where]}", message)
        for where, i, message in [*scales, *items]
    ]


def _duplicates(where: str, what: str, keys: list[str]) -> list[tuple[str, int, str]]:
    first: dict[str, int] = {}
    found = []
    for i, key in enumerate(keys):
        if key in first:
            found.append((where, i, f"duplicate {what} '{key}' (also {where}[{first[key]}])"))
        else:
            first[key] = i
    return found


def _reference_problems(definition: QuestionnaireDefinition) -> list[DefinitionProblem]:
    problems = []
    scale_keys = {s.key for s in definition.scales}
    for i, item in enumerate(definition.items):
        if item.scale not in scale_keys:
            problems.append(
                DefinitionProblem(
                    f"items[{i}].scale", f"item '{item.id}' refers to unknown scale '{item.scale}'"
                )
            )
    used = {item.scale for item in definition.items}
    for i, scale in enumerate(definition.scales):
        if scale.key not in used:
            problems.append(DefinitionProblem(f"scales[{i}]", f"scale '{scale.key}' has no items"))
    return problems


def _role_problems(definition: QuestionnaireDefinition) -> list[DefinitionProblem]:
    problems = []
    metas = sum(1 for s in definition.scales if s.role == "meta")
    if metas > 1:
        problems.append(
            DefinitionProblem("scales", f"{metas} scales have role 'meta'; at most one is allowed")
        )
    for role in ("propensity", "analysis"):
        count = sum(1 for s in definition.scales if s.role == role)
        if count == 0:
            problems.append(DefinitionProblem("scales", f"no scale has role '{role}'"))
        elif count > 1:
            problems.append(
                DefinitionProblem(
                    "scales", f"{count} scales have role '{role}'; exactly one is required"
                )
            )
    return problems


def _anchor_problems(definition: QuestionnaireDefinition) -> list[DefinitionProblem]:
    problems = []
    low, high = definition.range.min, definition.range.max
    counts = Counter(a.value for a in definition.anchors)
    for i, anchor in enumerate(definition.anchors):
        if not low <= anchor.value <= high:
            problems.append(
                DefinitionProblem(
                    f"anchors[{i}].value", f"anchor {anchor.value} is outside {low}..{high}"
                )
            )
        elif counts[anchor.value] > 1:
            problems.append(
                DefinitionProblem(f"anchors[{i}].value", f"duplicate anchor {anchor.value}")
            )
    return problems


def _kind_problems(definition: QuestionnaireDefinition) -> list[DefinitionProblem]:
    """Limited items must name known kinds, and every scale must still be askable per kind.

    A scale with no item for some kind would leave that party without a score for it, so
    the questionnaire could not place it in the matrix or compare it with the others.
    """
    problems = []
    for i, item in enumerate(definition.items):
        kinds = item.target_kinds
        if kinds is None:
            continue
        if not kinds:
            problems.append(DefinitionProblem(f"items[{i}].target_kinds", "list at least one kind"))
        for j, kind in enumerate(kinds):
            if kinds.index(kind) != j:
                problems.append(
                    DefinitionProblem(f"items[{i}].target_kinds[{j}]", f"duplicate kind '{kind}'")
                )
    scales = {item.scale for item in definition.items}
    for i, scale in enumerate(definition.scales):
        if scale.key not in scales:
            continue  # reported as "has no items"
        missing = [k for k in PARTY_KINDS if not definition.items_for(scale.key, k)]
        if missing:
            names = ", ".join(f"'{k}'" for k in missing)
            problems.append(
                DefinitionProblem(
                    f"scales[{i}]",
                    f"scale '{scale.key}' has no item for target parties of kind {names}",
                )
            )
    return problems
