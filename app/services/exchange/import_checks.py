"""Checking import rows against a round: who answered, about which party, which item, what value.

A row is stored only where the online questionnaire would have asked it: about a party the
participant rates (their invitation's targets, or for a participant not yet invited the
parties an invitation would name now) and an item asked about a party of that kind.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from app.models import Invitation, InvitationStatus, Participant, Party, Response, Round
from app.models.imports import ImportRowError
from app.scoring import QuestionnaireDefinition
from app.scoring.questionnaire import ItemDefinition
from app.services.exchange.import_rows import RawRow
from app.services.setup.targets import invitation_targets

PROGRESS_EVERY = 5000


@dataclass(frozen=True, slots=True)
class InvitationInfo:
    participant_id: int
    revoked: bool
    targets: dict[int, str | None]  # target -> its kind when invited (None: not recorded)


@dataclass(frozen=True, slots=True)
class RoundDirectory:
    """Everything rows may refer to, loaded with one query per table."""

    round_id: int
    party_ids: list[int]
    party_by_name: dict[str, int]
    party_names: dict[int, str]
    participant_by_ref: dict[str, int]
    party_of_participant: dict[int, int]
    invitations: dict[int, InvitationInfo]
    invitation_of_participant: dict[int, int]
    answered: set[tuple[int, int]]  # (participant, target) that already has a Response
    # Participants without an invitation: the targets (and kinds) one made now would have.
    planned: dict[int, dict[int, str | None]]
    items: dict[str, ItemDefinition]
    low: int
    high: int

    def targets_of(self, participant_id: int) -> dict[int, str | None]:
        """The parties `participant_id` is asked about in this round, with their kinds."""
        invitation_id = self.invitation_of_participant.get(participant_id)
        if invitation_id is None:
            return self.planned.get(participant_id, {})
        return self.invitations[invitation_id].targets


@dataclass(frozen=True, slots=True)
class CheckedRow:
    row: int
    participant_id: int
    target_id: int
    item_id: str
    value: int | None
    target_kind: str | None  # scored like an online answer about a party of this kind


def load_directory(
    session: Session, *, round_: Round, definition: QuestionnaireDefinition
) -> RoundDirectory:
    assert round_.id is not None
    parties = session.exec(
        select(Party)
        .where(Party.collaboration_id == round_.collaboration_id)
        .order_by(col(Party.id))
    ).all()
    party_ids = [party.id for party in parties if party.id is not None]
    people = session.exec(
        select(Participant)
        .where(col(Participant.party_id).in_(party_ids))
        .where(col(Participant.erased_at).is_(None))
    ).all()
    invitations = _invitations(session, round_.id)
    invited = {info.participant_id for info in invitations.values()}
    answered = session.exec(
        select(Response.participant_id, Response.target_party_id).where(
            Response.round_id == round_.id
        )
    ).all()
    return RoundDirectory(
        round_id=round_.id,
        party_ids=party_ids,
        party_by_name={p.name.casefold(): p.id for p in parties if p.id is not None},
        party_names={p.id: p.name for p in parties if p.id is not None},
        participant_by_ref={p.external_ref: p.id for p in people if p.external_ref and p.id},
        party_of_participant={p.id: p.party_id for p in people if p.id is not None},
        invitations=invitations,
        invitation_of_participant={i.participant_id: iid for iid, i in invitations.items()},
        answered={(participant, target) for participant, target in answered},
        planned={
            p.id: _planned_targets(p, parties)
            for p in people
            if p.id is not None and p.id not in invited
        },
        items={item.id: item for item in definition.items},
        low=definition.range.min,
        high=definition.range.max,
    )


def _planned_targets(participant: Participant, parties: Sequence[Party]) -> dict[int, str | None]:
    # The very rule open_round follows, so an import invites as opening the round would.
    targets, kinds = invitation_targets(participant, parties)
    return {target: kinds.get(str(target)) for target in targets}


def _invitations(session: Session, round_id: int) -> dict[int, InvitationInfo]:
    query = sa_select(
        col(Invitation.id),
        col(Invitation.participant_id),
        col(Invitation.status),
        col(Invitation.target_party_ids),
        col(Invitation.target_kinds),
    ).where(col(Invitation.round_id) == round_id)
    return {
        invitation_id: InvitationInfo(
            participant_id,
            status == InvitationStatus.REVOKED,
            {target: (kinds or {}).get(str(target)) for target in targets},
        )
        for invitation_id, participant_id, status, targets, kinds in session.execute(query)
    }


def check_rows(
    rows: Iterable[RawRow],
    directory: RoundDirectory,
    *,
    progress: Callable[[str, int, int], None] | None = None,
) -> tuple[list[CheckedRow], list[ImportRowError]]:
    """The rows that can be stored, and every problem with the others."""
    rows = list(rows)
    checked: list[CheckedRow] = []
    errors: list[ImportRowError] = []
    first_seen: dict[tuple[int, int, str], int] = {}
    for index, raw in enumerate(rows):
        if progress and index % PROGRESS_EVERY == 0:
            progress("check", index, len(rows))
        row, problems = _check(raw, directory)
        if row is not None:
            key = (row.participant_id, row.target_id, row.item_id)
            first = first_seen.setdefault(key, raw.row)
            if first != raw.row:
                problems.append(
                    ("item_id", f"duplicate of row {first}: same participant, party and item")
                )
            else:
                checked.append(row)
        errors.extend(ImportRowError(row=raw.row, column=c, reason=r) for c, r in problems)
    if progress:
        progress("check", len(rows), len(rows))
    return checked, errors


Problems = list[tuple[str, str]]


def _check(raw: RawRow, d: RoundDirectory) -> tuple[CheckedRow | None, Problems]:
    problems: Problems = []
    participant = _participant(raw, d, problems)
    target = _target(raw, d, participant, problems)
    item = d.items.get(raw.item_id)
    kind = d.targets_of(participant).get(target) if participant and target else None
    if item is None:
        problems.append(("item_id", f"unknown item '{raw.item_id}'"))
    elif not item.fits(kind):
        problems.append(("item_id", _not_asked(item, d.party_names[target or 0], kind)))
    value = _value(raw.value, d, problems)
    if problems or participant is None or target is None:
        return None, problems
    return CheckedRow(raw.row, participant, target, raw.item_id, value, kind), problems


def _not_asked(item: ItemDefinition, party: str, kind: str | None) -> str:
    *others, last = [str(k) for k in item.target_kinds or ()] or [""]
    kinds = f"{', '.join(others)} or {last}" if others else last
    return (
        f"item '{item.id}' is not asked about '{party}': it is only for parties of kind "
        f"{kinds}, and '{party}' is of kind {kind}"
    )


def _participant(raw: RawRow, d: RoundDirectory, problems: Problems) -> int | None:
    if raw.external_ref is None and raw.invitation_id is None:
        problems.append(("external_ref", "give the participant's external_ref or invitation_id"))
        return None
    by_ref = None
    if raw.external_ref is not None:
        by_ref = d.participant_by_ref.get(raw.external_ref)
        if by_ref is None:
            problems.append(("external_ref", f"unknown participant '{raw.external_ref}'"))
            return None
    if raw.invitation_id is None:
        invitation_id = d.invitation_of_participant.get(by_ref)  # type: ignore[arg-type]
        if invitation_id is not None and d.invitations[invitation_id].revoked:
            problems.append(("external_ref", "this participant's invitation was revoked"))
            return None
        return by_ref
    return _by_invitation(raw.invitation_id, by_ref, d, problems)


def _by_invitation(
    value: int | str, by_ref: int | None, d: RoundDirectory, problems: Problems
) -> int | None:
    invitation_id = _whole(value)
    info = d.invitations.get(invitation_id) if invitation_id is not None else None
    if invitation_id is None:
        problems.append(("invitation_id", f"'{value}' is not a whole number"))
    elif info is None:
        problems.append(
            ("invitation_id", f"unknown participant: no invitation {value} in this round")
        )
    elif info.revoked:
        problems.append(("invitation_id", "the invitation was revoked"))
    elif by_ref is not None and by_ref != info.participant_id:
        problems.append(("invitation_id", "names another participant than external_ref"))
    elif info.participant_id not in d.party_of_participant:
        problems.append(("invitation_id", "the participant's data was erased"))
    else:
        return info.participant_id
    return None


def _target(
    raw: RawRow, d: RoundDirectory, participant: int | None, problems: Problems
) -> int | None:
    wanted = raw.target_party
    target = _whole(wanted)
    if target not in d.party_ids:
        target = d.party_by_name.get(str(wanted).strip().casefold())
    if target is None:
        problems.append(
            ("target_party", f"wrong target: no party '{wanted}' in this collaboration")
        )
        return None
    if participant is None:
        return target
    if d.party_of_participant.get(participant) == target:
        problems.append(
            ("target_party", "wrong target: a participant does not rate their own party")
        )
        return None
    if target not in d.targets_of(participant):
        invited = participant in d.invitation_of_participant
        whose = "this participant's invitation" if invited else "this participant"
        problems.append(("target_party", f"wrong target: not a party {whose} rates"))
        return None
    if (participant, target) in d.answered:
        problems.append(
            ("target_party", "this participant already has answers about this party in this round")
        )
        return None
    return target


def _value(value: int | str | None, d: RoundDirectory, problems: Problems) -> int | None:
    if value is None:
        return None  # don't know
    number = _whole(value)
    if number is None:
        problems.append(("value", f"'{value}' is not a whole number (leave empty for don't know)"))
    elif not d.low <= number <= d.high:
        problems.append(("value", f"value out of range: {number} is outside {d.low} to {d.high}"))
    return number


def _whole(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = str(value).strip()
    if text.lstrip("+-").isdigit() and text.isascii():
        return int(text)
    return None
