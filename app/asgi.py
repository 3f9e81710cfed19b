"""The ASGI entry point for servers: `uvicorn app.asgi:app` (each worker builds its own app)."""

import gc

from app.main import create_app

app = create_app()

# What was built so far (modules, routes, schemas) lives as long as the worker. Frozen out of
# the collector's sight, full collections stop scanning it: they paused requests for tens of
# milliseconds and set the submissions' p95 and p99 (issue 8). Tests build apps with
# create_app and leave the collector as it is.
gc.freeze()
