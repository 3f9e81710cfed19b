"""Coach forms refuse control characters in names, with the message next to the field."""

import pytest
from sqlmodel import Session, select

from app.models import ApiKey, Collaboration, Participant, Party
from tests.web.coach.conftest import Browser
from tests.web.coach.test_coach_setup import VALID

MESSAGE = "Gebruik één regel tekst, zonder regeleinden of onzichtbare stuurtekens."


@pytest.mark.parametrize("name", ["Circulaire\x1ebruggen", "Circulaire\x0bbruggen", "A\u2028B"])
def test_a_collaboration_name_with_a_control_character_is_refused_next_to_the_field(
    coach: Browser, session: Session, name: str
) -> None:
    answer = coach.post("/coach/collaborations/new", {**VALID, "name": name})
    assert answer.status_code == 422
    assert f'<p class="field-error" id="name-error">{MESSAGE}</p>' in answer.text
    session.rollback()
    assert session.exec(select(Collaboration)).all() == []


def test_a_party_name_with_a_control_character_is_refused(coach: Browser, session: Session) -> None:
    created = coach.post("/coach/collaborations/new", VALID)
    url = created.headers["location"].split("?")[0] + "/parties"
    answer = coach.post(url, {"party_name": "Aannemer\x1eBV", "party_kind": "client"})
    assert answer.status_code == 422 and MESSAGE in answer.text
    session.rollback()
    assert session.exec(select(Party)).all() == []


def test_a_pasted_list_with_a_control_character_adds_nobody(
    coach: Browser, session: Session
) -> None:
    created = coach.post("/coach/collaborations/new", VALID)
    base = created.headers["location"].split("?")[0]
    assert coach.post(base + "/parties", {"party_name": "Gemeente"}).status_code == 303
    pasted = 'Anouk,anouk@example.org,Gemeente\n"Br\x1eam",bram@example.org,Gemeente\n'
    answer = coach.post(base + "/participants/import", {"csv": pasted})
    assert answer.status_code == 422
    assert "regel 2: de naam bevat een regeleinde of een onzichtbaar stuurteken" in answer.text
    session.rollback()
    assert session.exec(select(Participant)).all() == []


def test_an_api_key_name_with_a_control_character_is_refused(
    admin: Browser, session: Session
) -> None:
    answer = admin.post("/coach/api-keys", {"name": "por\x1etaal"})
    assert answer.status_code == 422 and MESSAGE in answer.text
    session.rollback()
    assert session.exec(select(ApiKey)).all() == []
