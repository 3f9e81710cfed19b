"""A round's story in plain words: sentences from plain numbers, never surer than they are.

Pure: the caller passes the wording (its gettext, ngettext and number format), so the same
sentences serve the dashboard, the printable report and the PDF in Dutch and English.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

# A change the size of a few points is what a coach can talk about; smaller apparent changes
# inside the margin of chance are not worth a sentence of their own.
NOTABLE_POINTS = 5.0
# Changes within the margin of chance are named up to this many; more are said in one phrase.
MOST_LISTED = 2
# Zones a coach wants to hear about even when nothing moved: the ones away from smart trust.
ZONES_TO_DISCUSS = ("distrust", "no_trust", "blind_trust")


class Direction(StrEnum):
    DOWN = "down"
    UP = "up"
    UNCLEAR = "unclear"


def direction_of(ci_low: float, ci_high: float) -> Direction:
    """Down or up only when the whole 95% interval of the change lies on that side of 0."""
    if ci_high < 0:
        return Direction.DOWN
    if ci_low > 0:
        return Direction.UP
    return Direction.UNCLEAR


@dataclass(frozen=True, slots=True)
class Wording:
    """The reader's language: gettext, ngettext (the chosen form, unfilled), whole numbers."""

    gettext: Callable[[str], str]
    ngettext: Callable[[str, str, int], str]
    number: Callable[[float], str]
    zone_names: Mapping[str, str]

    def points(self, value: float) -> str:
        """An amount of points without a sign; never "-0" or "0" for a real difference."""
        shown = round(abs(value))
        return self.gettext("less than 1") if shown == 0 else self.number(shown)


@dataclass(frozen=True, slots=True)
class Move:
    """One measure's change from the previous round: the two means and the change's 95% CI."""

    key: str
    title: str
    before: float
    after: float
    ci_low: float
    ci_high: float

    @property
    def direction(self) -> Direction:
        return direction_of(self.ci_low, self.ci_high)


@dataclass(frozen=True, slots=True)
class GroupFigures:
    """What may be said about a party or a relationship in one round.

    `suppressed` groups carry nothing else. `previous_zone` and `moves` come only from a
    previous round in which the group was shown too; `compared` says there was one.
    """

    subject: str  # "Provincie Utrecht", or "the trust of A in B"
    suppressed: bool
    zone: str | None = None
    borderline: bool = False
    previous_zone: str | None = None
    compared: bool = False
    moves: tuple[Move, ...] = ()


@dataclass(frozen=True, slots=True)
class GroupStory:
    subject: str
    zone: str | None
    previous_zone: str | None
    sentences: tuple[str, ...]
    falls: tuple[str, ...]  # keys of measures that probably fell
    rises: tuple[str, ...]

    @property
    def zone_moved(self) -> bool:
        return self.zone is not None and self.previous_zone not in (None, self.zone)

    @property
    def needs_attention(self) -> bool:
        return bool(self.falls) or (self.zone_moved and self.zone in ZONES_TO_DISCUSS)


def tell_group(group: GroupFigures, *, k: int, wording: Wording) -> GroupStory:
    """Sentences about one group: its zone and where it came from, what clearly rose or fell,
    and what moved within the margin of chance. A suppressed group says only that it is."""
    _ = wording.gettext
    if group.suppressed:
        sentence = _("%(subject)s: fewer than %(k)s people answered, so nothing is shown.")
        return GroupStory(group.subject, None, None, (sentence % _vars(group, k=k),), (), ())
    sentences = [_zone_sentence(group, wording)]
    falls = tuple(m for m in group.moves if m.direction is Direction.DOWN)
    rises = tuple(m for m in group.moves if m.direction is Direction.UP)
    if falls:
        sentences.append(_("Probably lower: %(list)s.") % {"list": _listed(falls, wording)})
    if rises:
        sentences.append(_("Probably higher: %(list)s.") % {"list": _listed(rises, wording)})
    unclear = tuple(
        m
        for m in group.moves
        if m.direction is Direction.UNCLEAR and abs(m.after - m.before) >= NOTABLE_POINTS
    )
    if len(unclear) > MOST_LISTED:  # a long list of non-findings buries the findings
        sentences.append(_("Other differences lie within the margin of chance."))
    elif unclear:
        sentences.append(
            _("No clear change in %(list)s: the difference lies within the margin of chance.")
            % {"list": _listed(unclear, wording)}
        )
    if group.compared and not (falls or rises or unclear):
        sentences.append(_("No clear change since the previous round."))
    elif not group.compared:
        sentences.append(_("There are no earlier figures to compare with."))
    return GroupStory(
        group.subject,
        group.zone,
        group.previous_zone if group.compared else None,
        tuple(sentences),
        tuple(m.key for m in falls),
        tuple(m.key for m in rises),
    )


