"""Primary and complementary suppression of small groups."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.scoring.suppression import suppress


@pytest.mark.parametrize(
    ("groups", "total_shown", "hidden"),
    [
        ({"a": 5, "b": 3, "c": 9}, True, set()),
        ({"a": 2, "b": 4, "c": 9}, False, {"a"}),
        # One party under k with a round total shown: the next smallest goes too.
        ({"a": 2, "b": 4, "c": 9}, True, {"a", "b"}),
        # Two tiny groups together are still under k: a third is needed.
        ({"a": 1, "b": 1, "c": 7, "d": 9}, True, {"a", "b", "c"}),
        ({"a": 1, "b": 2, "c": 7}, True, {"a", "b"}),
        # Empty groups reveal nothing and are neither hidden nor used as complement.
        ({"a": 0, "b": 2, "c": 5, "d": 6}, True, {"b", "c"}),
        ({"a": 0, "b": 0}, True, set()),
        ({"a": 2}, True, {"a"}),
        # Ties are broken on the key, so the outcome is stable.
        ({"a": 1, "y": 4, "x": 4}, True, {"a", "x"}),
    ],
)
def test_suppression_with_k_3(groups: dict[str, int], total_shown: bool, hidden: set[str]) -> None:
    assert suppress(groups, 3, total_shown=total_shown) == hidden


def test_already_hidden_groups_count_towards_the_complement() -> None:
    assert suppress({"a": 4, "b": 5, "c": 6}, 3, already_hidden={"a"}) == {"a"}
    assert suppress({"a": 0, "b": 2, "c": 6}, 3, already_hidden={"a"}) == {"a", "b", "c"}


def test_k_is_configurable() -> None:
    assert suppress({"a": 4, "b": 6, "c": 9}, 5) == {"a", "b"}


group_sizes = st.dictionaries(st.text(min_size=1, max_size=3), st.integers(0, 12), max_size=8)


@given(group_sizes, st.integers(2, 6))
def test_no_hidden_group_can_be_derived_from_the_total(groups: dict[str, int], k: int) -> None:
    total = sum(groups.values())
    total_shown = total >= k
    hidden = suppress(groups, k, total_shown=total_shown)
    shown = {g: n for g, n in groups.items() if g not in hidden}
    # Nothing shown rests on 1..k-1 respondents.
    assert all(n == 0 or n >= k for n in shown.values())
    if total_shown:
        # Total minus the shown groups is what the hidden ones hold together.
        derivable = total - sum(shown.values())
        assert derivable == 0 or derivable >= k
        assert len(hidden) == 0 or len(hidden) >= 2


@given(group_sizes, st.integers(2, 6))
def test_every_small_group_is_hidden(groups: dict[str, int], k: int) -> None:
    hidden = suppress(groups, k)
    assert {g for g, n in groups.items() if 0 < n < k} <= hidden
    assert not {g for g, n in groups.items() if n == 0} & hidden
