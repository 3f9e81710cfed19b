"""Exports: long format, aggregates unless identified, suppression as in the scores, audited."""

import csv
import io
from pathlib import Path
from typing import Any

import pyreadstat
import pytest
from openpyxl import load_workbook
from sqlmodel import Session, select

from app.config import Settings
from app.models import AuditEvent, Collaboration
from app.models.response import AnswerIn
from app.scoring import smart_trust_v1
from app.services.answering import invitation_state, responses
from app.services.exchange import exports
from app.services.identity import api_keys
from app.services.results import results
from app.services.setup import rounds
from tests.factories import OpenCollaboration, make_open_collaboration

DEFINITION = smart_trust_v1()
ITEMS = DEFINITION.item_ids


def _answer(
    session: Session,
    world: OpenCollaboration,
    party: int,
    *,
    how_many: int,
    value: int = 5,
    skip: int = 0,
) -> None:
    """`how_many` participants of party `party` answer every item about every target."""
    for token in world.tokens_of(world.parties[party])[skip : skip + how_many]:
        invitation = invitation_state.load_invitation(session, token=token).invitation
        answers = [
            AnswerIn(target_party_id=target, item_id=item, value=value)
            for target in invitation.target_party_ids
            for item in ITEMS
        ]
        responses.submit_answers(session, token=token, answers=answers, final=True)


def _close(session: Session, world: OpenCollaboration) -> None:
    """Figures exist only for closed rounds; closing twice changes nothing."""
    rounds.close_round(session, organisation_id=world.organisation_id, round_id=world.round.id or 0)


def _export(session: Session, world: OpenCollaboration, format: str = "csv") -> exports.ExportFile:
    _close(session, world)
    return exports.export_collaboration(
        session,
        organisation_id=world.organisation_id,
        collaboration_id=world.collaboration.id,  # type: ignore[arg-type]
        format=format,  # type: ignore[arg-type]
    )


def _rows(exported: exports.ExportFile) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(exported.content.decode())))


@pytest.fixture
def world(session: Session, settings: Settings) -> OpenCollaboration:
    return make_open_collaboration(session, settings=settings, participants_per_party=3)


def test_the_default_export_holds_aggregates_only(
    session: Session, world: OpenCollaboration
) -> None:
    _answer(session, world, 0, how_many=3)
    exported = _export(session, world)
    assert exported.mode == "aggregate" and exported.media_type.startswith("text/csv")
    rows = _rows(exported)
    assert "participant" not in rows[0] and "value" not in rows[0]
    pair = [r for r in rows if r["party_id"] == str(world.parties[0].id)]
    assert len(pair) == len(DEFINITION.scales) + len(ITEMS)
    item = next(r for r in pair if r["item"] == "prop_1")
    assert (item["level"], item["n"], item["mean"], item["suppressed"]) == ("item", "3", "5.0", "0")
    scores = results.round_result(
        session,
        organisation_id=world.organisation_id,
        round_id=world.round.id,  # type: ignore[arg-type]
    )
    shown = scores.aggregate.parties[0].targets[0]
    propensity = next(r for r in pair if r["level"] == "scale" and r["scale"] == "propensity")
    assert shown.propensity is not None
    assert float(propensity["mean"]) == pytest.approx(shown.propensity.mean)
    assert propensity["n"] == "3"


def test_groups_under_k_are_suppressed_in_every_row(
    session: Session, world: OpenCollaboration
) -> None:
    _answer(session, world, 0, how_many=3)
    _answer(session, world, 1, how_many=2)  # fewer than k = 3
    rows = _rows(_export(session, world))
    small = [r for r in rows if r["party_id"] == str(world.parties[1].id)]
    assert small and all(r["suppressed"] == "1" for r in small)
    assert all(r["n"] == "" and r["mean"] == "" for r in small)


