"""Bulk import: every bad row reported, nothing partial stored, scored like online answers."""

import secrets
from collections.abc import Sequence

import pytest
from sqlalchemy import func, insert
from sqlmodel import Session, select

from app.config import Settings
from app.errors import InvalidInput, RoundNotOpen
from app.models import Invitation, InvitationStatus, Participant, Response, utcnow
from app.models.response import AnswerIn
from app.scoring import ZoneRules, classify, score_response, smart_trust_v1
from app.services.answering import responses
from app.services.exchange import import_rows, imports
from app.services.exchange.import_rows import MalformedImport
from app.services.setup import rounds
from tests.factories import (
    OpenCollaboration,
    make_open_collaboration,
    make_participant,
    make_round,
)

ITEMS = smart_trust_v1().item_ids
HEADER = "external_ref;target_party;item_id;value\n"


@pytest.fixture
def world(session: Session, settings: Settings) -> OpenCollaboration:
    """Two parties of three participants, with external references hr-<party>-<n>."""
    opened = make_open_collaboration(session, settings=settings)
    for party in opened.parties:
        for participant in session.exec(
            select(Participant).where(Participant.party_id == party.id)
        ):
            participant.external_ref = f"hr-{party.name[:3]}-{participant.id}"
            session.add(participant)
    session.commit()
    return opened


def _refs(session: Session, world: OpenCollaboration, index: int) -> list[str]:
    party = world.parties[index]
    query = select(Participant.external_ref).where(Participant.party_id == party.id)
    return [ref for ref in session.exec(query.order_by(Participant.id)) if ref]


def _csv(lines: Sequence[str], header: str = HEADER) -> bytes:
    return (header + "".join(f"{line}\n" for line in lines)).encode()


def _import(
    session: Session,
    settings: Settings,
    world: OpenCollaboration,
    data: bytes,
    mode: str = "all_or_nothing",
) -> imports.ImportReport:
    return imports.import_responses(
        session,
        organisation_id=world.organisation_id,
        round_id=world.round.id,  # type: ignore[arg-type]
        parsed=import_rows.parse_csv(data),
        mode=mode,  # type: ignore[arg-type]
        settings=settings,
    )


def _full_answers(ref: str, target: str, value: int = 5) -> list[str]:
    return [f"{ref};{target};{item};{value}" for item in ITEMS]


def _counts(session: Session) -> tuple[int, int, list[str]]:
    session.rollback()
    session.expire_all()
    statuses = [i.status for i in session.exec(select(Invitation).order_by(Invitation.id))]
    return (
        session.exec(select(func.count()).select_from(Response)).one(),
        len(statuses),
        statuses,
    )


def test_a_clean_file_is_stored_as_submitted_responses_scored_like_online_answers(
    session: Session, settings: Settings, world: OpenCollaboration
) -> None:
    ref = _refs(session, world, 0)[0]
    lines = _full_answers(ref, world.parties[1].name)
    lines[0] = f"{ref};{world.parties[1].name};{ITEMS[0]};"  # "don't know"
    report = _import(session, settings, world, _csv(lines))
    assert (report.rows, report.imported_rows, report.responses) == (36, 36, 1)
    assert report.errors == [] and report.invitations_created == 0
    stored = session.exec(select(Response)).one()
    answers = {item: 5 for item in ITEMS} | {ITEMS[0]: None}
    expected = score_response(smart_trust_v1(), answers)
    assert stored.answers == answers and stored.submitted_at is not None
    assert stored.scores == expected.scales and stored.propensity == expected.propensity
    zone = classify(expected.propensity, expected.analysis, ZoneRules())
    assert stored.zone == (zone.value if zone else None)
    invitation = session.get(Invitation, stored.invitation_id)
    assert invitation is not None and invitation.status == InvitationStatus.SUBMITTED


def test_imported_and_submitted_answers_score_the_same(
    session: Session, settings: Settings, world: OpenCollaboration
) -> None:
    token = world.tokens_of(world.parties[0])[1]
    target = world.parties[1]
    assert target.id is not None
    online = [AnswerIn(target_party_id=target.id, item_id=item, value=3) for item in ITEMS]
    responses.submit_answers(session, token=token, answers=online, final=True)
    ref = _refs(session, world, 0)[0]
    _import(session, settings, world, _csv(_full_answers(ref, str(target.id), value=3)))
    rows = session.exec(select(Response).order_by(Response.id)).all()
    assert len(rows) == 2
    assert rows[0].scores == rows[1].scores and rows[0].zone == rows[1].zone


BAD_ROWS = [
    ("hr-nobody;{target};prop_1;4", "external_ref", "unknown participant 'hr-nobody'"),
    ("{ref};{target};prop_99;4", "item_id", "unknown item 'prop_99'"),
    ("{ref};{target};prop_1;8", "value", "value out of range: 8 is outside 1 to 7"),
    ("{ref};{target};prop_1;0", "value", "value out of range: 0 is outside 1 to 7"),
    ("{ref};{target};prop_1;4.5", "value", "'4.5' is not a whole number"),
    ("{ref};{own};prop_1;4", "target_party", "wrong target: a participant does not rate"),
    ("{ref};Elders BV;prop_1;4", "target_party", "wrong target: no party 'Elders BV'"),
    ("{ref};999999;prop_1;4", "target_party", "wrong target: no party '999999'"),
    (";{target};prop_1;4", "external_ref", "give the participant's external_ref or invitation_id"),
]


