"""Assemble the HTML side of the app."""

from fastapi import FastAPI

from app.config import Settings


def install_web(app: FastAPI, settings: Settings) -> None:
    """Routers for /s/{token}, /login and /coach are added here as they are built."""
