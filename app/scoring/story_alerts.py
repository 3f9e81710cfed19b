"""An alert in words: what dropped from what to what, and how sure that is (pure)."""

from __future__ import annotations

from dataclasses import dataclass

from app.scoring.story import NOTABLE_POINTS, Wording


@dataclass(frozen=True, slots=True)
class AlertFacts:
    """An alert's figures as the reader may see them; `subject` names the party or pair."""

    kind: str  # zone_move, decline, low_participation
    subject: str
    measure: str = ""  # the measure's title (declines)
    before: float | None = None
    after: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    zone_from: str | None = None
    zone_to: str | None = None
    response_rate: float | None = None


@dataclass(frozen=True, slots=True)
class AlertWords:
    what: str  # what happened
    sureness: str  # how sure that is, in words


def tell_alert(alert: AlertFacts, *, wording: Wording) -> AlertWords:
    if alert.kind == "zone_move":
        return _zone_move(alert, wording)
    if alert.kind == "decline":
        return _decline(alert, wording)
    return _participation(alert, wording)


def _zone_move(alert: AlertFacts, wording: Wording) -> AlertWords:
    _ = wording.gettext
    zone = wording.zone_names.get(alert.zone_to or "", alert.zone_to or "")
    if alert.zone_from:
        before = wording.zone_names.get(alert.zone_from, alert.zone_from)
        what = _("%(subject)s moved from “%(before)s” to “%(zone)s”.") % {
            "subject": alert.subject,
            "before": before,
            "zone": zone,
        }
    else:
        what = _("%(subject)s is in “%(zone)s” from the start.") % {
            "subject": alert.subject,
            "zone": zone,
        }
    sureness = _(
        "The zone follows from the average scores; close to a boundary a few answers can tip it."
    )
    return AlertWords(what, sureness)


def _decline(alert: AlertFacts, wording: Wording) -> AlertWords:
    _ = wording.gettext
    names = {"measure": alert.measure, "subject": alert.subject}
    if alert.before is not None and alert.after is not None:
        what = _("%(measure)s (%(subject)s) fell from %(before)s to %(after)s.") % {
            **names,
            "before": wording.number(round(alert.before)),
            "after": wording.number(round(alert.after)),
        }
    else:
        what = _("%(measure)s (%(subject)s) fell.") % names
    if alert.ci_low is None or alert.ci_high is None:
        return AlertWords(what, _("How sure this is cannot be said for this alert."))
    # The change's interval, said as how far it fell: the least and the most, without signs.
    span = {"least": wording.points(alert.ci_high), "most": wording.points(alert.ci_low)}
    if alert.ci_high <= -NOTABLE_POINTS:
        sureness = _(
            "Almost certainly a real decline: allowing for chance it fell by "
            "%(least)s to %(most)s points."
        )
    else:
        sureness = _(
            "Probably a real decline, though perhaps smaller than it looks: allowing for chance "
            "it fell by %(least)s to %(most)s points."
        )
    return AlertWords(what, sureness % span)


def _participation(alert: AlertFacts, wording: Wording) -> AlertWords:
    _ = wording.gettext
    rate = wording.number(round(100 * (alert.response_rate or 0)))
    what = _("Only %(rate)s%% of the people invited in %(subject)s answered.") % {
        "rate": rate,
        "subject": alert.subject,
    }
    sureness = _("With so few answers this party's figures say less than they seem to.")
    return AlertWords(what, sureness)
