"""The product's interface languages, and marking messages for translation without translating."""

LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"


def N_(message: str) -> str:
    """Mark a message for extraction; the web layer translates it once the language is known."""
    return message
