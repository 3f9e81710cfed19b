"""The ASGI entry point for servers: `uvicorn app.asgi:app` (each worker builds its own app)."""

from app.main import create_app

app = create_app()
