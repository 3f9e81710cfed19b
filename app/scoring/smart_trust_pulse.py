"""The built-in pulse form `smart-trust-pulse`: a short questionnaire between full rounds.

Its items are a subset of Smart Trust version 2 (same ids, texts, keying and scale keys), so
its scale scores continue the full form's trends. Per target party it asks at most 20
statements: three for propensity and analysis, two per area, one of which is chosen by the
party's kind where version 2 limits items. The items kept are those closest to the core of
each scale: the plainest wording, and the reverse-keyed item where the scale has one that
catches straight-lining.
"""

from __future__ import annotations

import copy
from typing import Any

from app.scoring.questionnaire import QuestionnaireDefinition, load_definition
from app.scoring.smart_trust_v2 import DEFINITION as FULL

KEY = "smart-trust-pulse"

ITEM_IDS = (
    "prop_1",
    "prop_2",
    "prop_6",
    "anal_1",
    "anal_4",
    "anal_8",
    "integ_1",
    "integ_2",
    "intent_1",
    "intent_2",
    "capab_1",
    "capab_3",
    "capab_4",
    "result_1",
    "result_3",
    "result_4",
    "open_1",
    "open_2",
    "expect_1",
    "expect_2",
    "commit_1",
    "commit_2",
)


def _definition() -> dict[str, Any]:
    data = copy.deepcopy(FULL)
    data["key"] = KEY
    data["version"] = 1
    data["title"] = {
        "nl": "Slim vertrouwen: korte meting",
        "en": "Smart trust: pulse check",
    }
    data["items"] = [item for item in data["items"] if item["id"] in ITEM_IDS]
    kept = {item["scale"] for item in data["items"]}
    data["scales"] = [scale for scale in data["scales"] if scale["key"] in kept]
    return data


DEFINITION: dict[str, Any] = _definition()


def smart_trust_pulse() -> QuestionnaireDefinition:
    """The validated pulse definition."""
    return load_definition(DEFINITION)
