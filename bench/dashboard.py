"""The coach's dashboard page, timed warm like the trends: a coach signs in through /login.

The coach account is made in-process with the user service; signing in goes through the real
form (its nonce cookie and form token), so the timed requests carry a real session cookie.
"""

import re

import httpx
from sqlmodel import Session, select

from app.db import new_session
from app.models import Role, User
from app.services.identity import organisations
from bench.harness import Options, step, warm_up
from bench.load import Call, run_load
from bench.results import Figure
from bench.server import BenchDatabase, BenchServer
from bench.world import TrendsWorld

TARGET_P50_MS = 400.0
COACH_EMAIL = "coach@bench.example.org"
COACH_PASSWORD = "bench-coach-password-7f3a9c"
_FORM_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def make_coach(session: Session, organisation_id: int) -> None:
    if session.exec(select(User).where(User.email == COACH_EMAIL)).first() is not None:
        return
    organisations.create_user(
        session,
        organisation_id=organisation_id,
        email=COACH_EMAIL,
        password=COACH_PASSWORD,
        role=Role.COACH,
    )


def sign_in(server: BenchServer) -> str | None:
    """The session cookie header after signing in through /login; None if there is no login."""
    with httpx.Client(base_url=server.url, timeout=30) as client:
        form = client.get("/login")
        token = _FORM_TOKEN.search(form.text)
        if form.status_code != 200 or token is None:
            return None
        answer = client.post(
            "/login",
            data={
                "email": COACH_EMAIL,
                "password": COACH_PASSWORD,
                "csrf_token": token.group(1),
                "next": "/coach",
                "language": "en",
            },
        )
        if answer.status_code != 303:
            return None
        return "; ".join(f"{name}={value}" for name, value in client.cookies.items())


def dashboard_path(world: TrendsWorld) -> str:
    return f"/coach/collaborations/{world.collaboration_id}/dashboard"


def measure_dashboard(
    server: BenchServer, world: TrendsWorld, options: Options
) -> tuple[list[Figure], list[str]]:
    cookie = sign_in(server)
    if cookie is None:
        return [], ["dashboard: not measured, signing in through /login did not work."]
    call = Call("GET", dashboard_path(world), headers=(("Cookie", cookie),))
    probe = httpx.get(server.url + call.path, headers={"Cookie": cookie}, timeout=60)
    if probe.status_code != 200:
        return [], [f"dashboard: not measured, GET {call.path} answered {probe.status_code}."]
    with step("dashboard page"):
        warm_up(server, call)
        result = run_load(
            "dashboard", server.address, [call] * 40, concurrency=1, seconds=options.seconds
        )
    print("  " + result.summary())
    figure = Figure(
        "3 trends",
        f"coach dashboard page p50, warm ({len(probe.content) // 1024} KB)",
        result.percentile(50),
        "ms",
        f"< {TARGET_P50_MS:.0f} ms",
        result.errors == 0 and result.percentile(50) < TARGET_P50_MS,
    )
    return [figure, Figure("3 trends", "coach dashboard p90", result.percentile(90), "ms")], [
        result.summary()
    ]


def prepare_coach(database: BenchDatabase, organisation_id: int) -> None:
    engine = database.engine()
    try:
        with new_session(engine) as session:
            make_coach(session, organisation_id)
    finally:
        engine.dispose()
