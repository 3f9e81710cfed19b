"""Coach URLs with ids no database holds are "not found", never a server error."""

import pytest

from tests.web.coach.conftest import Browser

HUGE = str(2**64 + 7)


@pytest.mark.parametrize(
    "url",
    [
        f"/coach/collaborations/{HUGE}",
        f"/coach/collaborations/{HUGE}/dashboard",
        f"/coach/collaborations/{HUGE}/rounds/new",
        "/coach/collaborations/2147483648",
        "/coach/collaborations/0",
        "/coach/collaborations/-1",
    ],
)
def test_an_id_beyond_any_record_is_not_found(coach: Browser, url: str) -> None:
    assert coach.get(url).status_code == 404


def test_a_huge_id_in_a_form_post_is_not_found(coach: Browser) -> None:
    answer = coach.post(f"/coach/collaborations/{HUGE}/parties", {"party_name": "X"})
    assert answer.status_code == 404


def test_a_huge_round_in_the_query_is_refused(coach: Browser) -> None:
    created = coach.post(
        "/coach/collaborations/new",
        {"name": "Bruggen", "language": "nl", "anonymity_threshold": "3"},
    )
    base = created.headers["location"].split("?")[0]
    assert coach.get(f"{base}/dashboard?round={HUGE}").status_code in (404, 422)
