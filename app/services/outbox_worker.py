"""Deliver queued outbox jobs (e-mail, webhooks)."""

import logging
import time

from sqlalchemy import Engine

from app.config import Settings

log = logging.getLogger("trustmeter.worker")


def run_worker(engine: Engine, *, settings: Settings, once: bool = False) -> None:
    """Placeholder loop until delivery lands: reports that nothing is delivered yet."""
    log.warning("outbox delivery is not implemented yet")
    while not once:
        time.sleep(5)
