"""The round's story from golden scenarios: never surer than the numbers, nothing hidden leaks."""

import pytest

from app.scoring.story import (
    Direction,
    GroupFigures,
    Move,
    RoundFacts,
    Wording,
    direction_of,
    tell_group,
    tell_round,
)
from app.scoring.story_alerts import AlertFacts, tell_alert

ZONES = {
    "blind_trust": "Blind trust",
    "smart_trust": "Smart trust",
    "no_trust": "No trust",
    "distrust": "Distrust",
}


def _plural(singular: str, plural: str, n: int) -> str:
    return singular if n == 1 else plural


ENGLISH = Wording(lambda text: text, _plural, lambda value: f"{value:,.0f}", ZONES)
# Dutch numbers without the catalogue: what the number format alone must get right.
DUTCH_NUMBERS = Wording(
    lambda text: text, _plural, lambda value: f"{value:,.0f}".replace(",", "."), ZONES
)


def test_a_clear_decline_is_called_probable_with_its_figures() -> None:
    group = GroupFigures(
        "Wegenbouw Rijnland",
        suppressed=False,
        zone="smart_trust",
        previous_zone="smart_trust",
        compared=True,
        moves=(Move("openness", "Openness", 62.4, 45.1, -28.9, -5.7),),
    )
    story = tell_group(group, k=3, wording=ENGLISH)
    assert story.sentences == (
        "Wegenbouw Rijnland stays in “Smart trust”.",
        "Probably lower: Openness (62 → 45).",
    )
    assert story.falls == ("openness",) and story.needs_attention


def test_a_change_within_noise_is_no_clear_change() -> None:
    group = GroupFigures(
        "Gemeente Utrecht",
        suppressed=False,
        zone="smart_trust",
        previous_zone="smart_trust",
        compared=True,
        moves=(
            Move("analysis", "Analysis", 66.0, 58.0, -19.0, 3.0),
            Move("integrity", "Integrity", 70.0, 71.0, -6.0, 8.0),
        ),
    )
    story = tell_group(group, k=3, wording=ENGLISH)
    assert "Probably" not in " ".join(story.sentences)
    assert story.sentences[-1] == (
        "No clear change in Analysis (66 → 58): the difference lies within the margin of chance."
    )
    assert story.falls == () and story.rises == () and not story.needs_attention


def test_many_changes_within_noise_are_said_in_one_phrase() -> None:
    moves = tuple(Move(f"m{i}", f"M{i}", 60.0, 52.0, -18.0, 2.0) for i in range(3))
    group = GroupFigures("A", suppressed=False, zone="no_trust", compared=True, moves=moves)
    story = tell_group(group, k=3, wording=ENGLISH)
    assert story.sentences[-1] == "Other differences lie within the margin of chance."


def test_small_changes_within_noise_read_as_no_clear_change_since_the_previous_round() -> None:
    group = GroupFigures(
        "A",
        suppressed=False,
        zone="no_trust",
        previous_zone="no_trust",
        compared=True,
        moves=(Move("analysis", "Analysis", 40.0, 41.0, -4.0, 6.0),),
    )
    story = tell_group(group, k=3, wording=ENGLISH)
    assert story.sentences[-1] == "No clear change since the previous round."


def test_a_zone_move_says_where_it_came_from() -> None:
    group = GroupFigures(
        "Provincie Utrecht",
        suppressed=False,
        zone="smart_trust",
        borderline=True,
        previous_zone="distrust",
        compared=True,
        moves=(Move("propensity", "Propensity to trust", 42.0, 55.3, 6.1, 20.5),),
    )
    story = tell_group(group, k=3, wording=ENGLISH)
    assert story.sentences[0].startswith(
        "Provincie Utrecht moved from “Distrust” to “Smart trust”. It sits close to a boundary"
    )
    assert story.sentences[1] == "Probably higher: Propensity to trust (42 → 55)."
    assert story.zone_moved and story.rises == ("propensity",)


def test_moving_into_distrust_needs_attention() -> None:
    group = GroupFigures(
        "A", suppressed=False, zone="distrust", previous_zone="blind_trust", compared=True
    )
    assert tell_group(group, k=3, wording=ENGLISH).needs_attention


