"""The `trustmeter` command: migrate, serve, demo, users, API keys and the outbox worker."""

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlmodel import Session

from app.config import Settings
from app.db import make_engine, new_session
from app.errors import TrustmeterError
from app.models import Role

app = typer.Typer(
    help="Trustmeter: measure trust between collaborating organisations.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
user_app = typer.Typer(help="Manage coach accounts.", no_args_is_help=True)
api_key_app = typer.Typer(help="Manage API keys for integrations.", no_args_is_help=True)
app.add_typer(user_app, name="user")
app.add_typer(api_key_app, name="api-key")


def _fail(message: str) -> typer.Exit:
    typer.secho(f"Error: {message}", fg=typer.colors.RED, err=True)
    return typer.Exit(code=1)


def _settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        messages = "; ".join(
            str(error["msg"]).removeprefix("Value error, ") for error in exc.errors()
        )
        raise _fail(f"invalid configuration: {messages}") from None


def _migrate(settings: Settings) -> None:
    from app import migrations
    from app.services.setup.questionnaires import ensure_builtin_questionnaires

    engine = make_engine(settings)
    try:
        migrations.upgrade(engine)
        with new_session(engine) as session:
            ensure_builtin_questionnaires(session)
    except OperationalError as exc:
        raise _fail(f"cannot reach the database ({_describe(exc)}).") from None
    finally:
        engine.dispose()


def _describe(exc: SQLAlchemyError) -> str:
    return str(getattr(exc, "orig", exc)).strip().splitlines()[0]


@app.command()
def migrate() -> None:
    """Apply database migrations to TRUSTMETER_DATABASE_URL."""
    _migrate(_settings())
    typer.echo("Database is up to date.")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Worker processes.")] = 1,
) -> None:
    """Run the web app (an SQLite database is migrated first)."""
    from app import serving

    settings = _settings()
    if settings.is_sqlite:
        _migrate(settings)
    typer.echo(f"Trustmeter listening on http://{host}:{port}")
    options = {
        "app": "app.asgi:app",
        "host": host,
        "port": port,
        "access_log": False,
        "log_level": settings.log_level.lower(),
        "proxy_headers": True,
        "forwarded_allow_ips": settings.forwarded_allow_ips,
        "timeout_graceful_shutdown": 20,
        # Idle and slow clients are cut off (see app.serving.HeadDeadlineProtocol).
        "http": "app.serving:HeadDeadlineProtocol",
        "timeout_keep_alive": settings.keep_alive_seconds,
    }
    serving.serve(options, workers=workers)


@app.command()
def demo() -> None:
    """Load the demo collaboration (idempotent) and print the coach login."""
    from app.services.demo import load_demo

    settings = _settings()
    _migrate(settings)
    engine = make_engine(settings)
    with new_session(engine) as session:
        login = load_demo(session, settings=settings)
    engine.dispose()
    typer.echo(f"Demo collaboration '{login.collaboration}' is ready.")
    typer.echo(f"Sign in at {settings.base_url}/login")
    typer.echo(f"  e-mail:   {login.email}")
    typer.echo(f"  password: {login.password}")
    if login.links:
        typer.echo("Answer the open round as a partner (one personal link per party):")
        for link in login.links:
            typer.echo(f"  {link.party} ({link.participant}): {link.url}")
    if settings.catches_mail:
        typer.echo(
            f"E-mails are not sent in development: read them at {settings.base_url}/coach/mail"
        )


@user_app.command("create")
def create_user(
    email: Annotated[str, typer.Argument(help="The user's e-mail address (their login).")],
    organisation: Annotated[str, typer.Option(help="Organisation name; created if new.")],
    role: Annotated[Role, typer.Option(help="admin, coach or viewer.")] = Role.COACH,
) -> None:
    """Create a user; the password is read from standard input."""
    from app.services.identity.organisations import create_user as create
    from app.services.identity.organisations import get_or_create_organisation

    password = (
        sys.stdin.readline().rstrip("\n")
        if not sys.stdin.isatty()
        else typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    )
    with _session() as session:
        try:
            org = get_or_create_organisation(session, name=organisation)
            assert org.id is not None
            user = create(
                session, organisation_id=org.id, email=email, password=password, role=role
            )
        except TrustmeterError as exc:
            raise _fail(exc.message) from None
    typer.echo(f"Created {user.role.value} {user.email} in {organisation}.")


