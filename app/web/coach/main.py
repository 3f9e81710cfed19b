"""The coach's routers, assembled in one place."""

from fastapi import FastAPI

from app.web.coach import (
    admin,
    assets,
    collaborations,
    dashboard,
    links,
    mail,
    participants,
    parties,
    reports,
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
    dashboard,
    reports,
    admin,
    mail,
    assets,
)


def install_coach(app: FastAPI) -> None:
    for module in ROUTERS:
        app.include_router(module.router)
