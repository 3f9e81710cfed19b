"""Settings refuse unsafe secrets outside development."""

import pytest
from pydantic import ValidationError

from app.config import DEFAULT_SECRET_KEY, Settings


@pytest.mark.parametrize("environment", ["test", "production"])
def test_default_secret_key_is_refused_outside_development(environment: str) -> None:
    with pytest.raises(ValidationError, match="TRUSTMETER_SECRET_KEY must be set"):
        Settings(environment=environment, secret_key=DEFAULT_SECRET_KEY)


def test_default_secret_key_is_accepted_in_development() -> None:
    assert Settings(environment="development").secret_key == DEFAULT_SECRET_KEY


def test_short_secret_key_is_refused() -> None:
    with pytest.raises(ValidationError, match="at least 16 characters"):
        Settings(environment="production", secret_key="too-short")


def test_settings_come_from_prefixed_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRUSTMETER_BASE_URL", "https://vertrouwen.example.nl")
    settings = Settings()
    assert settings.base_url == "https://vertrouwen.example.nl"
    assert settings.secure_cookies


def test_docs_are_off_in_production_unless_asked() -> None:
    production = Settings(environment="production", secret_key="x" * 32)
    assert not production.show_docs
    assert Settings(environment="production", secret_key="x" * 32, docs_enabled=True).show_docs
