"""The page plan of a partner's questionnaire: which statements each page asks, about whom.

Per target party, its scales in the questionnaire's order are packed onto pages of at most
PAGE_STATEMENTS statements (a scale is never split: its statements belong together), and the
target's open comment closes its last page. The plan depends only on the questionnaire
version and the invitation's targets, so page numbers stay stable while a partner comes and goes.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from app.errors import NotFound
from app.scoring.questionnaire import ItemDefinition, QuestionnaireDefinition

# About what a phone screen shows in a few swipes; fewer pages, fewer waits for the next one.
PAGE_STATEMENTS = 12


@dataclass(frozen=True, slots=True)
class PageRef:
    """Page `number` (from 1) asks `items` (of `scale_keys`) about `target_party_id`; on the
    target's last page `comment` adds its open comment."""

    number: int
    target_party_id: int
    scale_keys: tuple[str, ...]
    items: tuple[ItemDefinition, ...]
    comment: bool = False


@dataclass(frozen=True, slots=True)
class _Group:
    scale_keys: tuple[str, ...]
    items: tuple[ItemDefinition, ...]


# Plans are asked for several times a request; the packing depends only on the definition
# and the target's kind. Keyed by id(): the entry holds the definition, so the id stays its own.
_GROUPS: dict[tuple[int, str | None], tuple[QuestionnaireDefinition, list[_Group]]] = {}
_GROUPS_MAX = 256


def plan_pages(
    definition: QuestionnaireDefinition, targets: Sequence[int], kinds: Mapping[str, str]
) -> list[PageRef]:
    """Per target: its statements that fit its kind, a few scales a page, then the comment."""
    pages: list[PageRef] = []
    commented = definition.comment_prompt is not None
    for target in targets:
        groups = _groups(definition, kinds.get(str(target)))
        if commented and not groups:
            groups = [_Group((), ())]  # nothing to rate, but something to say
        for index, group in enumerate(groups, 1):
            last = commented and index == len(groups)
            ref = PageRef(len(pages) + 1, target, group.scale_keys, group.items, comment=last)
            pages.append(ref)
    return pages


def _groups(definition: QuestionnaireDefinition, kind: str | None) -> list[_Group]:
    key = (id(definition), kind)
    cached = _GROUPS.get(key)
    if cached is not None:
        return cached[1]
    groups: list[_Group] = []
    for scale in definition.scales:
        items = tuple(definition.items_for(scale.key, kind))
        if not items:
            continue
        if groups and len(groups[-1].items) + len(items) <= PAGE_STATEMENTS:
            last = groups[-1]
            groups[-1] = _Group((*last.scale_keys, scale.key), last.items + items)
        else:
            groups.append(_Group((scale.key,), items))
    if len(_GROUPS) >= _GROUPS_MAX:
        _GROUPS.clear()
    _GROUPS[key] = (definition, groups)
    return groups


def page_ref(plan: Sequence[PageRef], number: int) -> PageRef:
    if not 1 <= number <= len(plan):
        raise NotFound(f"This questionnaire has pages 1 to {len(plan)}.")
    return plan[number - 1]
