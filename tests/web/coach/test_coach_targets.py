"""Who rates whom on the coach's pages: per participant, per party, refusals and isolation."""

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.models import Participant, Role
from app.models.collaboration import ParticipantCreate, PartyCreate, PartyKind
from app.services.setup import collaborations
from tests.factories import make_collaboration, make_organisation, make_user
from tests.web.coach.conftest import Browser, browser_for


def _three_parties(session: Session, organisation_id: int) -> tuple[int, list[int], list[int]]:
    made = make_collaboration(session, organisation_id=organisation_id)
    assert made.id is not None
    party_ids, people = [], []
    for name, kind in (
        ("Gemeente Utrecht", PartyKind.CLIENT),
        ("Aannemer BV", PartyKind.CONTRACTOR),
        ("Ingenieursbureau Noord", PartyKind.PARTNER),
    ):
        party = collaborations.create_party(
            session,
            organisation_id=organisation_id,
            collaboration_id=made.id,
            data=PartyCreate(name=name, kind=kind),
        )
        assert party.id is not None
        party_ids.append(party.id)
        for n in range(2):
            person = collaborations.add_participant(
                session,
                organisation_id=organisation_id,
                party_id=party.id,
                data=ParticipantCreate(name=f"{name} {n + 1}"),
            )
            people.append(person.id or 0)
    return made.id, party_ids, people


def _targets(session: Session, participant_id: int) -> list[int] | None:
    session.rollback()
    session.expire_all()
    person = session.get(Participant, participant_id)
    assert person is not None
    return person.target_party_ids


def test_a_coach_lets_a_site_manager_rate_only_the_client(
    coach: Browser, session: Session, organisation_id: int
) -> None:
    collaboration_id, (client, _contractor, engineer), people = _three_parties(
        session, organisation_id
    )
    overview = coach.get(f"/coach/collaborations/{collaboration_id}")
    url = f"/coach/collaborations/{collaboration_id}/participants/{people[2]}/targets"
    assert url in overview.text
    form = coach.get(url)
    assert form.status_code == 200
    assert "Gemeente Utrecht" in form.text and form.text.count("checked") == 2
    saved = coach.post(url, {"target": str(client)})
    assert saved.status_code == 303
    assert _targets(session, people[2]) == [client]
    # Ticking every party goes back to the default, which covers parties added later.
    coach.post(url, {"target": [str(client), str(engineer)]})
    assert _targets(session, people[2]) is None


def test_a_whole_party_rates_one_party(
    coach: Browser, session: Session, organisation_id: int
) -> None:
    collaboration_id, (_client, contractor, engineer), people = _three_parties(
        session, organisation_id
    )
    url = f"/coach/collaborations/{collaboration_id}/parties/{engineer}/targets"
    assert coach.post(url, {"target": str(contractor)}).status_code == 303
    assert [_targets(session, p) for p in people[4:]] == [[contractor], [contractor]]
    assert _targets(session, people[0]) is None
    form = coach.get(url)
    assert form.text.count(" checked") == 1


def test_nothing_ticked_or_a_strange_party_is_refused_at_the_field(
    coach: Browser, session: Session, organisation_id: int
) -> None:
    collaboration_id, (_client, _, _), people = _three_parties(session, organisation_id)
    url = f"/coach/collaborations/{collaboration_id}/participants/{people[2]}/targets"
    empty = coach.post(url, {})
    assert empty.status_code == 422
    assert 'id="targets-error"' in empty.text
    unknown = coach.post(url, {"target": "99999"})
    assert unknown.status_code == 422
    own_party = coach.post(url, {"target": str(_party_of(session, people[2]))})
    assert own_party.status_code == 422
    assert _targets(session, people[2]) is None


def _party_of(session: Session, participant_id: int) -> int:
    person = session.get(Participant, participant_id)
    assert person is not None
    return person.party_id


def test_another_organisations_participant_is_404_and_unchanged(
    coach: Browser, client: TestClient, session: Session, organisation_id: int
) -> None:
    elsewhere = make_organisation(session, name="Provincie Elders")
    collaboration_id, (client_id, _, _), people = _three_parties(session, elsewhere)
    url = f"/coach/collaborations/{collaboration_id}/participants/{people[2]}/targets"
    assert coach.get(url).status_code == 404
    assert coach.post(url, {"target": str(client_id)}).status_code == 404
    party_url = f"/coach/collaborations/{collaboration_id}/parties/{client_id}/targets"
    assert coach.get(party_url).status_code == 404
    assert _targets(session, people[2]) is None


def test_the_form_needs_its_csrf_token_and_an_editor(
    coach: Browser,
    app,
    session: Session,
    organisation_id: int,  # type: ignore[no-untyped-def]
) -> None:
    collaboration_id, (client_id, _, _), people = _three_parties(session, organisation_id)
    url = f"/coach/collaborations/{collaboration_id}/participants/{people[2]}/targets"
    forged = coach.client.post(url, data={"target": str(client_id)}, follow_redirects=False)
    assert forged.status_code == 403
    viewer = make_user(
        session, organisation_id=organisation_id, email="viewer@example.org", role=Role.VIEWER
    )
    with TestClient(app) as other:
        browser = browser_for(other, viewer)
        assert browser.get(url).status_code == 403
        assert browser.post(url, {"target": str(client_id)}).status_code == 403
    assert _targets(session, people[2]) is None
