"""Anonymity: which groups to hide so no shown figure reveals fewer than k respondents."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from typing import TypeVar

K = TypeVar("K", bound=Hashable)

DEFAULT_K = 3


def suppress(
    groups: Mapping[K, int],
    k: int = DEFAULT_K,
    *,
    total_shown: bool = True,
    already_hidden: Iterable[K] = (),
) -> set[K]:
    """Keys of the groups to hide, given each group's respondent count.

    Primary: every group with 0 < n < k. An empty group (n = 0) has no answers to reveal, so
    it stays visible as "no responses". Complementary, when a total over the groups is shown:
    subtracting the shown groups from the total gives the hidden groups combined, so more
    groups are hidden, smallest first, until the hidden ones together hold k or more
    respondents (which takes at least two groups when one is under k).

    `already_hidden` are groups hidden for another reason (say, at a higher level); they join
    the hidden set, and count towards its size, whatever their own n.

    If even hiding every group cannot reach k respondents, the total is under k as well and
    must itself be suppressed by the caller (it is, when it goes through the same rule).
    """
    hidden = {key for key, n in groups.items() if 0 < n < k} | set(already_hidden)
    if not total_shown:
        return hidden
    # Deterministic tie-break on the key's text so the same data always hides the same groups.
    candidates = sorted(
        (key for key, n in groups.items() if n > 0 and key not in hidden),
        key=lambda key: (groups[key], str(key)),
    )
    for key in candidates:
        hidden_total = sum(groups.get(h, 0) for h in hidden)
        if hidden_total == 0 or hidden_total >= k:
            break
        hidden.add(key)
    return hidden
