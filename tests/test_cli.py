"""The `trustmeter` command: migrate, users, API keys, demo, and plain errors."""

import re
from pathlib import Path

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from app.cli import app
from app.models import ApiKey, Collaboration, Organisation, Party, Response, User
from app.security import hash_token, verify_password
from tests.conftest import TEST_SECRET_KEY

runner = CliRunner()


@pytest.fixture
def cli_env(database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("TRUSTMETER_DATABASE_URL", database_url)
    monkeypatch.setenv("TRUSTMETER_ENVIRONMENT", "test")
    monkeypatch.setenv("TRUSTMETER_SECRET_KEY", TEST_SECRET_KEY)
    monkeypatch.setenv("TRUSTMETER_LOG_JSON", "false")
    return database_url


def test_migrate_is_idempotent(cli_env: str) -> None:
    for _ in range(2):
        result = runner.invoke(app, ["migrate"])
        assert result.exit_code == 0, result.output
        assert "up to date" in result.output


def test_user_create_reads_the_password_from_stdin(cli_env: str, session: Session) -> None:
    result = runner.invoke(
        app,
        ["user", "create", "Coach@Example.org", "--organisation", "Regio Noord", "--role", "coach"],
        input="een-lang-en-sterk-wachtwoord\n",
    )
    assert result.exit_code == 0, result.output
    user = session.exec(select(User).where(User.email == "coach@example.org")).one()
    assert verify_password("een-lang-en-sterk-wachtwoord", user.password_hash)
    assert user.password_hash.startswith("$argon2id$")
    organisation = session.get(Organisation, user.organisation_id)
    assert organisation is not None and organisation.name == "Regio Noord"


def test_user_create_refuses_a_weak_password_without_a_traceback(cli_env: str) -> None:
    result = runner.invoke(
        app, ["user", "create", "a@example.org", "--organisation", "X"], input="short\n"
    )
    assert result.exit_code == 1
    assert "at least 12 characters" in result.output
    assert "Traceback" not in result.output


def test_api_key_create_prints_the_key_last_and_stores_only_its_hash(
    cli_env: str, session: Session
) -> None:
    result = runner.invoke(
        app, ["api-key", "create", "--organisation", "Regio Noord", "--name", "partner portal"]
    )
    assert result.exit_code == 0, result.output
    key = result.output.strip().splitlines()[-1]
    assert key.startswith("tm_") and len(key) > 40
    stored = session.exec(select(ApiKey)).one()
    assert stored.key_hash == hash_token(key)
    assert key not in repr(stored.model_dump())


def test_demo_loads_once_and_prints_the_login(cli_env: str, session: Session) -> None:
    first = runner.invoke(app, ["demo"])
    assert first.exit_code == 0, first.output
    assert "coach@demo.trustmeter.nl" in first.output
    counted = len(session.exec(select(Response)).all())
    second = runner.invoke(app, ["demo"])
    assert second.exit_code == 0, second.output
    session.expire_all()
    assert len(session.exec(select(Response)).all()) == counted > 200
    assert len(session.exec(select(Collaboration)).all()) == 1


def test_demo_prints_one_working_link_per_party_and_where_the_mail_is(
    cli_env: str, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What `make run` shows a newcomer: links to answer the open round, and the mail page."""
    from app.services.answering.responses import load_invitation
    from app.services.demo import PARTIES

    monkeypatch.setenv("TRUSTMETER_BASE_URL", "http://127.0.0.1:8731")
    monkeypatch.setenv("TRUSTMETER_MAIL_CATCHER", "true")
    first = runner.invoke(app, ["demo"])
    assert first.exit_code == 0, first.output
    links = re.findall(r"^  (.+) \(.+\): (http://127\.0\.0\.1:8731/s/\S+)$", first.output, re.M)
    assert [party for party, _ in links] == [name for name, *_ in PARTIES]
    names = {party.id: party.name for party in session.exec(select(Party))}
    for party, url in links:
        invitation = load_invitation(session, token=url.rsplit("/", 1)[1]).invitation
        assert names[invitation.party_id] == party  # the link is that party's
        assert invitation.status.value == "pending"  # nobody has answered through it yet
    assert "read them at http://127.0.0.1:8731/coach/mail" in first.output
    again = runner.invoke(app, ["demo"])  # `make run` a second time gives the same links
    assert re.findall(r"http://\S+/s/\S+", again.output) == [url for _, url in links]


def test_an_unreachable_database_gives_a_message_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(
        "TRUSTMETER_DATABASE_URL",
        "postgresql+psycopg://nobody@127.0.0.1:1/nothing?connect_timeout=2",
    )
    monkeypatch.setenv("TRUSTMETER_ENVIRONMENT", "development")
    result = runner.invoke(app, ["migrate"])
    assert result.exit_code == 1
    assert "cannot reach the database" in result.output
    assert "Traceback" not in result.output


def test_bad_configuration_is_reported_plainly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRUSTMETER_ENVIRONMENT", "production")
    monkeypatch.delenv("TRUSTMETER_SECRET_KEY", raising=False)
    result = runner.invoke(app, ["migrate"])
    assert result.exit_code == 1
    assert "TRUSTMETER_SECRET_KEY must be set" in result.output


def test_unknown_role_is_refused(cli_env: str) -> None:
    result = runner.invoke(
        app,
        ["user", "create", "a@example.org", "--organisation", "X", "--role", "boss"],
        input="een-lang-en-sterk-wachtwoord\n",
    )
    assert result.exit_code == 2
    assert "boss" in result.output