@pytest.mark.parametrize(("line", "column", "reason"), BAD_ROWS)
def test_one_bad_row_refuses_the_whole_file_and_is_named(
    session: Session,
    settings: Settings,
    world: OpenCollaboration,
    line: str,
    column: str,
    reason: str,
) -> None:
    ref, target = _refs(session, world, 0)[0], world.parties[1].name
    good = _full_answers(_refs(session, world, 0)[1], target)
    bad = line.format(ref=ref, target=target, own=world.parties[0].name)
    before = _counts(session)
    with pytest.raises(imports.ImportRejected) as rejected:
        _import(session, settings, world, _csv([*good[:5], bad, *good[5:]]))
    (error,) = rejected.value.errors
    assert (error.row, error.column) == (7, column)  # header is line 1
    assert error.reason.startswith(reason)
    assert _counts(session) == before


def test_a_duplicate_row_is_reported_against_its_first_occurrence(
    session: Session, settings: Settings, world: OpenCollaboration
) -> None:
    ref, target = _refs(session, world, 0)[0], world.parties[1].name
    lines = [f"{ref};{target};prop_1;4", f"{ref};{target};prop_2;4", f"{ref};{target};prop_1;5"]
    with pytest.raises(imports.ImportRejected) as rejected:
        _import(session, settings, world, _csv(lines))
    (error,) = rejected.value.errors
    assert (error.row, error.column) == (4, "item_id")
    assert "duplicate of row 2" in error.reason
    assert _counts(session)[0] == 0


def test_every_bad_row_is_reported_at_once(
    session: Session, settings: Settings, world: OpenCollaboration
) -> None:
    ref, target = _refs(session, world, 0)[0], world.parties[1].name
    lines = [
        f"{ref};{target};prop_1;9",
        f"{ref};{target};nope;4",
        f"{ref};{world.parties[0].name};prop_2;4",
        "just one field",
    ]
    with pytest.raises(imports.ImportRejected) as rejected:
        _import(session, settings, world, _csv(lines))
    found = [(e.row, e.column) for e in rejected.value.errors]
    assert found == [(2, "value"), (3, "item_id"), (4, "target_party"), (5, "")]


def test_valid_only_stores_the_good_rows_and_reports_the_rest(
    session: Session, settings: Settings, world: OpenCollaboration
) -> None:
    refs, target = _refs(session, world, 0), world.parties[1].name
    lines = [*_full_answers(refs[0], target), f"{refs[1]};{target};prop_1;42"]
    report = _import(session, settings, world, _csv(lines), mode="valid_only")
    assert (report.imported_rows, report.responses, len(report.errors)) == (36, 1, 1)
    assert report.errors[0].row == 38 and report.errors[0].column == "value"
    assert _counts(session)[0] == 1


def test_answers_are_never_overwritten(
    session: Session, settings: Settings, world: OpenCollaboration
) -> None:
    ref, target = _refs(session, world, 0)[0], world.parties[1].name
    _import(session, settings, world, _csv(_full_answers(ref, target)))
    with pytest.raises(imports.ImportRejected) as rejected:
        _import(session, settings, world, _csv(_full_answers(ref, target, value=1)))
    assert len(rejected.value.errors) == 36
    assert "already has answers" in rejected.value.errors[0].reason
    assert session.exec(select(Response)).one().answers["prop_1"] == 5


def test_participants_without_an_invitation_get_a_submitted_one(
    session: Session, settings: Settings, world: OpenCollaboration
) -> None:
    party = world.parties[1]
    assert party.id is not None
    late = make_participant(
        session, organisation_id=world.organisation_id, party_id=party.id, external_ref="late-1"
    )
    report = _import(session, settings, world, _csv(_full_answers("late-1", world.parties[0].name)))
    assert report.invitations_created == 1
    invitation = session.exec(select(Invitation).where(Invitation.participant_id == late.id)).one()
    assert invitation.status == InvitationStatus.SUBMITTED
    assert invitation.target_party_ids == [world.parties[0].id]
    assert invitation.submitted_at is not None


def test_invitation_ids_identify_participants_too(
    session: Session, settings: Settings, world: OpenCollaboration
) -> None:
    invitation = next(
        i.invitation for i in world.invitations if i.invitation.party_id == world.parties[1].id
    )
    header = "invitation_id,target_party,item_id,value\n"
    lines = [f"{invitation.id},{world.parties[0].id},{item},2" for item in ITEMS]
    lines.append(f"999999,{world.parties[0].id},prop_1,2")
    report = _import(session, settings, world, _csv(lines, header), mode="valid_only")
    assert report.imported_rows == 36
    assert report.errors[0].column == "invitation_id"
    assert "no invitation 999999 in this round" in report.errors[0].reason


