"""The coach's routers, assembled in one place."""

from fastapi import FastAPI

from app.web.coach import (
    admin,
    assets,
    cadence,
    collaborations,
    dashboard,
    links,
    mail,
    participant_edit,
    participants,
    parties,
    round_page,
    rounds,
    signin,
)

ROUTERS = (
    signin,
    collaborations,
    parties,
    participants,
    rounds,
    links,
    dashboard,
    admin,
    mail,
    round_page,
    participant_edit,
    cadence,
    assets,
)


def install_coach(app: FastAPI) -> None:
    for module in ROUTERS:
        app.include_router(module.router)
