"""Settings, read from TRUSTMETER_* environment variables (the only module that reads them)."""

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET_KEY = "change-me-in-production"  # noqa: S105 - the sentinel we refuse outside development


class Settings(BaseSettings):
    """Everything configurable. Only `development` accepts the default secret key."""

    model_config = SettingsConfigDict(env_prefix="TRUSTMETER_", env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = Field(default_factory=lambda: f"sqlite:///{Path('var/trustmeter.db')}")
    secret_key: str = DEFAULT_SECRET_KEY
    base_url: str = "http://127.0.0.1:8000"
    smtp_url: str = "smtp://127.0.0.1:25"
    mail_from: str = "Trustmeter <no-reply@trustmeter.local>"

    docs_enabled: bool | None = None  # None: on except in production
    max_body_bytes: int = 2_000_000
    import_max_body_bytes: int = 50_000_000
    session_max_age_seconds: int = 8 * 3600
    login_rate_limit: int = 5  # failed attempts per window per e-mail and per client address
    login_rate_window_seconds: int = 300
    token_rate_limit: int = 30  # unknown survey tokens per window per client address
    token_rate_window_seconds: int = 600
    reminder_days_before_close: int = 3
    retention_months: int | None = None
    in_process_worker: bool = False  # the demo delivers its outbox inside the web process
    # Reverse proxies whose X-Forwarded-For/-Proto are believed: comma-separated addresses
    # or networks, "*" for any. Rate limits count per client address, so set this right.
    forwarded_allow_ips: str = "127.0.0.1"
    # The headless Chromium that draws the PDF report's charts; empty: found on the PATH.
    chromium_path: str | None = None
    log_json: bool | None = None  # None: readable lines in development, JSON elsewhere
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # Development only: e-mails are kept in the database and shown at /coach/mail instead of
    # going to SMTP. None: on in development, off elsewhere; refused in production.
    mail_catcher: bool | None = None

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _refuse_default_secret(self) -> "Settings":
        if self.environment != "development" and self.secret_key == DEFAULT_SECRET_KEY:
            raise ValueError(
                "TRUSTMETER_SECRET_KEY must be set to a long random value outside development"
            )
        if self.environment == "production" and self.mail_catcher:
            raise ValueError("TRUSTMETER_MAIL_CATCHER keeps e-mails unsent: not in production")
        if len(self.secret_key) < 16:
            raise ValueError("TRUSTMETER_SECRET_KEY must be at least 16 characters")
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def show_docs(self) -> bool:
        if self.docs_enabled is not None:
            return self.docs_enabled
        return self.environment != "production"

    @property
    def json_logs(self) -> bool:
        if self.log_json is not None:
            return self.log_json
        return self.environment != "development"

    @property
    def catches_mail(self) -> bool:
        if self.mail_catcher is not None:
            return self.mail_catcher
        return self.environment == "development"

    @property
    def secure_cookies(self) -> bool:
        return self.base_url.startswith("https://")


@lru_cache
def get_settings() -> Settings:
    return Settings()
