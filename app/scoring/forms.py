"""The rules a short form must keep to continue a full form's trends (pure checks)."""

from __future__ import annotations

from app.scoring.definition_rules import PARTY_KINDS
from app.scoring.questionnaire import QuestionnaireDefinition

MAX_ITEMS_PER_TARGET = 20
MIN_ITEMS_PER_SCALE = 2
MIN_ITEMS_PER_COORDINATE = 3  # propensity and analysis place a party in the matrix


def short_form_problems(full: QuestionnaireDefinition, short: QuestionnaireDefinition) -> list[str]:
    """Everything that keeps `short` from being a short form of `full`; empty when it is one.

    Same item ids with the same scale, keying and texts; the same range; every scale of the
    short form a scale of the full one with the same role; per kind of target party at most
    MAX_ITEMS_PER_TARGET statements and enough per scale to keep a reliable score.
    """
    problems = []
    if short.range != full.range:
        problems.append("the range differs from the full form's")
    full_scales = {scale.key: scale for scale in full.scales}
    for scale in short.scales:
        twin = full_scales.get(scale.key)
        if twin is None or twin.role != scale.role:
            problems.append(f"scale '{scale.key}' is not a {scale.role} scale of the full form")
    full_items = {item.id: item for item in full.items}
    for item in short.items:
        if full_items.get(item.id) != item:
            problems.append(f"item '{item.id}' is not the full form's item")
    for kind in PARTY_KINDS:
        asked = [item for item in short.items if item.fits(kind)]
        if len(asked) > MAX_ITEMS_PER_TARGET:
            problems.append(f"{len(asked)} statements about a {kind}; at most 20")
        for scale in short.scales:
            coordinate = scale.role in ("propensity", "analysis")
            need = MIN_ITEMS_PER_COORDINATE if coordinate else MIN_ITEMS_PER_SCALE
            count = len(short.items_for(scale.key, kind))
            if count < need:
                problems.append(f"scale '{scale.key}' has {count} items about a {kind}; {need}")
    return problems
