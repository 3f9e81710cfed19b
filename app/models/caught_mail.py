"""E-mails the development mail catcher kept instead of sending them (never in production)."""

from sqlalchemy import Text
from sqlmodel import Field

from app.models.base import Timestamped


class CaughtMail(Timestamped, table=True):
    __tablename__ = "caught_mail"

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    recipient: str = Field(max_length=320)
    subject: str = Field(max_length=300)
    text_body: str = Field(sa_type=Text)
    # The personal link the message carries, so the page can offer it as a button.
    link: str | None = Field(default=None, max_length=500)
