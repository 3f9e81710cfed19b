"""What a zone or an area usually means and what a coach can do: texts for the conversation.

Grounded in Smart Trust: move from blind trust or distrust towards smart trust by making
interests, risks and commitments explicit. Pure; the caller passes its translation function.
"""

from collections.abc import Callable
from dataclasses import dataclass

Translate = Callable[[str], str]


@dataclass(frozen=True, slots=True)
class Guidance:
    key: str  # a zone ("distrust"), a measure or area key ("openness"), or "participation"
    title: str
    meaning: str
    action: str
    starters: tuple[str, ...]  # conversation starters for the next session with the partners

    @property
    def anchor(self) -> str:
        return f"guidance-{self.key}"


def _zones(_: Translate) -> list[Guidance]:
    return [
        Guidance(
            "distrust",
            _("Distrust"),
            _(
                "Partners analyse a lot but expect little good of each other: they collect evidence, write everything down and read each other's actions in the worst light. Contracts grow, speed drops."
            ),
            _(
                "Do not ask for more trust; make the suspicion discussable. Let each party name the risk it fears and agree on a small, checkable commitment that shows good intent."
            ),
            (
                _(
                    "Which risk do you see in working with the other party that we have not yet put on the table?"
                ),
                _(
                    "What would the other party have to do in the coming month for you to check a little less?"
                ),
                _("Which small agreement could we make now that everyone can see being kept?"),
            ),
        ),
        Guidance(
            "no_trust",
            _("No trust"),
            _(
                "Little will to trust and little analysis: nobody invests, nobody checks. Often a sign that the collaboration has lost its meaning for the partners, or that people wait for each other."
            ),
            _(
                "Bring back the shared purpose first. Ask each party what it wants from the collaboration and what it risks, and let them decide together on one next step with an owner."
            ),
            (
                _(
                    "What does this collaboration still bring your organisation, and what does it cost?"
                ),
                _("What are we waiting for, and from whom?"),
                _("If we stopped today, what would we miss?"),
            ),
        ),
        Guidance(
            "blind_trust",
            _("Blind trust"),
            _(
                "Partners like each other and expect it to work out, but have not looked at interests, risks and money. It feels good until the first setback; then it can turn into distrust quickly."
            ),
            _(
                "Keep the goodwill and add judgement: ask the partners to make interests, risks and who carries them explicit, and to write down what they expect of each other."
            ),
            (
                _("What could go wrong in this project, and who would bear the cost?"),
                _("Which interest of your own have you not yet told the others about?"),
                _("How will we notice in time that an agreement is not being kept?"),
            ),
        ),
        Guidance(
            "smart_trust",
            _("Smart trust"),
            _(
                "The will to trust together with a clear view of interests, risks and commitments: the zone to aim for. It stays only as long as agreements are kept and checked."
            ),
            _(
                "Name what works and keep the rhythm: review agreements regularly, and welcome bad news early so trust does not slide back into blindness."
            ),
            (
                _("What have we done that made this trust possible, and how do we keep doing it?"),
                _("Which agreement are we most likely to let slip in the next phase?"),
            ),
        ),
    ]


