"""API shapes for correcting a participant and reissuing a personal link."""

from datetime import datetime

from pydantic import EmailStr, StrictBool, StrictInt, StrictStr
from pydantic import Field as PydField
from sqlmodel import SQLModel

from app.models.base import StrictInput
from app.models.collaboration import Language


class ParticipantUpdate(StrictInput):
    """Leave a field out to keep it; `null` clears the name, e-mail address or language."""

    name: StrictStr | None = PydField(default=None, max_length=200)
    email: EmailStr | None = None
    language: Language | None = None
    party_id: StrictInt | None = PydField(
        default=None,
        ge=1,
        le=2_147_483_647,
        description="Move to another party of the same collaboration; applies to rounds the "
        "participant has not started. Saved answers stay with the party they were given for.",
    )


class LinkReissue(StrictInput):
    send_email: StrictBool = PydField(
        default=True, description="Also e-mail the new link (when the participant has an address)."
    )


class LinkReissued(SQLModel):
    invitation_id: int
    token: str = PydField(description="The new token. Shown once, in this response only.")
    url: str = PydField(description="The new personal link; the old one no longer works.")
    emailed: bool = PydField(description="Whether an e-mail with the new link was queued.")
    reissued_at: datetime


class DeliveryPublic(SQLModel):
    invitation_id: int
    participant_id: int
    party_id: int
    state: str = PydField(
        description="`queued`, `sent`, `failed` (see `reason`), `bounced` (the server refused "
        "the address), `not_sent` or `no_address` (the link is handed out in person)."
    )
    reason: str | None = PydField(description="Why the last attempt failed.")
    retrying_at: datetime | None = PydField(description="When the worker tries again.")
    sent_at: datetime | None


class RoundDeliveries(SQLModel):
    round_id: int
    counts: dict[str, int] = PydField(description="How many invitations are in each state.")
    invitations: list[DeliveryPublic]
