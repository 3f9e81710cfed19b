"""The demo's action loop: agreements made after rounds 2 and 3, judged by the partners in the
next round, and the coach's notes. Seeded apart from the trust answers, so adding it left the
demo's trust figures as they were."""

import random
from dataclasses import dataclass

from sqlmodel import Session

from app.models import AgreementStatus, Round
from app.models.agreement import AgreementAnswerIn, AgreementCreate, AgreementUpdate
from app.services.agreements import agreements, follow_up, round_notes


@dataclass(frozen=True, slots=True)
class DemoAgreement:
    made_after: int  # index of the round in the demo's calendar; checked in the next one
    title: str
    description: str
    area: str
    committing: tuple[int, ...]  # indices of the demo's parties
    target: int
    status: AgreementStatus  # the coach's conclusion once the checking round closed
    verdict: float  # around which the partners' "was it kept?" (1-5) lands


AGREEMENTS = [
    DemoAgreement(
        1,
        "Risico's vooraf samen in kaart brengen",
        "Voor elke deelopdracht een gezamenlijke risicosessie, met de uitkomst in één register.",
        "openness",
        (0, 1),
        2,
        AgreementStatus.KEPT,
        4.2,
    ),
    DemoAgreement(
        1,
        "Toezeggingen binnen een week schriftelijk bevestigen",
        "Wie in overleg iets toezegt, bevestigt het binnen vijf werkdagen per e-mail.",
        "commitments",
        (3,),
        1,
        AgreementStatus.NOT_KEPT,
        2.1,
    ),
    DemoAgreement(
        2,
        "Maandelijks open-boekoverleg over meerkosten",
        "Meerkosten komen elke maand op tafel, met de onderbouwing erbij.",
        "expectations",
        (2,),
        0,
        AgreementStatus.KEPT,
        3.9,
    ),
    DemoAgreement(
        2,
        "Tegenvallers binnen twee werkdagen melden",
        "Vertraging of tegenvallende proeven worden gemeld voordat de ander het zelf ontdekt.",
        "commitments",
        (3,),
        1,
        AgreementStatus.OPEN,
        2.7,
    ),
]
NOTES = {
    1: "Provincie wil eerst zien dat risico's eerlijk verdeeld worden. Rijnland zegt veel toe"
    " in overleg, maar bevestigt weinig; bespreken in de terugkoppelsessie.",
    2: "Rijnland voelt zich gecontroleerd na de gunning. Van den Berg stelt zelf een"
    " open-boekoverleg voor. Twee nieuwe afspraken gemaakt.",
}


def record_agreements(
    session: Session,
    *,
    organisation_id: int,
    collaboration_id: int,
    party_ids: list[int],
    made_after: Round,
    check: Round,
    index: int,
) -> list[int]:
    """The agreements made after round `index - 1`, to be judged in `check` (round `index`)."""
    made = []
    for demo in (a for a in AGREEMENTS if a.made_after == index - 1):
        created = agreements.create_agreement(
            session,
            organisation_id=organisation_id,
            collaboration_id=collaboration_id,
            data=AgreementCreate(
                title=demo.title,
                description=demo.description,
                area=demo.area,
                committing_party_ids=[party_ids[i] for i in demo.committing],
                target_party_id=party_ids[demo.target],
                round_id=made_after.id or 0,
                check_round_id=check.id,
            ),
        )
        made.append(created.id or 0)
    if index - 1 in NOTES:
        round_notes.save_round_note(
            session,
            organisation_id=organisation_id,
            round_id=made_after.id or 0,
            body=NOTES[index - 1],
        )
    return made


def answer_follow_up(
    session: Session, *, organisation_id: int, token: str, rng: random.Random
) -> None:
    """This partner's "was it kept?" answers, near each agreement's verdict; a few don't know."""
    asked = follow_up.questions_for(session, token=token, organisation_id=organisation_id)
    if not asked:
        return
    centres = {a.title: a.verdict for a in AGREEMENTS}
    answers = []
    for item in asked:
        value = min(5, max(1, round(rng.gauss(centres.get(item.title, 3.0), 0.8))))
        dont_know = rng.random() < 0.08
        answers.append(
            AgreementAnswerIn(agreement_id=item.agreement_id, value=None if dont_know else value)
        )
    follow_up.save_agreement_answers(
        session, token=token, organisation_id=organisation_id, answers=answers
    )


def conclude(session: Session, *, organisation_id: int, agreement_ids: list[int]) -> None:
    """After the checking round: the coach records whether each agreement held."""
    titles = {a.title: a.status for a in AGREEMENTS}
    for agreement_id in agreement_ids:
        agreement = agreements.get_agreement(
            session, organisation_id=organisation_id, agreement_id=agreement_id
        )
        status = titles[agreement.title]
        if status != AgreementStatus.OPEN:
            agreements.update_agreement(
                session,
                organisation_id=organisation_id,
                agreement_id=agreement_id,
                data=AgreementUpdate(status=status),
            )
