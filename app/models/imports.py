"""API shapes of the bulk import of paper and legacy answers (no tables: answers are Responses)."""

from typing import Literal

from pydantic import BaseModel, StrictInt, StrictStr
from pydantic import Field as PydField

from app.models.base import StrictFields, StrictInput

ImportMode = Literal["all_or_nothing", "valid_only"]
MAX_IMPORT_ROWS = 500_000


class ImportAnswer(StrictFields):
    """One answer: who (external_ref or invitation_id), about which party, which item, value."""

    external_ref: StrictStr | None = PydField(
        default=None, min_length=1, max_length=200, description="The participant's reference."
    )
    invitation_id: StrictInt | None = PydField(
        default=None,
        ge=1,
        le=2_147_483_647,
        description="Instead of external_ref: the participant's invitation.",
    )
    target_party: StrictInt | StrictStr = PydField(
        description="The party the answer is about: its id or its exact name."
    )
    item_id: StrictStr = PydField(min_length=1, max_length=64)
    value: StrictInt | None = PydField(description="A point on the scale; null = don't know.")


class ImportRequest(StrictInput):
    answers: list[ImportAnswer] = PydField(max_length=MAX_IMPORT_ROWS)


class ImportRowError(BaseModel):
    row: int = PydField(
        description="CSV: the line number (the header is line 1). JSON: the index in `answers`."
    )
    column: str = PydField(description="The offending column (field), e.g. `value`.")
    reason: str


class ImportReport(BaseModel):
    round_id: int
    mode: ImportMode
    rows: int = PydField(description="Answer rows read.")
    imported_rows: int = PydField(description="Answers stored.")
    responses: int = PydField(description="Responses (participant x target party) stored.")
    invitations_created: int = PydField(
        description="Participants without an invitation in this round got one (submitted)."
    )
    errors: list[ImportRowError] = PydField(
        description="Every row not stored, and why (only in `valid_only` mode; otherwise 422)."
    )
