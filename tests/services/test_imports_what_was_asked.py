"""Imports store only what was asked: the participant's parties, items fit for each one's kind."""

import pytest
from sqlmodel import Session, select

from app.config import Settings
from app.models import Invitation, Participant, Party, Response
from app.models.collaboration import PartyCreate, PartyKind
from app.scoring import score_response
from app.services.exchange import import_rows, imports
from app.services.setup import collaborations
from app.services.setup import targets as targets_service
from tests.factories import make_participant
from tests.support.forms_world import FormsWorld, make_forms_world

HEADER = "external_ref;target_party;item_id;value\n"
# In Smart Trust v2, capab_1 is asked about those who deliver (contractor, partner, other) and
# capab_4 only about the client; prop_1 about every party.
SUPPLIERS_ONLY, CLIENT_ONLY, EVERYONE = "capab_1", "capab_4", "prop_1"


@pytest.fixture
def forms(session: Session, settings: Settings) -> FormsWorld:
    """Client and contractor, one invited participant each (external refs client-1 and
    contractor-1), and a housing partner that joined after the round opened."""
    world = make_forms_world(session, settings=settings, people=1)
    for party in (world.client, world.contractor):
        person = session.exec(select(Participant).where(Participant.party_id == party.id)).one()
        person.external_ref = f"{party.kind.value}-1"
        session.add(person)
    session.commit()
    collaborations.create_party(
        session,
        organisation_id=world.organisation_id,
        collaboration_id=world.collaboration.id or 0,
        data=PartyCreate(name="Woonstede", kind=PartyKind.PARTNER),
    )
    return world


def _import(
    session: Session, settings: Settings, forms: FormsWorld, lines: list[str], mode: str
) -> imports.ImportReport:
    data = (HEADER + "".join(f"{line}\n" for line in lines)).encode()
    return imports.import_responses(
        session,
        organisation_id=forms.organisation_id,
        round_id=forms.round.id or 0,
        parsed=import_rows.parse_csv(data),
        mode=mode,  # type: ignore[arg-type]
        settings=settings,
    )


def _stored(session: Session) -> list[tuple[int, int, dict[str, int | None]]]:
    session.rollback()
    rows = session.exec(select(Response).order_by(Response.id)).all()
    return [(row.participant_id, row.target_party_id, row.answers) for row in rows]


def _late(session: Session, forms: FormsWorld, targets: list[int] | None = None) -> Participant:
    """A contractor's participant added after the round opened: not invited yet."""
    late = make_participant(
        session,
        organisation_id=forms.organisation_id,
        party_id=forms.contractor.id or 0,
        external_ref="late-1",
    )
    if targets is not None:
        targets_service.set_participant_targets(
            session,
            organisation_id=forms.organisation_id,
            participant_id=late.id or 0,
            target_party_ids=targets,
        )
    return late


def test_an_item_not_asked_about_the_targets_kind_is_refused_with_row_column_and_reason(
    session: Session, settings: Settings, forms: FormsWorld
) -> None:
    lines = [
        f"contractor-1;Gemeente Utrecht;{EVERYONE};5",
        f"contractor-1;Gemeente Utrecht;{SUPPLIERS_ONLY};5",  # row 3
        f"client-1;Aannemer BV;{CLIENT_ONLY};5",  # row 4
        f"client-1;Aannemer BV;{SUPPLIERS_ONLY};5",
    ]
    with pytest.raises(imports.ImportRejected) as rejected:
        _import(session, settings, forms, lines, "all_or_nothing")
    errors = [(e.row, e.column, e.reason) for e in rejected.value.errors]
    assert errors == [
        (
            3,
            "item_id",
            "item 'capab_1' is not asked about 'Gemeente Utrecht': it is only for parties of "
            "kind contractor, partner or other, and 'Gemeente Utrecht' is of kind client",
        ),
        (
            4,
            "item_id",
            "item 'capab_4' is not asked about 'Aannemer BV': it is only for parties of kind "
            "client, and 'Aannemer BV' is of kind contractor",
        ),
    ]
    assert _stored(session) == []


