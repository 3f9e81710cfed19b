"""The coach's routers, assembled in one place."""

from fastapi import FastAPI

from app.web.coach import (
    admin,
    agreements,
    alerts,
    assets,
    cadence,
    collaborations,
    dashboard,
    feedback,
    links,
    mail,
    participant_edit,
    participants,
    parties,
    reports,
    round_page,
    rounds,
    signin,
    targets,
)

ROUTERS = (
    signin,
    collaborations,
    parties,
    participants,
    targets,
    rounds,
    links,
    agreements,
    feedback,
    dashboard,
    alerts,
    reports,
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
