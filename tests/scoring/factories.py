"""Plain builders of small questionnaire definitions for the scoring tests."""

from __future__ import annotations

from typing import Any

from app.scoring.questionnaire import QuestionnaireDefinition, load_definition


def text(label: str) -> dict[str, str]:
    return {"nl": f"{label} (nl)", "en": f"{label} (en)"}


def definition_data(
    *, low: int = 1, high: int = 7, reverse: tuple[str, ...] = (), **overrides: Any
) -> dict[str, Any]:
    """Propensity p1-p3, analysis a1-a3 and one area x1-x3, as raw JSON-shaped data."""
    scales = [
        ("propensity", "propensity", "p"),
        ("analysis", "analysis", "a"),
        ("area", "area", "x"),
    ]
    data: dict[str, Any] = {
        "key": "test",
        "version": 1,
        "title": text("Test"),
        "range": {"min": low, "max": high},
        "scales": [{"key": key, "role": role, "title": text(key)} for key, role, _ in scales],
        "items": [
            {
                "id": f"{p}{n}",
                "scale": key,
                "reverse": f"{p}{n}" in reverse,
                "text": text(f"{p}{n}"),
            }
            for key, _, p in scales
            for n in (1, 2, 3)
        ],
    }
    data.update(overrides)
    return data


def definition(**kwargs: Any) -> QuestionnaireDefinition:
    return load_definition(definition_data(**kwargs))
