"""What changed in a round, in plain words: per party and per relationship, with guidance.

`round_story` is the use case (the dashboard and the reports call it); `story_of` tells the
story of a dashboard already built, with the round's changes from `round_moves`.
"""

from dataclasses import dataclass

from sqlmodel import Session

from app.errors import NotFound
from app.infra.numbers import format_decimal
from app.infra.translations import translations_for
from app.scoring.story import (
    ZONES_TO_DISCUSS,
    GroupFigures,
    GroupStory,
    Move,
    RoundFacts,
    Wording,
    tell_group,
    tell_round,
)
from app.services.results.dashboard import Dashboard, Position, build_dashboard
from app.services.results.guidance import Guidance, guidance_for
from app.services.results.trend_types import Moves

PARTICIPATION_FLOOR = 0.5


@dataclass(frozen=True, slots=True)
class RoundStory:
    round_id: int
    round_label: str
    previous_label: str | None
    opening: tuple[str, ...]  # the first sentences: response, and what changed overall
    parties: tuple[GroupStory, ...]  # every party, in the collaboration's order
    relationships: tuple[GroupStory, ...]  # only the ones that changed or need attention
    quiet_relationships: int  # relationships shown with no clear change
    hidden_relationships: int  # relationships with fewer than k answers
    guidance: tuple[Guidance, ...]  # what applies to this round, most urgent first


def round_story(
    session: Session, *, organisation_id: int, collaboration_id: int, round_id: int, language: str
) -> RoundStory:
    """The story of one measured round of a collaboration, in `language` (nl or en)."""
    dashboard = build_dashboard(
        session, organisation_id=organisation_id, collaboration_id=collaboration_id
    )
    if round_id not in {r.id for r in dashboard.rounds}:
        raise NotFound(f"No measured round {round_id} in collaboration {collaboration_id}.")
    moves = round_moves(dashboard, round_id)
    return story_of(dashboard, round_id=round_id, moves=moves, language=language)


def default_round_id(dashboard: Dashboard) -> int | None:
    """The newest round with figures to show: a round just opened, with too few answers yet,
    must not blank the page; with no figures anywhere, the newest round."""
    for round_ in reversed(dashboard.rounds):
        for party in dashboard.parties:
            found = dashboard.position(party.id, round_.id)
            if found is not None and not found.suppressed and found.zone is not None:
                return round_.id
    return dashboard.rounds[-1].id if dashboard.rounds else None


def round_moves(dashboard: Dashboard, round_id: int) -> Moves:
    """The changes of every shown party and relationship from the round before `round_id`,
    as the trends computed them (nothing is scored again)."""
    return dashboard.moves.get(round_id, {})


def wording_for(language: str) -> Wording:
    translations = translations_for(language)
    _ = translations.gettext
    return Wording(
        gettext=_,
        ngettext=translations.ngettext,
        number=lambda value: format_decimal(value, language, digits=0),
        zone_names={
            "blind_trust": _("Blind trust"),
            "smart_trust": _("Smart trust"),
            "no_trust": _("No trust"),
            "distrust": _("Distrust"),
        },
    )


def measure_titles(dashboard: Dashboard, language: str) -> dict[str, str]:
    _ = translations_for(language).gettext
    titles = {"propensity": _("Propensity to trust"), "analysis": _("Analysis")}
    titles.update({a.key: a.titles.get(language, a.key) for a in dashboard.areas})
    return titles


def story_of(dashboard: Dashboard, *, round_id: int, moves: Moves, language: str) -> RoundStory:
    wording = wording_for(language)
    titles = measure_titles(dashboard, language)
    ids = [r.id for r in dashboard.rounds]
    index = ids.index(round_id)
    previous = dashboard.rounds[index - 1] if index else None
    previous_id = previous.id if previous else None
    parties, relationships = [], []
    hidden = 0
    for party in dashboard.parties:
        now = dashboard.position(party.id, round_id)
        before = dashboard.position(party.id, previous_id) if previous_id else None
        if now is None:
            continue
        found = _figures(party.name, now, before, moves.get((party.id, None), {}), titles)
        parties.append(tell_group(found, k=dashboard.k, wording=wording))
        for target in dashboard.parties:
            pair_now = dashboard.pairs.get((party.id, target.id, round_id))
            if pair_now is None:
                continue
            if pair_now.suppressed:
                hidden += 1  # counted, never described: its story would tell what is hidden
                continue
            pair_before = dashboard.pairs.get((party.id, target.id, previous_id or 0))
            subject = wording.gettext("%(truster)s about %(target)s") % {
                "truster": party.name,
                "target": target.name,
            }
            pair_moves = moves.get((party.id, target.id), {})
            found = _figures(subject, pair_now, pair_before, pair_moves, titles)
            relationships.append(tell_group(found, k=dashboard.k, wording=wording))
    groups = (parties, relationships, hidden)
    return _assembled(dashboard, round_id, previous, groups, wording)


def _assembled(
    dashboard: Dashboard,
    round_id: int,
    previous: object,
    groups: tuple[list[GroupStory], list[GroupStory], int],
    wording: Wording,
) -> RoundStory:
    parties, relationships, hidden = groups
    label = next(r.label for r in dashboard.rounds if r.id == round_id)
    previous_label = getattr(previous, "label", None)
    submitted = sum(p.submitted for (_, r), p in dashboard.participation.items() if r == round_id)
    invited = sum(p.invited for (_, r), p in dashboard.participation.items() if r == round_id)
    told = [s for s in relationships if s.zone_moved or s.falls or s.rises]
    facts = RoundFacts(label, previous_label, submitted, invited, tuple(parties + told))
    return RoundStory(
        round_id=round_id,
        round_label=label,
        previous_label=previous_label,
        opening=tell_round(facts, wording=wording),
        parties=tuple(parties),
        relationships=tuple(told),
        quiet_relationships=len(relationships) - len(told),
        hidden_relationships=hidden,
        guidance=tuple(_applicable(parties + told, submitted, invited, wording)),
    )


def _figures(
    subject: str,
    now: Position,
    before: Position | None,
    moves: dict[str, tuple[float, float, float, float]],
    titles: dict[str, str],
) -> GroupFigures:
    if now.suppressed:
        return GroupFigures(subject, suppressed=True)
    compared = before is not None and not before.suppressed
    ordered = [key for key in titles if key in moves]
    return GroupFigures(
        subject,
        suppressed=False,
        zone=now.zone,
        borderline=now.borderline,
        previous_zone=before.zone if compared and before else None,
        compared=compared,
        moves=tuple(Move(key, titles[key], *moves[key]) for key in ordered),
    )


def _applicable(
    stories: list[GroupStory], submitted: int, invited: int, wording: Wording
) -> list[Guidance]:
    """Zones away from smart trust first (the most worrying first), then what fell."""
    zones = [z for z in ZONES_TO_DISCUSS if any(s.zone == z for s in stories)]
    falls = [key for s in stories for key in s.falls]
    keys = zones + falls
    if invited and submitted / invited < PARTICIPATION_FLOOR:
        keys.append("participation")
    if not keys:
        keys = ["smart_trust"]
    return guidance_for(keys, wording.gettext)