@api_key_app.command("create")
def create_api_key(
    organisation: Annotated[str, typer.Option(help="Organisation name; created if new.")],
    name: Annotated[str, typer.Option(help="What the key is for, e.g. 'partner portal'.")],
    read_only: Annotated[bool, typer.Option(help="Only the read scope.")] = False,
) -> None:
    """Create an API key; the key itself is printed once, as the last line."""
    from app.services.identity.api_keys import create_api_key as create
    from app.services.identity.organisations import get_or_create_organisation

    with _session() as session:
        org = get_or_create_organisation(session, name=organisation)
        assert org.id is not None
        scopes = ("read",) if read_only else ("read", "write")
        created = create(session, organisation_id=org.id, name=name, scopes=scopes)
    typer.echo(f"API key '{name}' for {organisation} (scopes: {', '.join(scopes)}).")
    typer.echo("Store it now: it is not shown again.")
    typer.echo(created.secret)


@app.command()
def worker(
    once: Annotated[bool, typer.Option(help="Do what is due, then stop.")] = False,
) -> None:
    """Open and close scheduled rounds, make cadence rounds, deliver e-mail and webhooks."""
    from app.logging import configure_logging
    from app.services.messaging.worker_process import run_worker

    settings = _settings()
    configure_logging(settings)  # the same structured lines as the web processes
    engine = make_engine(settings)
    try:
        run_worker(engine, settings=settings, once=once)
    except OperationalError as exc:
        raise _fail(f"cannot reach the database ({_describe(exc)}).") from None
    except TrustmeterError as exc:
        raise _fail(exc.message) from None
    finally:
        engine.dispose()


@app.command("erase-participant")
def erase_participant(
    participant_id: Annotated[int, typer.Argument(help="The participant's id.")],
) -> None:
    """Erase a participant (GDPR): name, e-mail and reference go, answers stay pseudonymous."""
    from app.services.privacy.erasure import erase_participant as erase

    with _session() as session:
        try:
            participant = erase(session, participant_id=participant_id)
        except TrustmeterError as exc:
            raise _fail(exc.message) from None
    typer.echo(f"Participant {participant_id} is erased; answers stay as {participant.pseudonym}.")


@app.command()
def purge(
    months: Annotated[
        int | None, typer.Option(help="Retention in months (default TRUSTMETER_RETENTION_MONTHS).")
    ] = None,
    drop_answers: Annotated[
        bool, typer.Option(help="Also delete item answers (scale scores stay).")
    ] = False,
) -> None:
    """Purge personal data of collaborations whose last round closed over N months ago."""
    from app.services.privacy.erasure import purge_expired

    retention = months if months is not None else _settings().retention_months
    if retention is None:
        raise _fail("no retention period: pass --months or set TRUSTMETER_RETENTION_MONTHS.")
    with _session() as session:
        try:
            report = purge_expired(session, retention_months=retention, drop_answers=drop_answers)
        except TrustmeterError as exc:
            raise _fail(exc.message) from None
    typer.echo(
        f"Purged {report.participants} participant(s) in {report.collaborations}"
        f" collaboration(s) whose last round closed over {retention} month(s) ago."
    )


@app.command("import")
def import_answers(
    round_id: Annotated[int, typer.Argument(help="The round to import into.")],
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help="A .csv or .json file.")
    ],
    valid_only: Annotated[
        bool, typer.Option(help="Store the valid rows and report the rest.")
    ] = False,
) -> None:
    """Import paper or legacy answers (CSV or JSON, see the API docs) with a progress bar."""
    from rich.console import Console

    from app.cli_import import print_errors, print_report, run_import
    from app.services.exchange.imports import ImportRejected

    settings = _settings()
    with _session() as session:
        try:
            report = run_import(
                session,
                round_id=round_id,
                path=file,
                mode="valid_only" if valid_only else "all_or_nothing",
                settings=settings,
                console=Console(stderr=True),
            )
        except ImportRejected as exc:
            print_errors(exc.errors, heading=f"Error: {exc.message}")
            raise typer.Exit(code=1) from None
        except TrustmeterError as exc:
            raise _fail(_with_fields(exc)) from None
    print_report(report)


def _with_fields(exc: TrustmeterError) -> str:
    fields = "; ".join(f"{p.field}: {p.message}" for p in exc.problems)
    return f"{exc.message} ({fields})" if fields else exc.message


@contextmanager
def _session() -> Iterator[Session]:
    """A session on the configured database; connection errors become plain messages."""
    engine = make_engine(_settings())
    try:
        with new_session(engine) as session:
            yield session
    except OperationalError as exc:
        raise _fail(f"cannot reach the database ({_describe(exc)}).") from None
    finally:
        engine.dispose()


if __name__ == "__main__":
    app()