def _zone_sentence(group: GroupFigures, wording: Wording) -> str:
    _ = wording.gettext
    if group.zone is None:
        return _("%(subject)s has no zone: too few answers on propensity or analysis.") % _vars(
            group
        )
    names = {"zone": wording.zone_names.get(group.zone, group.zone)}
    if group.compared and group.previous_zone and group.previous_zone != group.zone:
        names["before"] = wording.zone_names.get(group.previous_zone, group.previous_zone)
        text = _("%(subject)s moved from “%(before)s” to “%(zone)s”.")
    elif group.compared and group.previous_zone == group.zone:
        text = _("%(subject)s stays in “%(zone)s”.")
    else:
        text = _("%(subject)s is in “%(zone)s”.")
    sentence = text % {**_vars(group), **names}
    if group.borderline:
        sentence += " " + _("It sits close to a boundary, so a small change can move it.")
    return sentence


def _vars(group: GroupFigures, **more: object) -> dict[str, object]:
    return {"subject": group.subject, **more}


def _listed(moves: Sequence[Move], wording: Wording) -> str:
    parts = [
        f"{m.title} ({wording.number(round(m.before))} → {wording.number(round(m.after))})"
        for m in moves
    ]
    if len(parts) == 1:
        return parts[0]
    return wording.gettext("%(first)s and %(last)s") % {
        "first": ", ".join(parts[:-1]),
        "last": parts[-1],
    }


@dataclass(frozen=True, slots=True)
class RoundFacts:
    """The round as a whole: who answered, and what happened across its groups."""

    round_label: str
    previous_label: str | None
    submitted: int
    invited: int
    stories: tuple[GroupStory, ...]


def tell_round(facts: RoundFacts, *, wording: Wording) -> tuple[str, ...]:
    """The opening sentences: the response, and how many zone moves, falls and rises."""
    _, ngettext = wording.gettext, wording.ngettext
    sentences = []
    if facts.invited:
        rate = wording.number(round(100 * facts.submitted / facts.invited))
        sentences.append(
            ngettext(
                "In “%(round)s” %(submitted)s of the %(num)s person invited answered (%(rate)s%%).",
                "In “%(round)s” %(submitted)s of the %(num)s people invited answered (%(rate)s%%).",
                facts.invited,
            )
            % {
                "round": facts.round_label,
                "submitted": wording.number(facts.submitted),
                "num": wording.number(facts.invited),
                "rate": rate,
            }
        )
    if facts.previous_label is None:
        sentences.append(
            _("This is the first round: the next one will show which way trust moves.")
        )
        return tuple(sentences)
    moved = sum(1 for s in facts.stories if s.zone_moved)
    falls = sum(len(s.falls) for s in facts.stories)
    rises = sum(len(s.rises) for s in facts.stories)
    if not (moved or falls or rises):
        sentences.append(
            _("Compared with “%(previous)s” nothing changed clearly.")
            % {"previous": facts.previous_label}
        )
        return tuple(sentences)
    counts = ", ".join(
        (
            ngettext("%(num)s zone change", "%(num)s zone changes", moved) % {"num": moved},
            ngettext("%(num)s clear decline", "%(num)s clear declines", falls) % {"num": falls},
            ngettext("%(num)s clear rise", "%(num)s clear rises", rises) % {"num": rises},
        )
    )
    sentences.append(
        _("Compared with “%(previous)s”: %(counts)s.")
        % {"previous": facts.previous_label, "counts": counts}
    )
    return tuple(sentences)
