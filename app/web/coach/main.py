"""The coach's routers, assembled in one place."""

from fastapi import FastAPI

from app.web.coach import (
    admin,
    agreements,
    assets,
    collaborations,
    dashboard,
    feedback,
    links,
    mail,
    participants,
    parties,
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
    agreements,
    feedback,
    dashboard,
    admin,
    mail,
    assets,
)


def install_coach(app: FastAPI) -> None:
    for module in ROUTERS:
        app.include_router(module.router)