def test_an_item_few_answered_is_hidden_while_its_scale_shows(
    session: Session, world: OpenCollaboration
) -> None:
    _answer(session, world, 0, how_many=3)
    token = world.tokens_of(world.parties[1])[0]
    invitation = invitation_state.load_invitation(session, token=token).invitation
    answers = [
        AnswerIn(target_party_id=t, item_id=i, value=None if i == "prop_1" else 4)
        for t in invitation.target_party_ids
        for i in ITEMS
    ]
    responses.submit_answers(session, token=token, answers=answers, final=True)
    _answer(session, world, 1, how_many=2, skip=1)
    rows = _rows(_export(session, world))
    theirs = {r["item"] or r["scale"]: r for r in rows if r["party_id"] == str(world.parties[1].id)}
    assert theirs["prop_1"]["suppressed"] == "1"  # 2 answers: fewer than k
    assert theirs["prop_2"]["suppressed"] == "0" and theirs["prop_2"]["n"] == "3"
    assert theirs["propensity"]["suppressed"] == "0"


def _hidden_per_pair(session: Session, world: OpenCollaboration) -> dict[tuple[str, str], set[str]]:
    hidden: dict[tuple[str, str], set[str]] = {}
    for row in _rows(_export(session, world)):
        if row["level"] == "scale":
            pair = hidden.setdefault((row["party_id"], row["target_party_id"]), set())
            if row["suppressed"] == "1":
                pair.add(row["scale"])
    return hidden


def test_the_export_hides_exactly_what_the_scores_hide(
    session: Session, settings: Settings
) -> None:
    world = make_open_collaboration(
        session,
        settings=settings,
        party_names=("Gemeente", "Aannemer", "Adviseur"),
        participants_per_party=3,
    )
    _answer(session, world, 0, how_many=3)
    # Two of the Aannemer's people rate only the Gemeente: fewer than k, so the Aannemer is
    # hidden; no round total is shown, so the Gemeente stays.
    for token in world.tokens_of(world.parties[1])[:2]:
        answers = [
            AnswerIn(target_party_id=world.parties[0].id, item_id=item, value=3)  # type: ignore[arg-type]
            for item in ITEMS
        ]
        responses.submit_answers(session, token=token, answers=answers, final=True)
    _close(session, world)
    scores = results.round_result(
        session,
        organisation_id=world.organisation_id,
        round_id=world.round.id,  # type: ignore[arg-type]
    )
    hidden = _hidden_per_pair(session, world)
    all_scales = {scale.key for scale in DEFINITION.scales}
    for party in scores.aggregate.parties:
        for pair in party.targets:
            shown = {key for key, summary in _figures(pair).items() if summary is not None}
            expected = set() if pair.n == 0 else all_scales - shown
            assert hidden[(str(pair.truster), str(pair.target))] == expected
    gemeente = str(world.parties[0].id)
    assert all(hidden[pair] == set() for pair in hidden if pair[0] == gemeente)
    aannemer = str(world.parties[1].id)
    assert all(hidden[pair] == all_scales for pair in hidden if pair[0] == aannemer)


def _figures(pair: Any) -> dict[str, Any]:
    return {"propensity": pair.propensity, "analysis": pair.analysis, **(pair.areas or {})}


def test_identified_mode_exports_each_answer_with_its_label(
    session: Session, world: OpenCollaboration
) -> None:
    collaboration = session.get(Collaboration, world.collaboration.id)
    assert collaboration is not None
    collaboration.identified_mode = True
    collaboration.language = "en"
    session.add(collaboration)
    session.commit()
    token = world.tokens_of(world.parties[0])[0]
    target = world.parties[1].id
    answers = [AnswerIn(target_party_id=target, item_id="prop_1", value=6)]  # type: ignore[arg-type]
    answers.append(AnswerIn(target_party_id=target, item_id="prop_2", value=None))  # type: ignore[arg-type]
    responses.submit_answers(session, token=token, answers=answers, final=True)
    exported = _export(session, world)
    assert exported.mode == "individual"
    rows = {r["item"]: r for r in _rows(exported)}
    assert set(rows) == {"prop_1", "prop_2"}
    assert rows["prop_1"]["value"] == "6" and rows["prop_1"]["value_label"] == "Agree"
    assert rows["prop_2"]["value"] == "" and rows["prop_2"]["value_label"] == "Don't know"
    assert rows["prop_1"]["participant"].startswith("P-")
    assert rows["prop_1"]["scale"] == "propensity" and rows["prop_1"]["phase"] == "other"


