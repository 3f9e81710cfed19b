"""Erasing a participant from the collaboration's page: confirm, erase once, audit, refusals."""

import pytest
from sqlmodel import Session, col, select

from app.config import Settings
from app.errors import NotFound
from app.models import AuditEvent, Participant
from app.services.answering import invitation_state
from tests.factories import OpenCollaboration, make_open_collaboration, make_organisation
from tests.web.coach.conftest import Browser


def _world(session: Session, settings: Settings, organisation_id: int) -> OpenCollaboration:
    return make_open_collaboration(session, settings=settings, organisation_id=organisation_id)


def _person(session: Session, world: OpenCollaboration) -> Participant:
    session.rollback()  # see what the app committed
    query = select(Participant).where(Participant.party_id == world.parties[0].id)
    found = session.exec(query.order_by(col(Participant.id))).first()
    assert found is not None
    return found


def _fresh(session: Session, participant_id: int | None) -> Participant:
    session.rollback()
    session.expire_all()  # reload what the app committed
    found = session.get(Participant, participant_id)
    assert found is not None
    return found


def _url(world: OpenCollaboration, participant_id: int | None) -> str:
    return f"/coach/collaborations/{world.collaboration.id}/participants/{participant_id}/erase"


def _erasures(session: Session) -> list[AuditEvent]:
    session.rollback()
    return list(session.exec(select(AuditEvent).where(AuditEvent.action == "participant.erased")))


def test_the_participant_list_offers_erasure_to_coaches_only(
    coach: Browser, viewer: Browser, session: Session, settings: Settings
) -> None:
    world = _world(session, settings, coach.user.organisation_id)
    person = _person(session, world)
    overview = f"/coach/collaborations/{world.collaboration.id}"
    assert f'href="{_url(world, person.id)}"' in coach.get(overview).text
    assert "/erase" not in viewer.get(overview).text


def test_the_confirmation_says_what_goes_what_stays_and_that_it_is_final(
    coach: Browser, session: Session, settings: Settings
) -> None:
    world = _world(session, settings, coach.user.organisation_id)
    person = _person(session, world)
    page = coach.get(_url(world, person.id))
    assert page.status_code == 200
    assert f"<h1>{person.name} wissen?</h1>" in page.text
    for text in (
        "Naam, e-mailadres en externe referentie.",
        "De persoonlijke links, in elke ronde: ze werken meteen niet meer.",
        "Antwoorden die wel bewaard maar niet ingestuurd zijn.",
        "Antwoorden die al ingestuurd zijn, blijven zonder naam",
        "Dit kan niet ongedaan worden gemaakt.",
    ):
        assert text in page.text
    assert 'name="csrf_token"' in page.text and 'method="post"' in page.text
    assert _fresh(session, person.id).erased_at is None  # looking changes nothing


def test_erasing_removes_who_they_are_kills_their_link_and_is_audited(
    coach: Browser, session: Session, settings: Settings
) -> None:
    world = _world(session, settings, coach.user.organisation_id)
    person = _person(session, world)
    name, token = person.name, world.tokens_of(world.parties[0])[0]
    answer = coach.post(_url(world, person.id))
    assert answer.status_code == 303
    assert answer.headers["location"] == (
        f"/coach/collaborations/{world.collaboration.id}?notice=participant_erased"
    )
    erased = _fresh(session, person.id)
    assert erased.erased_at is not None
    assert (erased.name, erased.email, erased.external_ref) == (None, None, None)
    with pytest.raises(NotFound):
        invitation_state.load_invitation(session, token=token)
    (event,) = _erasures(session)
    assert (event.user_id, event.subject) == (coach.user.id, f"participant:{erased.pseudonym}")
    overview = coach.get(answer.headers["location"])
    assert "De deelnemer is gewist." in overview.text
    assert f"<td>{name}</td>" not in overview.text


def test_erasing_someone_already_erased_says_so_and_changes_nothing(
    coach: Browser, session: Session, settings: Settings
) -> None:
    world = _world(session, settings, coach.user.organisation_id)
    person = _person(session, world)
    assert coach.post(_url(world, person.id)).status_code == 303
    for answer in (coach.post(_url(world, person.id)), coach.get(_url(world, person.id))):
        assert answer.status_code == 409
        assert "Deze deelnemer is al gewist; er valt niets meer te verwijderen." in answer.text
        assert 'role="alert"' in answer.text
    assert len(_erasures(session)) == 1


@pytest.mark.parametrize(
    ("data", "headers"),
    [
        ({"csrf_token": ""}, {}),
        ({"csrf_token": "forged"}, {}),
        ({}, {"Origin": "https://evil.example"}),
    ],
    ids=["missing token", "wrong token", "other site"],
)
def test_an_erasure_without_the_forms_token_is_refused(
    coach: Browser,
    session: Session,
    settings: Settings,
    data: dict[str, str],
    headers: dict[str, str],
) -> None:
    world = _world(session, settings, coach.user.organisation_id)
    person = _person(session, world)
    answer = coach.post(_url(world, person.id), data, headers=headers)
    assert answer.status_code == 403
    assert _fresh(session, person.id).erased_at is None and _erasures(session) == []


def test_a_viewer_cannot_erase(viewer: Browser, session: Session, settings: Settings) -> None:
    world = _world(session, settings, viewer.user.organisation_id)
    person = _person(session, world)
    assert viewer.get(_url(world, person.id)).status_code == 403
    assert viewer.post(_url(world, person.id)).status_code == 403
    assert _fresh(session, person.id).erased_at is None and _erasures(session) == []


def test_an_admin_can_erase(admin: Browser, session: Session, settings: Settings) -> None:
    world = _world(session, settings, admin.user.organisation_id)
    person = _person(session, world)
    assert admin.post(_url(world, person.id)).status_code == 303
    assert _fresh(session, person.id).erased_at is not None
    assert [event.user_id for event in _erasures(session)] == [admin.user.id]


def test_someone_of_another_organisation_or_collaboration_does_not_exist_for_you(
    coach: Browser, session: Session, settings: Settings
) -> None:
    stranger = _world(session, settings, make_organisation(session, name="Ander"))
    own = _world(session, settings, coach.user.organisation_id)
    foreign = _person(session, stranger)
    mine = _person(session, own)
    urls = [
        _url(stranger, foreign.id),  # their collaboration, their person
        _url(own, foreign.id),  # my collaboration, their person
        _url(stranger, mine.id),  # their collaboration, my person
        _url(own, 999_999),  # nobody
    ]
    for url in urls:
        assert coach.get(url).status_code == 404, url
        assert coach.post(url).status_code == 404, url
    assert _fresh(session, foreign.id).erased_at is None and _erasures(session) == []


def test_the_confirmation_speaks_english(
    coach: Browser, session: Session, settings: Settings
) -> None:
    world = _world(session, settings, coach.user.organisation_id)
    person = _person(session, world)
    coach.post("/coach/language", {"language": "en", "next": "/coach"})
    page = coach.get(_url(world, person.id))
    assert f"<h1>Erase {person.name}?</h1>" in page.text
    assert "This cannot be undone." in page.text
    assert ">Erase permanently</button>" in page.text
