"""Benchmark data, made in-process before the server starts: services for the structure, bulk
inserts for the many participants and stored responses (scored with the real scoring core)."""

import math
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import numpy as np
from sqlalchemy import insert, update
from sqlmodel import Session, col

from app.config import Settings
from app.infra.unit_of_work import unit_of_work
from app.models import Invitation, InvitationStatus, Participant, Response, utcnow
from app.models.collaboration import CollaborationCreate, PartyCreate
from app.models.round import RoundCreate
from app.scoring.questionnaire import QuestionnaireDefinition
from app.scoring.scores import score_response
from app.scoring.zones import ZoneRules, classify
from app.services.answering.pages import PageRef, plan_pages
from app.services.identity import api_keys, organisations
from app.services.setup import collaborations, questionnaires, rounds
from app.services.setup.collaborations import new_pseudonym

ORGANISATION = "Benchmark Coaching BV"
INSERT_CHUNK = 5000


@dataclass(frozen=True)
class SubmitWorld:
    """An open round of two parties: each token rates the one other party."""

    api_key: str
    round_id: int
    tokens: list[str]
    invitation_ids: list[int]
    target_of: dict[str, int]
    definition: QuestionnaireDefinition
    kinds_of: dict[str, dict[str, str]]  # per token: the kind of each target party, by its id

    def page_plan(self, token: str) -> list[PageRef]:
        """The pages the partner behind `token` is shown, as the survey plans them."""
        return plan_pages(self.definition, [self.target_of[token]], self.kinds_of[token])

    @property
    def item_ids(self) -> list[str]:
        return [item.id for item in self.definition.items]

    def final_submission(self, index: int) -> dict[str, Any]:
        token = self.tokens[index]
        answers = [
            {
                "target_party_id": self.target_of[token],
                "item_id": item,
                "value": 1 + (n + index) % 7,
            }
            for n, item in enumerate(self.item_ids)
        ]
        return {"answers": answers, "final": True}


@dataclass(frozen=True)
class TrendsWorld:
    api_key: str
    organisation_id: int
    collaboration_id: int
    rounds: int
    participants_per_party: int
    responses: int


def _organisation(session: Session) -> int:
    organisation = organisations.get_or_create_organisation(session, name=ORGANISATION)
    assert organisation.id is not None
    return organisation.id


def _api_key(session: Session, organisation_id: int) -> str:
    return api_keys.create_api_key(session, organisation_id=organisation_id, name="bench").secret


def _collaboration(
    session: Session, organisation_id: int, name: str, parties: int, per_party: int
) -> tuple[int, list[int]]:
    collaboration = collaborations.create_collaboration(
        session, organisation_id=organisation_id, data=CollaborationCreate(name=name)
    )
    assert collaboration.id is not None
    party_ids = []
    for number in range(parties):
        party = collaborations.create_party(
            session,
            organisation_id=organisation_id,
            collaboration_id=collaboration.id,
            data=PartyCreate(name=f"Partij {number + 1}"),
        )
        assert party.id is not None
        party_ids.append(party.id)
    with unit_of_work(session):
        session.add_all(
            Participant(party_id=party_id, pseudonym=new_pseudonym())
            for party_id in party_ids
            for _ in range(per_party)
        )
    return collaboration.id, party_ids


def _open_round(
    session: Session, settings: Settings, organisation_id: int, collaboration_id: int, label: str
) -> list[rounds.IssuedInvitation]:
    questionnaire = questionnaires.default_questionnaire(session)
    assert questionnaire.id is not None
    round_ = rounds.create_round(
        session,
        organisation_id=organisation_id,
        collaboration_id=collaboration_id,
        data=RoundCreate(label=label, questionnaire_id=questionnaire.id),
    )
    assert round_.id is not None
    return rounds.open_round(
        session, organisation_id=organisation_id, round_id=round_.id, settings=settings
    )