def test_every_export_is_audited(session: Session, world: OpenCollaboration) -> None:
    key = api_keys.create_api_key(session, organisation_id=world.organisation_id, name="BI")
    exports.export_collaboration(
        session,
        organisation_id=world.organisation_id,
        collaboration_id=world.collaboration.id,  # type: ignore[arg-type]
        format="xlsx",
        api_key_id=key.api_key.id,
    )
    (event,) = session.exec(select(AuditEvent)).all()
    assert (event.action, event.api_key_id) == ("collaboration.exported", key.api_key.id)
    assert event.subject == f"collaboration:{world.collaboration.id} format:xlsx rows:aggregate"


def test_excel_has_the_data_and_the_labels(session: Session, world: OpenCollaboration) -> None:
    _answer(session, world, 0, how_many=3)
    exported = _export(session, world, "xlsx")
    workbook = load_workbook(io.BytesIO(exported.content), read_only=True)
    data = list(workbook["data"].iter_rows(values_only=True))
    assert data[0][:4] == ("round_number", "round_id", "round", "phase")
    assert len(data) == 1 + 2 * (len(DEFINITION.scales) + len(ITEMS))
    labels = {row[0]: row[1] for row in workbook["labels"].iter_rows(values_only=True)}
    assert labels["mean"] == "Gemiddelde (schalen 0-100, items zoals beantwoord)"


def _read_sav(tmp_path: Path, content: bytes) -> tuple[Any, Any]:
    path = tmp_path / "export.sav"
    path.write_bytes(content)
    return pyreadstat.read_sav(str(path))


def test_spss_has_variable_and_value_labels(
    session: Session, world: OpenCollaboration, tmp_path: Path
) -> None:
    collaboration = session.get(Collaboration, world.collaboration.id)
    assert collaboration is not None
    collaboration.identified_mode = True
    session.add(collaboration)
    session.commit()
    _answer(session, world, 0, how_many=1, value=2)
    frame, meta = _read_sav(tmp_path, _export(session, world, "sav").content)
    assert len(frame) == len(ITEMS)
    assert meta.column_names_to_labels["value"] == "Antwoord"
    assert meta.variable_value_labels["value"][2.0] == "Mee oneens"
    assert meta.variable_value_labels["round_number"] == {1.0: "Nulmeting"}
    assert set(frame["value"]) == {2.0}


# With two answering, their party is hidden; the other party, with no answers, shows n = 0.
@pytest.mark.parametrize(("answering", "suppressed"), [(3, {0.0}), (2, {0.0, 1.0})])
def test_spss_aggregates_mark_suppression_with_labels(
    session: Session,
    world: OpenCollaboration,
    tmp_path: Path,
    answering: int,
    suppressed: set[float],
) -> None:
    _answer(session, world, 0, how_many=answering)
    frame, meta = _read_sav(tmp_path, _export(session, world, "sav").content)
    assert set(frame["suppressed"]) == suppressed
    assert set(frame[frame["n"] > 0]["suppressed"]) <= {0.0}
    assert meta.variable_value_labels["suppressed"] == {0.0: "getoond", 1.0: "niet getoond"}


def test_a_round_without_answers_exports_zero_counts(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    world = make_open_collaboration(session, settings=settings)
    rows = _rows(_export(session, world))
    assert all(r["n"] == "0" for r in rows)
    frame, _ = _read_sav(tmp_path, _export(session, world, "sav").content)
    assert len(frame) == len(rows)