def test_a_suppressed_group_says_only_that_it_is_hidden() -> None:
    # Even if a caller passed figures along, a hidden group's story holds none of them.
    group = GroupFigures(
        "Aannemer BV",
        suppressed=True,
        zone="distrust",
        previous_zone="smart_trust",
        compared=True,
        moves=(Move("openness", "Openness", 70.0, 40.0, -40.0, -20.0),),
    )
    story = tell_group(group, k=3, wording=ENGLISH)
    assert story.sentences == ("Aannemer BV: fewer than 3 people answered, so nothing is shown.",)
    words = " ".join(story.sentences)
    for leak in ("Distrust", "Smart trust", "Openness", "70", "40", "moved", "lower", "change"):
        assert leak not in words
    assert story.zone is None and story.falls == () and not story.needs_attention


def test_a_group_without_earlier_figures_is_not_compared() -> None:
    group = GroupFigures("A", suppressed=False, zone="blind_trust")
    story = tell_group(group, k=3, wording=ENGLISH)
    assert story.sentences == (
        "A is in “Blind trust”.",
        "There are no earlier figures to compare with.",
    )


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [(-9.0, -0.1, Direction.DOWN), (0.2, 4.0, Direction.UP), (-3.0, 3.0, Direction.UNCLEAR)],
)
def test_only_an_interval_wholly_on_one_side_gives_a_direction(
    low: float, high: float, expected: Direction
) -> None:
    assert direction_of(low, high) is expected


def test_the_round_opens_with_the_response_and_what_changed() -> None:
    falling = tell_group(
        GroupFigures(
            "A",
            suppressed=False,
            zone="no_trust",
            previous_zone="blind_trust",
            compared=True,
            moves=(Move("openness", "Openness", 60, 40, -30, -10),),
        ),
        k=3,
        wording=ENGLISH,
    )
    facts = RoundFacts("Na gunning", "Marktconsultatie", 1260, 2000, (falling,))
    assert tell_round(facts, wording=DUTCH_NUMBERS) == (
        "In “Na gunning” 1.260 of the 2.000 people invited answered (63%).",
        "Compared with “Marktconsultatie”: 1 zone change, 1 clear decline, 0 clear rises.",
    )
    first = RoundFacts("Nulmeting", None, 18, 24, ())
    assert tell_round(first, wording=ENGLISH)[1].startswith("This is the first round")


def test_a_decline_alert_says_from_what_to_what_and_how_sure_without_minus_zero() -> None:
    words = tell_alert(
        AlertFacts(
            "decline",
            "Wegenbouw Rijnland",
            measure="Openness",
            before=62.4,
            after=45.2,
            ci_low=-31.1,
            ci_high=-0.3,
        ),
        wording=DUTCH_NUMBERS,
    )
    assert words.what == "Openness (Wegenbouw Rijnland) fell from 62 to 45."
    assert words.sureness == (
        "Probably a real decline, though perhaps smaller than it looks: allowing for chance "
        "it fell by less than 1 to 31 points."
    )
    assert "-0" not in words.what + words.sureness


def test_a_large_decline_is_almost_certain() -> None:
    words = tell_alert(
        AlertFacts("decline", "A", measure="Integrity", ci_low=-20.0, ci_high=-8.0),
        wording=ENGLISH,
    )
    assert words.what == "Integrity (A) fell."
    assert words.sureness.startswith("Almost certainly a real decline")
    assert "by 8 to 20 points" in words.sureness


def test_zone_and_participation_alerts_in_words() -> None:
    moved = tell_alert(
        AlertFacts("zone_move", "B", zone_from="blind_trust", zone_to="no_trust"),
        wording=ENGLISH,
    )
    assert moved.what == "B moved from “Blind trust” to “No trust”."
    first = tell_alert(AlertFacts("zone_move", "B", zone_to="distrust"), wording=ENGLISH)
    assert first.what == "B is in “Distrust” from the start."
    low = tell_alert(AlertFacts("low_participation", "C", response_rate=0.333), wording=ENGLISH)
    assert low.what == "Only 33% of the people invited in C answered."
