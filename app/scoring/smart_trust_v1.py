"""The built-in Smart Trust questionnaire, version 1 (every item written for Trustmeter)."""

from __future__ import annotations

from typing import Any

from app.scoring.questionnaire import QuestionnaireDefinition, load_definition

# Items are statements about "{party}", which the survey replaces with the other party's name.
# At most one statement per scale is reverse-keyed: enough to catch straight-lining without
# making short scales unreliable.
DEFINITION: dict[str, Any] = {
    "key": "smart-trust",
    "version": 1,
    "title": {"nl": "Slim vertrouwen in de samenwerking", "en": "Smart trust in the collaboration"},
    "range": {
        "min": 1,
        "max": 7,
        "dont_know": True,
    },
    "anchors": [
        {
            "value": 1,
            "label": {"nl": "Helemaal mee oneens", "en": "Strongly disagree"},
        },
        {
            "value": 2,
            "label": {"nl": "Mee oneens", "en": "Disagree"},
        },
        {
            "value": 3,
            "label": {"nl": "Een beetje mee oneens", "en": "Somewhat disagree"},
        },
        {
            "value": 4,
            "label": {"nl": "Neutraal", "en": "Neither agree nor disagree"},
        },
        {
            "value": 5,
            "label": {"nl": "Een beetje mee eens", "en": "Somewhat agree"},
        },
        {
            "value": 6,
            "label": {"nl": "Mee eens", "en": "Agree"},
        },
        {
            "value": 7,
            "label": {"nl": "Helemaal mee eens", "en": "Strongly agree"},
        },
    ],
    "scales": [
        {
            "key": "propensity",
            "role": "propensity",
            "title": {"nl": "Bereidheid om te vertrouwen", "en": "Propensity to trust"},
            "description": {
                "nl": "Hoe geneigd u bent om de andere partij te vertrouwen.",
                "en": "How inclined you are to trust the other party.",
            },
        },
        {
            "key": "analysis",
            "role": "analysis",
            "title": {"nl": "Analyse", "en": "Analysis"},
            "description": {
                "nl": (
                    "Hoe bewust u de kansen, de risico's en de geloofwaardigheid "
                    "van de andere partij hebt bekeken."
                ),
                "en": (
                    "How deliberately you have looked at the opportunity, the "
                    "risks and the credibility of the other party."
                ),
            },
        },
        {
            "key": "integrity",
            "role": "area",
            "title": {"nl": "Integriteit", "en": "Integrity"},
            "description": {
                "nl": "Eerlijkheid en consequent handelen.",
                "en": "Honesty and acting consistently.",
            },
        },
        {
            "key": "intent",
            "role": "area",
            "title": {"nl": "Bedoelingen", "en": "Intent"},
            "description": {
                "nl": "Oog voor elkaars belangen.",
                "en": "Regard for each other's interests.",
            },
        },
        {
            "key": "capabilities",
            "role": "area",
            "title": {"nl": "Bekwaamheid", "en": "Capabilities"},
            "description": {
                "nl": "Kennis, mensen en middelen om het werk te doen.",
                "en": "Knowledge, people and resources to do the work.",
            },
        },
        {
            "key": "results",
            "role": "area",
            "title": {"nl": "Resultaten", "en": "Results"},
            "description": {
                "nl": "Wat de andere partij laat zien en oplevert.",
                "en": "What the other party shows and delivers.",
            },
        },
        {
            "key": "openness",
            "role": "area",
            "title": {"nl": "Openheid en transparantie", "en": "Openness and transparency"},
            "description": {
                "nl": "Informatie en problemen op tafel.",
                "en": "Information and problems on the table.",
            },
        },
        {
            "key": "expectations",
            "role": "area",
            "title": {"nl": "Heldere verwachtingen", "en": "Clear expectations"},
            "description": {
                "nl": "Weten wat u van elkaar kunt verwachten.",
                "en": "Knowing what to expect from each other.",
            },
        },
        {
            "key": "commitments",
            "role": "area",
            "title": {"nl": "Afspraken nakomen", "en": "Keeping commitments"},
            "description": {"nl": "Doen wat is afgesproken.", "en": "Doing what was agreed."},
        },
    ],
    "items": [
        {
            "id": "prop_1",
            "scale": "propensity",
            "reverse": False,
            "text": {
                "nl": "Als iets onduidelijk is, ga ik ervan uit dat {party} het goed bedoelt.",
                "en": "When something is unclear, I assume {party} means well.",
            },
        },
        {
            "id": "prop_2",
            "scale": "propensity",
            "reverse": False,
            "text": {
                "nl": "Mijn uitgangspunt bij {party} is vertrouwen, niet voorzichtigheid.",
                "en": "My starting point with {party} is trust rather than caution.",
            },
        },
        {
            "id": "prop_3",
            "scale": "propensity",
            "reverse": False,
            "text": {
                "nl": (
                    "Ik vind het prima om belangrijke delen van het werk aan {party} over te laten."
                ),
                "en": "I am comfortable leaving important parts of the work to {party}.",
            },
        },
        {
            "id": "prop_4",
            "scale": "propensity",
            "reverse": False,
            "text": {
                "nl": "Als {party} een fout maakt, ga ik ervan uit dat dat niet met opzet was.",
                "en": "If {party} makes a mistake, I assume it was not done on purpose.",
            },
        },
        {
            "id": "prop_5",
            "scale": "propensity",
            "reverse": False,
            "text": {
                "nl": "Ik sta ervoor open om samen met {party} een risico te nemen.",
                "en": "I am open to taking a risk together with {party}.",
            },
        },
        {
            "id": "prop_6",
            "scale": "propensity",
            "reverse": True,
            "text": {
                "nl": "Bij {party} blijf ik op mijn hoede.",
                "en": "With {party} I stay on my guard.",
            },
        },
        {
            "id": "anal_1",
            "scale": "analysis",
            "reverse": False,
            "text": {
                "nl": "Ik weet wat onze organisatie met de samenwerking met {party} wil bereiken.",
                "en": "I know what our organisation wants to achieve by working with {party}.",
            },
        },
        {
            "id": "anal_2",
            "scale": "analysis",
            "reverse": False,
            "text": {
                "nl": (
                    "Ik heb goed doordacht wat de samenwerking met {party} kan "
                    "opleveren, ook financieel."
                ),
                "en": (
                    "I have thought through what working with {party} can deliver, financially too."
                ),
            },
        },
        {
            "id": "anal_3",
            "scale": "analysis",
            "reverse": False,
            "text": {
                "nl": (
                    "Ik heb een helder beeld van de belangen die {party} bij "
                    "deze samenwerking heeft."
                ),
                "en": "I have a clear picture of the interests {party} has in this collaboration.",
            },
        },
        {
            "id": "anal_4",
            "scale": "analysis",
            "reverse": False,
            "text": {
                "nl": (
                    "Ik heb in kaart gebracht wat er mis kan gaan in de samenwerking met {party}."
                ),
                "en": "I have mapped out what could go wrong in the collaboration with {party}.",
            },
        },
        {
            "id": "anal_5",
            "scale": "analysis",
            "reverse": False,
            "text": {
                "nl": "Ik weet wat er voor ons op het spel staat als {party} niet levert.",
                "en": "I know what is at stake for us if {party} does not deliver.",
            },
        },
        {
            "id": "anal_6",
            "scale": "analysis",
            "reverse": False,
            "text": {
                "nl": "Ik heb nagedacht over hoe we reageren als {party} een afspraak niet nakomt.",
                "en": "I have considered how we would respond if {party} breaks an agreement.",
            },
        },
        {
            "id": "anal_7",
            "scale": "analysis",
            "reverse": False,
            "text": {
                "nl": "Ik heb bekeken wat {party} in eerdere projecten heeft gepresteerd.",
                "en": "I have looked at what {party} achieved in earlier projects.",
            },
        },
        {
            "id": "anal_8",
            "scale": "analysis",
            "reverse": False,
            "text": {
                "nl": "Mijn beeld van {party} is gebaseerd op feiten, niet op een onderbuikgevoel.",
                "en": "My view of {party} rests on facts rather than on a gut feeling.",
            },
        },
        {
            "id": "anal_9",
            "scale": "analysis",
            "reverse": True,
            "text": {
                "nl": "Ik heb niet echt uitgezocht of {party} de beloftes kan waarmaken.",
                "en": "I have not really checked whether {party} can keep its promises.",
            },
        },
        {
            "id": "integ_1",
            "scale": "integrity",
            "reverse": False,
            "text": {
                "nl": "{party} is eerlijk tegen ons, ook als de waarheid slecht uitkomt.",
                "en": "{party} is honest with us, even when the truth is inconvenient.",
            },
        },
        {
            "id": "integ_2",
            "scale": "integrity",
            "reverse": False,
            "text": {
                "nl": "Wat {party} zegt, komt overeen met wat {party} doet.",
                "en": "What {party} says matches what {party} does.",
            },
        },
        {
            "id": "integ_3",
            "scale": "integrity",
            "reverse": True,
            "text": {
                "nl": "{party} neemt het soms niet zo nauw met de waarheid.",
                "en": "{party} is sometimes loose with the truth.",
            },
        },
        {
            "id": "intent_1",
            "scale": "intent",
            "reverse": False,
            "text": {
                "nl": "{party} houdt ook rekening met onze belangen.",
                "en": "{party} also takes our interests into account.",
            },
        },
        {
            "id": "intent_2",
            "scale": "intent",
            "reverse": False,
            "text": {
                "nl": "{party} streeft naar een resultaat dat voor ons allebei goed is.",
                "en": "{party} is working towards an outcome that is good for both of us.",
            },
        },
        {
            "id": "intent_3",
            "scale": "intent",
            "reverse": True,
            "text": {
                "nl": "{party} is vooral uit op eigen gewin.",
                "en": "{party} is mainly out for its own gain.",
            },
        },
        {
            "id": "capab_1",
            "scale": "capabilities",
            "reverse": False,
            "text": {
                "nl": "{party} heeft de vakkennis die deze opdracht vraagt.",
                "en": "{party} has the expertise this assignment calls for.",
            },
        },
        {
            "id": "capab_2",
            "scale": "capabilities",
            "reverse": False,
            "text": {
                "nl": "{party} heeft genoeg mensen en middelen om het werk goed te doen.",
                "en": "{party} has enough people and resources to do the work well.",
            },
        },
        {
            "id": "capab_3",
            "scale": "capabilities",
            "reverse": False,
            "text": {
                "nl": "{party} weet goed om te gaan met de complexiteit van dit project.",
                "en": "{party} knows how to handle the complexity of this project.",
            },
        },
        {
            "id": "result_1",
            "scale": "results",
            "reverse": False,
            "text": {
                "nl": "{party} levert werk van de kwaliteit die wij nodig hebben.",
                "en": "{party} delivers work of the quality we need.",
            },
        },
        {
            "id": "result_2",
            "scale": "results",
            "reverse": False,
            "text": {
                "nl": "{party} heeft in vergelijkbare projecten goede resultaten geboekt.",
                "en": "{party} has achieved good results in comparable projects.",
            },
        },
        {
            "id": "result_3",
            "scale": "results",
            "reverse": False,
            "text": {
                "nl": "De bijdrage van {party} brengt deze samenwerking zichtbaar verder.",
                "en": "The contribution of {party} visibly moves this collaboration forward.",
            },
        },
        {
            "id": "open_1",
            "scale": "openness",
            "reverse": False,
            "text": {
                "nl": "{party} deelt uit zichzelf de informatie die wij nodig hebben.",
                "en": "{party} shares the information we need without being asked.",
            },
        },
        {
            "id": "open_2",
            "scale": "openness",
            "reverse": False,
            "text": {
                "nl": "{party} is open over problemen en tegenvallers.",
                "en": "{party} is open about problems and setbacks.",
            },
        },
        {
            "id": "open_3",
            "scale": "openness",
            "reverse": True,
            "text": {
                "nl": (
                    "Bij {party} heb ik vaak het gevoel dat er dingen voor ons "
                    "achtergehouden worden."
                ),
                "en": "With {party} I often feel that things are being kept from us.",
            },
        },
        {
            "id": "expect_1",
            "scale": "expectations",
            "reverse": False,
            "text": {
                "nl": "Het is mij duidelijk wat {party} van ons verwacht.",
                "en": "It is clear to me what {party} expects from us.",
            },
        },
        {
            "id": "expect_2",
            "scale": "expectations",
            "reverse": False,
            "text": {
                "nl": "Wij en {party} zien het gewenste eindresultaat op dezelfde manier.",
                "en": "We and {party} see the desired end result the same way.",
            },
        },
        {
            "id": "expect_3",
            "scale": "expectations",
            "reverse": False,
            "text": {
                "nl": "Als de verwachtingen veranderen, zegt {party} dat duidelijk.",
                "en": "When expectations change, {party} says so clearly.",
            },
        },
        {
            "id": "commit_1",
            "scale": "commitments",
            "reverse": False,
            "text": {
                "nl": "{party} komt afspraken na.",
                "en": "{party} follows through on agreements.",
            },
        },
        {
            "id": "commit_2",
            "scale": "commitments",
            "reverse": False,
            "text": {
                "nl": "{party} houdt zich aan de termijnen die we hebben afgesproken.",
                "en": "{party} meets the deadlines we agreed on.",
            },
        },
        {
            "id": "commit_3",
            "scale": "commitments",
            "reverse": True,
            "text": {
                "nl": "Bij {party} moet ik achter afspraken aan zitten voordat er iets gebeurt.",
                "en": "With {party} I have to chase agreements before anything happens.",
            },
        },
    ],
}


def smart_trust_v1() -> QuestionnaireDefinition:
    """The validated built-in definition (a fresh, immutable model on every call)."""
    return load_definition(DEFINITION)
