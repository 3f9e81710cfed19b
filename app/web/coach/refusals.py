"""What a coach's page says when a service refuses: one sentence per stable error code.

Services decide and name the rule they applied (`error.code`); pages only translate it,
so no route checks a business rule a second time to find the right words.
"""

from app.errors import TrustmeterError
from app.infra.messages import N_
from app.web.coach.forms import Translate

MESSAGES = {
    "party.name_taken": N_("This collaboration already has a party with this name."),
    "participant.email_taken": N_("This e-mail address is already in the collaboration."),
    "user.email_taken": N_("There is already a user with this e-mail address."),
    "user.last_admin": N_("An organisation keeps at least one administrator."),
    "user.deactivate_self": N_("You cannot deactivate your own account."),
    "round.closed": N_("This round is closed and cannot be opened again."),
    "round.too_few_parties": N_("A round needs at least two parties, so they can rate each other."),
    "round.no_participants": N_("Add participants to the parties before opening the round."),
    "round.never_opened": N_("This round was never opened, so there is nothing to close."),
    "reminders.round_not_open": N_("Reminders can only be sent while the round is open."),
    "alert.note_too_long": N_("Keep the note to at most 500 characters."),
    "alert.note_control_characters": N_(
        "Use text without invisible control characters; line breaks are fine."
    ),
}
FALLBACK = N_("This cannot be done now. Reload the page and try again.")


def refusal(error: TrustmeterError, _: Translate) -> str:
    """The page's sentence for a refused action, in the coach's language."""
    return _(MESSAGES.get(error.code, FALLBACK))
