"""The application factory: settings in, a fully wired FastAPI app out."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from app.api.health import router as health_router
from app.api.main import beyond_api, create_api
from app.config import Settings, get_settings
from app.db import make_engine
from app.logging import configure_logging
from app.middleware import install_middleware
from app.paths import STATIC_DIR
from app.services.answering.submission_batches import AnswerWriter
from app.services.messaging.worker_process import InProcessWorker
from app.unexpected_errors import quiet_server_repeats
from app.web.api_docs import install_api_docs
from app.web.main import install_web
from app.web.templating import environment as template_environment


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app. Migrations are not run here: `trustmeter serve` and `migrate` do that."""
    settings = settings or get_settings()
    configure_logging(settings)
    # Templates are read once per process; only a developer's edits need them checked again.
    template_environment().auto_reload = settings.environment == "development"
    quiet_server_repeats()
    engine = make_engine(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        worker = InProcessWorker(engine, settings) if settings.in_process_worker else None
        if worker is not None:
            worker.start()
        yield
        if worker is not None:
            worker.stop()
        engine.dispose()

    app = FastAPI(
        title="Trustmeter", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None
    )
    app.state.settings = settings
    app.state.engine = engine
    # One writer of answers per process: the survey pages' saves and the API's submissions.
    app.state.answer_writer = writer = AnswerWriter(engine)
    install_middleware(app, settings)
    app.include_router(health_router)
    install_api_docs(app, settings)
    app.mount("/api/v1", create_api(settings, engine, writer=writer))
    app.include_router(beyond_api)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    install_web(app, settings)
    return app
