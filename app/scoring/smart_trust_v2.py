"""The built-in Smart Trust questionnaire, version 2: version 1 made fit for respondents.

Version 2 keeps every item of version 1 (same ids, texts and keying, so trends run on) and
adds: plain page headings instead of construct names, items that fit the kind of party
(a client is not asked about its trade skills), the meta-perception scale and an open
comment per party.
"""

from __future__ import annotations

import copy
from typing import Any

from app.scoring.questionnaire import QuestionnaireDefinition, load_definition
from app.scoring.smart_trust_v1 import DEFINITION as V1

SUPPLIERS = ["contractor", "partner", "other"]  # everyone who delivers work, not the client

HEADINGS: dict[str, dict[str, str]] = {
    "propensity": {"nl": "Uw houding tegenover {party}", "en": "Your stance towards {party}"},
    "analysis": {
        "nl": "Wat u weet over de samenwerking met {party}",
        "en": "What you know about working with {party}",
    },
    "integrity": {"nl": "Hoe eerlijk {party} is", "en": "How honest {party} is"},
    "intent": {"nl": "Wat {party} voor ogen heeft", "en": "What {party} is aiming for"},
    "capabilities": {"nl": "Wat {party} kan", "en": "What {party} is able to do"},
    "results": {"nl": "Wat {party} oplevert", "en": "What {party} delivers"},
    "openness": {"nl": "Hoe {party} informatie deelt", "en": "How {party} shares information"},
    "expectations": {
        "nl": "Wat u van {party} kunt verwachten",
        "en": "What you can expect from {party}",
    },
    "commitments": {
        "nl": "Hoe {party} met afspraken omgaat",
        "en": "How {party} handles agreements",
    },
    "meta": {
        "nl": "Hoe {party} naar uw organisatie kijkt",
        "en": "How {party} sees your organisation",
    },
}

# Statements about doing the work itself: asked about those who deliver it.
LIMITED: dict[str, list[str]] = {
    "capab_1": SUPPLIERS,
    "capab_2": SUPPLIERS,
    "result_1": SUPPLIERS,
    "result_2": SUPPLIERS,
}

CLIENT_ITEMS: list[dict[str, Any]] = [
    {
        "id": "capab_4",
        "scale": "capabilities",
        "target_kinds": ["client"],
        "text": {
            "nl": "{party} kan als opdrachtgever snel en deskundig beslissen.",
            "en": "As the client, {party} can take decisions quickly and competently.",
        },
    },
    {
        "id": "result_4",
        "scale": "results",
        "target_kinds": ["client"],
        "text": {
            "nl": "{party} zorgt op tijd voor wat wij nodig hebben: besluiten, informatie, geld.",
            "en": "{party} provides what we need on time: decisions, information, payment.",
        },
    },
]

META_SCALE: dict[str, Any] = {
    "key": "meta",
    "role": "meta",
    "title": {"nl": "Verwacht vertrouwen", "en": "Expected trust"},
    "description": {
        "nl": "Hoeveel vertrouwen u denkt dat de andere partij in uw organisatie heeft.",
        "en": "How much trust you think the other party has in your organisation.",
    },
}

META_ITEMS: list[dict[str, Any]] = [
    {
        "id": "meta_1",
        "scale": "meta",
        "text": {
            "nl": "Ik denk dat {party} onze organisatie vertrouwt.",
            "en": "I think {party} trusts our organisation.",
        },
    },
    {
        "id": "meta_2",
        "scale": "meta",
        "text": {
            "nl": "Ik denk dat {party} ervan uitgaat dat wij het goed bedoelen.",
            "en": "I think {party} assumes that we mean well.",
        },
    },
    {
        "id": "meta_3",
        "scale": "meta",
        "reverse": True,
        "text": {
            "nl": "Ik denk dat {party} ons met argwaan bekijkt.",
            "en": "I think {party} looks at us with suspicion.",
        },
    },
]

COMMENT_PROMPT = {
    "nl": "Wat zou het vertrouwen tussen uw organisatie en {party} helpen?",
    "en": "What would help trust between your organisation and {party}?",
}


def _definition() -> dict[str, Any]:
    data = copy.deepcopy(V1)
    data["version"] = 2
    data["scales"].append(META_SCALE)
    for scale in data["scales"]:
        scale["heading"] = HEADINGS[scale["key"]]
    items = [*data["items"], *CLIENT_ITEMS]
    for item in items:
        if item["id"] in LIMITED:
            item["target_kinds"] = LIMITED[item["id"]]
    # Each client item goes right after its scale's last item, so a page reads as one topic.
    ordered: list[dict[str, Any]] = []
    for scale in data["scales"]:
        ordered.extend(item for item in items if item["scale"] == scale["key"])
    data["items"] = [*ordered, *META_ITEMS]
    data["comment_prompt"] = COMMENT_PROMPT
    return data


DEFINITION: dict[str, Any] = _definition()


def smart_trust_v2() -> QuestionnaireDefinition:
    """The validated version 2 definition."""
    return load_definition(DEFINITION)
