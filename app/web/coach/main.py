"""The coach's routers, assembled in one place."""

from fastapi import FastAPI

from app.web.coach import admin, assets, collaborations, dashboard, parties, rounds, signin


def install_coach(app: FastAPI) -> None:
    for module in (signin, collaborations, parties, rounds, dashboard, admin, assets):
        app.include_router(module.router)
