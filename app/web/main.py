"""Assemble the HTML side of the app: error pages and the routers of /s/{token}, /login, /coach."""

from fastapi import FastAPI

from app.config import Settings
from app.web import share_page, survey, survey_follow_up, survey_resume
from app.web.coach.main import install_coach
from app.web.errors import install_error_pages


def install_web(app: FastAPI, settings: Settings) -> None:
    """Add one line per HTML router here."""
    install_error_pages(app)
    app.include_router(survey.router)
    app.include_router(survey_resume.router)
    app.include_router(survey_follow_up.router)
    app.include_router(share_page.router)
    install_coach(app)
