"""The built-in Smart Trust questionnaire: structure, languages and wording."""

from __future__ import annotations

import re
from collections import Counter

from app.scoring.questionnaire import load_definition
from app.scoring.smart_trust_v1 import DEFINITION, smart_trust_v1

QUESTIONNAIRE = smart_trust_v1()

# Opening phrases of widely published trust and credibility scales; none may appear in ours.
PUBLISHED_PHRASES = [
    "most people can be trusted",
    "one should be very cautious with strangers",
    "most people are basically honest",
    "is very capable of performing its job",
    "has a strong sense of justice",
    "would be willing to let",
    "tries hard to be fair in dealings with others",
    "is very concerned about my welfare",
    "sound principles seem to guide",
    "i feel that i can depend on",
    "i would be comfortable giving",
    "keeps the promises it makes",
    "you can't be too careful",
    "in dealing with strangers",
    "de meeste mensen zijn te vertrouwen",
    "je kunt niet voorzichtig genoeg zijn",
]


def all_texts() -> list[str]:
    texts = [QUESTIONNAIRE.title]
    texts += [i.text for i in QUESTIONNAIRE.items]
    texts += [s.title for s in QUESTIONNAIRE.scales]
    texts += [s.description for s in QUESTIONNAIRE.scales if s.description]
    texts += [a.label for a in QUESTIONNAIRE.anchors]
    return [t.nl for t in texts] + [t.en for t in texts]


def test_identity_and_range() -> None:
    assert (QUESTIONNAIRE.key, QUESTIONNAIRE.version) == ("smart-trust", 1)
    assert (QUESTIONNAIRE.range.min, QUESTIONNAIRE.range.max) == (1, 7)
    assert QUESTIONNAIRE.range.dont_know


def test_every_point_has_an_anchor_in_both_languages() -> None:
    assert [a.value for a in QUESTIONNAIRE.anchors] == list(range(1, 8))
    assert QUESTIONNAIRE.anchor(1).en == "Strongly disagree"  # type: ignore[union-attr]
    assert QUESTIONNAIRE.anchor(7).nl == "Helemaal mee eens"  # type: ignore[union-attr]


def test_roles() -> None:
    assert QUESTIONNAIRE.propensity_scale.key == "propensity"
    assert QUESTIONNAIRE.analysis_scale.key == "analysis"
    assert [s.key for s in QUESTIONNAIRE.area_scales] == [
        "integrity",
        "intent",
        "capabilities",
        "results",
        "openness",
        "expectations",
        "commitments",
    ]


def test_size_fits_about_eight_minutes() -> None:
    counts = Counter(item.scale for item in QUESTIONNAIRE.items)
    assert 34 <= len(QUESTIONNAIRE.items) <= 44
    assert 5 <= counts["propensity"] <= 7
    assert 8 <= counts["analysis"] <= 10
    assert all(2 <= counts[s.key] <= 4 for s in QUESTIONNAIRE.area_scales)


def test_at_most_one_reverse_item_per_scale() -> None:
    reversed_per_scale = Counter(i.scale for i in QUESTIONNAIRE.items if i.reverse)
    assert reversed_per_scale
    assert max(reversed_per_scale.values()) == 1


def test_item_ids_are_readable_and_numbered_per_scale() -> None:
    prefixes: dict[str, set[str]] = {}
    for item in QUESTIONNAIRE.items:
        match = re.fullmatch(r"([a-z]+)_([1-9])", item.id)
        assert match, item.id
        prefixes.setdefault(item.scale, set()).add(match[1])
    assert all(len(p) == 1 for p in prefixes.values())
    assert QUESTIONNAIRE.item("prop_1").scale == "propensity"
    assert QUESTIONNAIRE.item("anal_3").scale == "analysis"
    assert QUESTIONNAIRE.item("integ_2").scale == "integrity"


def test_every_item_names_the_party_in_both_languages() -> None:
    for item in QUESTIONNAIRE.items:
        assert "{party}" in item.text.nl and "{party}" in item.text.en, item.id
        assert item.text.nl != item.text.en
        assert not re.search(r"\{(?!party\})", item.text.nl + item.text.en), item.id


def test_no_wording_from_published_scales() -> None:
    texts = [t.lower() for t in all_texts()]
    for phrase in PUBLISHED_PHRASES:
        assert not any(phrase in t for t in texts), phrase


def test_texts_are_unique() -> None:
    items = [i.text.en for i in QUESTIONNAIRE.items] + [i.text.nl for i in QUESTIONNAIRE.items]
    assert len(set(items)) == len(items)


def test_definition_round_trips() -> None:
    assert load_definition(QUESTIONNAIRE.model_dump(mode="json")) == QUESTIONNAIRE
    assert load_definition(DEFINITION) == QUESTIONNAIRE
