"""Plotly figures drawn as static SVG by a headless Chromium through Kaleido (the PDF report).

Starting Chromium takes seconds, drawing a figure in a warm page a fraction of one: one browser
per process is started on first use and kept, in a thread of its own with its own event loop,
so the synchronous services of every request share it. The page loads plotly.js from the
installed `plotly` package and MathJax is off: nothing is fetched from the network.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import kaleido

Figure = dict[str, Any]
DRAWN_KEPT = 64  # SVGs of ~20-60 KB: a few MB at most
PLOTLY_JS = Path(__file__).resolve().parents[1] / "static" / "vendor" / "plotly-cartesian.min.js"


class ChartDrawingFailed(RuntimeError):
    """The browser could not draw a figure (not installed, crashed, or timed out)."""


class ChartDrawer:
    """Draws figures to SVG in a shared headless Chromium; safe to call from any thread."""

    def __init__(self, *, browser_path: str | None = None, tabs: int = 2, timeout: float = 60):
        self._browser_path = browser_path
        self._tabs = tabs
        self._timeout = timeout
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._browser: kaleido.Kaleido | None = None
        self._opening: asyncio.Lock | None = None
        self._drawn: OrderedDict[str, bytes] = OrderedDict()

    def svgs(self, figures: Sequence[Figure]) -> list[bytes]:
        """Each figure as SVG, sized by its layout's width and height; in the given order."""
        keys = [_key(figure) for figure in figures]
        with self._lock:
            known = {key: self._drawn[key] for key in keys if key in self._drawn}
        missing = {k: f for k, f in zip(keys, figures, strict=True) if k not in known}
        if missing:
            try:
                drawn = self._submit(self._draw_all(list(missing.values()))).result(self._timeout)
            except Exception as error:
                # A crashed or hung browser is not reused: the next call starts a fresh one.
                self.close()
                raise ChartDrawingFailed(f"the charts could not be drawn: {error}") from error
            known.update(zip(missing, drawn, strict=True))
            with self._lock:
                for key in missing:
                    self._remember(key, known[key])
        return [known[key] for key in keys]

    def forget_drawn(self) -> None:
        """Draw every figure afresh from now on (the bench times a round's first report)."""
        with self._lock:
            self._drawn.clear()

    def _remember(self, key: str, svg: bytes) -> None:
        # The same figure is the same picture: a report downloaded again (or in the other
        # language, for the language-free figures) draws only what changed.
        self._drawn[key] = svg
        self._drawn.move_to_end(key)
        while len(self._drawn) > DRAWN_KEPT:
            self._drawn.popitem(last=False)

    def close(self) -> None:
        """Stop the browser and its thread (started again on the next call)."""
        with self._lock:
            loop, browser = self._loop, self._browser
            self._loop, self._browser, self._opening = None, None, None
        if loop is None:
            return
        if browser is not None:
            # A browser that will not close is left to exit with the process.
            with contextlib.suppress(Exception):
                asyncio.run_coroutine_threadsafe(browser.close(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)

    def _submit(self, coroutine: Any) -> Future[list[bytes]]:
        with self._lock:
            if self._loop is None:
                self._loop = asyncio.new_event_loop()
                thread = threading.Thread(
                    target=self._loop.run_forever, name="chart-drawer", daemon=True
                )
                thread.start()
            return asyncio.run_coroutine_threadsafe(coroutine, self._loop)

    async def _opened(self) -> kaleido.Kaleido:
        # Runs in the drawer's loop only; the lock opens one browser however many requests wait.
        self._opening = self._opening or asyncio.Lock()
        async with self._opening:
            if self._browser is None:
                self._browser = await self._launch()
            return self._browser

    async def _launch(self) -> kaleido.Kaleido:
        # Kaleido (and the `plotly` package it loads, ~23 MB) only once a report is drawn.
        import kaleido

        options: dict[str, Any] = {
            "n": self._tabs,
            "mathjax": False,
            "timeout": self._timeout,
            # Kaleido reloads its page after every figure: the dashboard's cartesian bundle (a
            # third of the full plotly.js, and all the charts need) makes each reload cheaper.
            "plotlyjs": str(PLOTLY_JS),
        }
        if self._browser_path:
            options["path"] = self._browser_path
        browser = kaleido.Kaleido(**options)
        await browser.open()
        return browser

    async def _draw_all(self, figures: Sequence[Figure]) -> list[bytes]:
        browser = await self._opened()
        drawn = [browser.calc_fig(figure, opts=_options(figure)) for figure in figures]
        return list(await asyncio.gather(*drawn))


def _key(figure: Figure) -> str:
    document = json.dumps(figure, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(document.encode()).hexdigest()


def _options(figure: Figure) -> dict[str, Any]:
    layout = figure.get("layout", {})
    return {"format": "svg", "width": layout.get("width", 700), "height": layout.get("height", 450)}


_shared: dict[str | None, ChartDrawer] = {}
_shared_lock = threading.Lock()


def shared_drawer(browser_path: str | None = None) -> ChartDrawer:
    """The process's drawer (one browser per process, whoever asks)."""
    with _shared_lock:
        if browser_path not in _shared:
            _shared[browser_path] = ChartDrawer(browser_path=browser_path)
        return _shared[browser_path]


def close_shared_drawers() -> None:
    with _shared_lock:
        drawers = list(_shared.values())
    for drawer in drawers:
        drawer.close()


atexit.register(close_shared_drawers)