def test_a_draft_round_refuses_imports_and_a_closed_one_accepts(
    session: Session, settings: Settings, world: OpenCollaboration
) -> None:
    draft = make_round(
        session, organisation_id=world.organisation_id, collaboration_id=world.collaboration.id
    )
    with pytest.raises(RoundNotOpen):
        imports.import_responses(
            session,
            organisation_id=world.organisation_id,
            round_id=draft.id,  # type: ignore[arg-type]
            parsed=import_rows.parse_csv(_csv([])),
            mode="all_or_nothing",
            settings=settings,
        )
    rounds.close_round(session, organisation_id=world.organisation_id, round_id=world.round.id)  # type: ignore[arg-type]
    ref = _refs(session, world, 0)[0]
    report = _import(session, settings, world, _csv(_full_answers(ref, world.parties[1].name)))
    assert report.responses == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty"),
        (b"participant;item_id;value\n", "The header line must name the columns"),
        (b"external_ref;target_party;item_id;value;value\n", "The header line must name"),
        (b"target_party;item_id;value\n", "The header line must name"),
        ("external_ref;target_party;item_id;value\nJosé;A;prop_1;4\n".encode("latin-1"), "UTF-8"),
        (b"external_ref;target_party;item_id;value\n\x00\x00\n", "NUL"),
        (b'external_ref;target_party;item_id;value\n"unterminated;A;prop_1;4\n', "cannot be read"),
    ],
)
def test_unreadable_files_are_refused_with_a_clear_message(data: bytes, message: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        import_rows.parse_csv(data)
    assert message in refused.value.message


def test_commas_quotes_a_bom_and_blank_lines_are_read() -> None:
    header = "\ufeffexternal_ref,target_party,item_id,value\r\n"
    data = header + '"hr,1","Aannemer ""X"" BV",prop_1,4\r\n\r\n'
    parsed = import_rows.parse_csv(data.encode())
    (row,) = parsed.rows
    assert (row.row, row.external_ref, row.target_party, row.value) == (
        2,
        "hr,1",
        'Aannemer "X" BV',
        "4",
    )


ANSWER = '"external_ref": "a", "target_party": 1, "item_id": "x"'


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (f'{{"answers": [{{{ANSWER}, "value": "4"}}]}}', "answers.0.value"),
        (f'{{"answers": [{{{ANSWER}, "value": true}}]}}', "answers.0.value"),
        (f'{{"answers": [{{{ANSWER}, "value": 4, "v": 1}}]}}', "answers.0.v"),
        ('{"rows": []}', "rows"),
        ("[]", ""),
    ],
)
def test_json_imports_are_strict(payload: str, field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        import_rows.parse_json(payload.encode())
    assert field in {p.field for p in refused.value.problems}


def test_json_that_does_not_parse_is_malformed() -> None:
    with pytest.raises(MalformedImport):
        import_rows.parse_json(b'{"answers": [')


def _bulk_participants(session: Session, world: OpenCollaboration, per_party: int) -> None:
    now = utcnow()
    rows = [
        {
            "party_id": party.id,
            "pseudonym": "P-" + secrets.token_hex(6).upper(),
            "external_ref": f"bulk-{party.id}-{n}",
            "created_at": now,
            "updated_at": now,
        }
        for party in world.parties
        for n in range(per_party)
    ]
    session.execute(insert(Participant), rows)
    session.commit()


def test_a_hundred_thousand_answers_import_in_one_transaction(
    session: Session, settings: Settings
) -> None:
    names = ("Gemeente", "Provincie", "Aannemer A", "Aannemer B")
    world = make_open_collaboration(
        session, settings=settings, party_names=names, participants_per_party=1
    )
    per_party = 232  # 4 parties x 232 x 3 targets x 36 items = 100,224 answers
    _bulk_participants(session, world, per_party)
    lines = [
        f"bulk-{party.id}-{n};{target.name};{item};{(n + i) % 7 + 1}"
        for party in world.parties
        for n in range(per_party)
        for target in world.parties
        if target.id != party.id
        for i, item in enumerate(ITEMS)
    ]
    assert len(lines) >= 100_000
    seen: list[tuple[str, int, int]] = []
    report = imports.import_responses(
        session,
        organisation_id=world.organisation_id,
        round_id=world.round.id,  # type: ignore[arg-type]
        parsed=import_rows.parse_csv(_csv(lines)),
        mode="all_or_nothing",
        settings=settings,
        progress=lambda phase, done, total: seen.append((phase, done, total)),
    )
    assert report.imported_rows == len(lines) and report.errors == []
    assert report.responses == 4 * per_party * 3 and report.invitations_created == 4 * per_party
    assert session.exec(select(func.count()).select_from(Response)).one() == report.responses
    assert seen[-1] == ("store", report.responses, report.responses)
    assert ("check", len(lines), len(lines)) in seen
    submitted = (
        select(func.count())
        .select_from(Invitation)
        .where(Invitation.status == InvitationStatus.SUBMITTED)
    )
    assert session.exec(submitted).one() == 4 * per_party