def _measures(_: Translate) -> list[Guidance]:
    return [
        Guidance(
            "propensity",
            _("Propensity to trust"),
            _(
                "How willing partners are to give the other the benefit of the doubt. When it falls, people start to expect the worst, often after a disappointment nobody talked about."
            ),
            _(
                "Look for the event behind the fall and give it a place in the conversation, without looking for someone to blame."
            ),
            (
                _("What happened since the last round that made you more careful?"),
                _("What would help you give the other party the benefit of the doubt again?"),
            ),
        ),
        Guidance(
            "analysis",
            _("Analysis"),
            _(
                "How deliberately partners look at interests, risks and the other's credibility. Low analysis with high propensity is blind trust; rising analysis with falling propensity is the road to distrust."
            ),
            _(
                "Make analysis shared instead of private: look at risks and figures together, so checking becomes a joint habit rather than a sign of suspicion."
            ),
            (
                _(
                    "Which figures or risks would you like to look at together rather than each on your own?"
                ),
                _("What do you check now that you did not check before, and why?"),
            ),
        ),
        Guidance(
            "integrity",
            _("Integrity"),
            _(
                "Whether partners believe the other is honest and acts on what it says. A fall often follows a moment in which words and deeds seemed to part."
            ),
            _(
                "Invite the partners to talk straight about that moment and to say what they will do differently, in words that can be checked later."
            ),
            (
                _("Was there a moment when what was said and what was done did not match?"),
                _("What do you need to hear from the other party to believe them again?"),
            ),
        ),
        Guidance(
            "intent",
            _("Intent"),
            _(
                "Whether partners believe the other also has their interest at heart. When it falls, each party starts to suspect a hidden agenda."
            ),
            _(
                "Let each party state its own interests openly, including the awkward ones; hidden interests feed suspicion more than conflicting ones."
            ),
            (
                _("What is your organisation's most important interest in this collaboration?"),
                _(
                    "Where do you think our interests conflict, and how do we want to deal with that?"
                ),
            ),
        ),
        Guidance(
            "capabilities",
            _("Capabilities"),
            _(
                "Whether partners think the other can do what is needed: knowledge, people, means. A fall is about competence, not character."
            ),
            _(
                "Make the doubt concrete: which task, which skill, which capacity. Then agree on support, a check or a different division of work."
            ),
            (
                _("For which task in the coming phase do you doubt whether we are well equipped?"),
                _("What help or knowledge would make the difference?"),
            ),
        ),
        Guidance(
            "results",
            _("Results"),
            _(
                "Whether partners see the other deliver what was promised, on time and within budget. Trust follows track record."
            ),
            _(
                "Look at what was delivered together, agree on a few visible milestones for the next phase and celebrate the ones that are met."
            ),
            (
                _("Which result of the other party have you noticed, and which have you missed?"),
                _("Which milestone in the coming months will show that we are on track?"),
            ),
        ),
        Guidance(
            "openness",
            _("Openness"),
            _(
                "Whether partners share information, including bad news, early and unasked. When it falls, people learn of problems late and fill the gaps with assumptions."
            ),
            _(
                "Agree on what will be shared, when and how, and reward early bad news instead of punishing it."
            ),
            (
                _("What would you want to hear sooner from the other party?"),
                _("What makes it hard to bring bad news to this table?"),
            ),
        ),
        Guidance(
            "expectations",
            _("Expectations"),
            _(
                "Whether partners know what they can expect of each other. A fall means that assumptions were not said out loud and now collide."
            ),
            _(
                "Clarify expectations out loud: who does what, by when, and what counts as done. Write them down and check them at the next round."
            ),
            (
                _("What did you expect of the other party that turned out differently?"),
                _("Which expectation would you like to make explicit today?"),
            ),
        ),
        Guidance(
            "commitments",
            _("Commitments"),
            _(
                "Whether partners keep their agreements. Each broken promise weighs more than a kept one; a fall here quickly pulls the other areas down."
            ),
            _(
                "Review the open agreements together: which were kept, which not, and why. Make fewer promises, and make the ones you make checkable."
            ),
            (
                _("Which agreement from the last session was kept, and which was not?"),
                _(
                    "Which commitment can each party make for the coming period that the others can check?"
                ),
            ),
        ),
    ]


def _participation(_: Translate) -> Guidance:
    return Guidance(
        "participation",
        _("Participation"),
        _(
            "When few people answer, the figures rest on a few voices and may miss what others think. Low participation itself can be a signal: fatigue, doubt about what happens with the answers, or distance from the collaboration."
        ),
        _(
            "Ask the contact people why colleagues did not answer, show what was done with the last results, and keep the questionnaire short."
        ),
        (
            _("What would make it worth your colleagues' five minutes to answer?"),
            _("What did you see happen with the results of the last round?"),
        ),
    )


def all_guidance(_: Translate) -> list[Guidance]:
    """Every text: the four zones, then propensity, analysis and the areas, then participation."""
    return [*_zones(_), *_measures(_), _participation(_)]


def guidance_for(keys: list[str], _: Translate) -> list[Guidance]:
    """The texts for the given keys, in the given order, skipping keys without a text."""
    known = {g.key: g for g in all_guidance(_)}
    return [known[key] for key in dict.fromkeys(keys) if key in known]
