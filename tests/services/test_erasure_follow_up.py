"""Erasing a participant leaves no follow-up answer ("was it kept?") that points to them: their
unsubmitted answers go, their submitted ones stay only under the pseudonym, the verdict holds."""

from sqlmodel import Session, col, select

from app.config import Settings
from app.models import AgreementCheck, Invitation, Participant
from app.models.agreement import AgreementAnswerIn
from app.models.response import AnswerIn
from app.scoring import smart_trust_v1
from app.services.agreements import follow_up
from app.services.answering import responses
from app.services.privacy import erasure
from app.services.results.agreement_outcomes import agreements_of_collaboration
from app.services.setup import rounds
from tests.factories import make_checking_round, make_open_collaboration

ITEM_IDS = [item.id for item in smart_trust_v1().items]


def test_erasure_keeps_no_identifiable_follow_up_answer(
    session: Session, settings: Settings
) -> None:
    world = make_open_collaboration(session, settings=settings, participants_per_party=4)
    organisation_id = world.organisation_id
    checking = make_checking_round(session, world=world, settings=settings)
    agreement, second, issued = checking.agreement, checking.round, checking.issued
    for number, item in enumerate(issued):
        assert item.token is not None
        follow_up.save_agreement_answers(
            session,
            token=item.token,
            organisation_id=organisation_id,
            answers=[AgreementAnswerIn(agreement_id=agreement.id or 0, value=4)],
        )
        if number == 0:
            continue  # the first saves a follow-up answer but never submits
        answers = [
            AnswerIn(target_party_id=target, item_id=item_id, value=4)
            for target in item.invitation.target_party_ids
            for item_id in ITEM_IDS
        ]
        responses.submit_answers(session, token=item.token, answers=answers, final=True)

    def verdict() -> tuple[int | None, float | None]:
        [view] = agreements_of_collaboration(
            session, organisation_id=organisation_id, collaboration_id=world.collaboration.id or 0
        )
        assert view.outcome.verdict is not None
        return view.outcome.verdict.n, view.outcome.verdict.mean

    # Verdicts are shown once the checking round closed, never while answers come in.
    rounds.close_round(session, organisation_id=organisation_id, round_id=second.id or 0)
    before = verdict()
    assert before == (7, 4.0)
    draft, submitted = issued[0].invitation, issued[1].invitation
    for invitation in (draft, submitted):
        erasure.erase_participant(
            session, participant_id=invitation.participant_id, organisation_id=organisation_id
        )
    session.expire_all()

    def checks_of(invitation: Invitation) -> list[AgreementCheck]:
        query = select(AgreementCheck).where(col(AgreementCheck.invitation_id) == invitation.id)
        return list(session.exec(query))

    # The unsubmitted follow-up answer is gone with the other drafts.
    assert checks_of(draft) == []
    # The submitted one stays, reachable only through a participant without name or address.
    [kept] = checks_of(submitted)
    person = session.get(Participant, submitted.participant_id)
    assert person is not None and person.erased_at is not None
    assert (person.name, person.email, person.external_ref) == (None, None, None)
    assert kept.value == 4
    assert verdict() == before