def test_valid_only_stores_the_rows_that_were_asked_and_scores_them_for_the_kind(
    session: Session, settings: Settings, forms: FormsWorld
) -> None:
    lines = [f"contractor-1;Gemeente Utrecht;{item.id};6" for item in forms.definition.items]
    report = _import(session, settings, forms, lines, "valid_only")
    asked = [item.id for item in forms.definition.items if item.fits("client")]
    assert report.imported_rows == len(asked) < len(lines)
    assert {e.column for e in report.errors} == {"item_id"}
    [(_, target, answers)] = _stored(session)
    assert target == forms.client.id and sorted(answers) == sorted(asked)
    stored = session.exec(select(Response)).one()
    expected = score_response(forms.definition, answers, target_kind="client")
    assert stored.scores == expected.scales


def test_the_kind_a_party_had_when_invited_decides_as_it_does_online(
    session: Session, settings: Settings, forms: FormsWorld
) -> None:
    client = session.get(Party, forms.client.id)
    assert client is not None
    client.kind = PartyKind.PARTNER  # after the round opened: the invitation keeps "client"
    session.add(client)
    session.commit()
    ok = [f"contractor-1;Gemeente Utrecht;{CLIENT_ONLY};5"]
    assert _import(session, settings, forms, ok, "all_or_nothing").imported_rows == 1
    late = [f"contractor-1;Gemeente Utrecht;{SUPPLIERS_ONLY};5"]
    with pytest.raises(imports.ImportRejected):
        _import(session, settings, forms, late, "all_or_nothing")


def test_a_party_the_invitation_does_not_rate_is_refused(
    session: Session, settings: Settings, forms: FormsWorld
) -> None:
    with pytest.raises(imports.ImportRejected) as rejected:
        _import(
            session, settings, forms, [f"contractor-1;Woonstede;{EVERYONE};5"], "all_or_nothing"
        )
    [error] = rejected.value.errors
    assert (error.column, error.reason) == (
        "target_party",
        "wrong target: not a party this participant's invitation rates",
    )
    assert _stored(session) == []


def test_a_participant_not_yet_invited_rates_only_the_parties_chosen_for_them(
    session: Session, settings: Settings, forms: FormsWorld
) -> None:
    late = _late(session, forms, targets=[forms.client.id or 0])
    lines = [f"late-1;Gemeente Utrecht;{EVERYONE};5", f"late-1;Woonstede;{EVERYONE};5"]
    with pytest.raises(imports.ImportRejected) as rejected:
        _import(session, settings, forms, lines, "all_or_nothing")
    assert [(e.row, e.column, e.reason) for e in rejected.value.errors] == [
        (3, "target_party", "wrong target: not a party this participant rates")
    ]
    assert _stored(session) == []
    report = _import(session, settings, forms, lines[:1], "all_or_nothing")
    assert report.invitations_created == 1
    invitation = session.exec(select(Invitation).where(Invitation.participant_id == late.id)).one()
    assert invitation.target_party_ids == [forms.client.id]
    assert invitation.target_kinds == {str(forms.client.id): "client"}


def test_a_participant_not_yet_invited_is_asked_items_by_the_partys_kind(
    session: Session, settings: Settings, forms: FormsWorld
) -> None:
    late = _late(session, forms)  # default: every other party, Woonstede included
    lines = [
        f"late-1;Woonstede;{SUPPLIERS_ONLY};5",
        f"late-1;Woonstede;{CLIENT_ONLY};5",  # row 3: Woonstede is a partner
        f"late-1;Gemeente Utrecht;{CLIENT_ONLY};5",
    ]
    report = _import(session, settings, forms, lines, "valid_only")
    assert [(e.row, e.column) for e in report.errors] == [(3, "item_id")]
    assert "'Woonstede' is of kind partner" in report.errors[0].reason
    stored = {(target, tuple(answers)) for _, target, answers in _stored(session)}
    woonstede = session.exec(select(Party).where(Party.name == "Woonstede")).one()
    assert stored == {(woonstede.id, (SUPPLIERS_ONLY,)), (forms.client.id, (CLIENT_ONLY,))}
    invitation = session.exec(select(Invitation).where(Invitation.participant_id == late.id)).one()
    assert invitation.target_kinds == {
        str(forms.client.id): "client",
        str(woonstede.id): "partner",
    }