def build_submit_world(session: Session, settings: Settings, *, invitations: int) -> SubmitWorld:
    organisation_id = _organisation(session)
    per_party = -(-invitations // 2)
    collaboration_id, _ = _collaboration(session, organisation_id, "Inschrijving", 2, per_party)
    issued = _open_round(session, settings, organisation_id, collaboration_id, "Aanbesteding")
    mine = [item for item in issued if item.token]
    definition = questionnaires.definition_by_id(
        session, questionnaires.default_questionnaire(session).id or 0
    )
    return SubmitWorld(
        api_key=_api_key(session, organisation_id),
        round_id=mine[0].invitation.round_id,
        tokens=[item.token for item in mine if item.token],
        invitation_ids=[item.invitation.id or 0 for item in mine],
        target_of={item.token: item.invitation.target_party_ids[0] for item in mine if item.token},
        definition=definition,
        kinds_of={item.token: item.invitation.target_kinds for item in mine if item.token},
    )


def build_trends_world(
    session: Session,
    settings: Settings,
    *,
    parties: int = 10,
    rounds_count: int = 12,
    participants_per_party: int = 30,
    name: str = "Alliantie",
    close_rounds: bool = True,
) -> TrendsWorld:
    """A collaboration with every round answered in full by every participant.

    All but the latest round are closed (raising their alerts) unless `close_rounds` is off.
    """
    organisation_id = _organisation(session)
    collaboration_id, _ = _collaboration(
        session, organisation_id, name, parties, participants_per_party
    )
    definition = questionnaires.definition_by_id(
        session, questionnaires.default_questionnaire(session).id or 0
    )
    rng = np.random.default_rng(20260301)
    stored = 0
    round_ids = []
    for number in range(rounds_count):
        issued = _open_round(
            session, settings, organisation_id, collaboration_id, f"Meting {number + 1}"
        )
        invitations = [item.invitation for item in issued]
        round_ids.append(invitations[0].round_id)
        stored += _store_answers(session, definition, invitations, number, rng)
    for round_id in round_ids[:-1] if close_rounds else []:  # the latest stays open
        rounds.close_round(session, organisation_id=organisation_id, round_id=round_id)
    return TrendsWorld(
        api_key=_api_key(session, organisation_id),
        organisation_id=organisation_id,
        collaboration_id=collaboration_id,
        rounds=rounds_count,
        participants_per_party=participants_per_party,
        responses=stored,
    )


def _store_answers(
    session: Session,
    definition: QuestionnaireDefinition,
    invitations: list[Invitation],
    round_number: int,
    rng: np.random.Generator,
) -> int:
    """Final answers of every invitation about every target, as the submit path stores them."""
    with unit_of_work(session):
        rules = ZoneRules()
        item_ids = [item.id for item in definition.items]
        submitted = utcnow() - timedelta(days=30 * (12 - round_number))
        rows = []
        for invitation in invitations:
            # Each truster party's trust drifts over the rounds, so trends show changes and alerts.
            level = 4 + 1.8 * math.sin(invitation.party_id + round_number / 3)
            values = np.clip(
                np.rint(rng.normal(level, 1.3, (len(invitation.target_party_ids), len(item_ids)))),
                1,
                7,
            )
            for target, row in zip(
                invitation.target_party_ids, values.astype(int).tolist(), strict=True
            ):
                answers = dict(zip(item_ids, row, strict=True))
                rows.append(
                    _response_row(definition, rules, invitation, target, answers, submitted)
                )
        for start in range(0, len(rows), INSERT_CHUNK):
            session.execute(insert(Response), rows[start : start + INSERT_CHUNK])
        session.execute(
            update(Invitation)
            .where(col(Invitation.id).in_([i.id for i in invitations]))
            .values(
                status=InvitationStatus.SUBMITTED, submitted_at=submitted, last_saved_at=submitted
            )
        )
    return len(rows)


def _response_row(
    definition: QuestionnaireDefinition,
    rules: ZoneRules,
    invitation: Invitation,
    target: int,
    answers: dict[str, Any],
    submitted: Any,
) -> dict[str, Any]:
    scores = score_response(definition, answers)
    zone = classify(scores.propensity, scores.analysis, rules)
    return {
        "invitation_id": invitation.id,
        "round_id": invitation.round_id,
        "participant_id": invitation.participant_id,
        "truster_party_id": invitation.party_id,
        "target_party_id": target,
        "answers": answers,
        "scores": dict(scores.scales),
        "propensity": scores.propensity,
        "analysis": scores.analysis,
        "zone": zone.value if zone else None,
        "submitted_at": submitted,
        "created_at": submitted,
        "updated_at": submitted,
    }
