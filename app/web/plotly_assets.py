"""plotly.js served by the app itself (never a CDN): the vendored cartesian partial bundle.

The charts use only trace types of plotly.js's maintained cartesian bundle (scatter, heatmap),
vendored from the npm registry by scripts/vendor-plotly.sh with its checksum: a third of the
full bundle the `plotly` package ships, which stays selectable (Settings.plotly_bundle).

Under our Content-Security-Policy (no inline styles) plotly.js may not inject its own
<style> elements. It skips them when the page already has elements with the ids it checks,
so the page links a stylesheet built here from the rules inside plotly.js, under those ids.

What is derived from the script (its stylesheet, the guarded ids, a gzipped copy) is
made once per plotly.js version into files in a cache directory, and served from there:
a worker never holds the script, or its decoded text, in memory.
"""

import gzip
import hashlib
import importlib.util
import json
import mmap
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO

VENDORED_JS = Path(__file__).resolve().parents[1] / "static" / "vendor" / "plotly-cartesian.min.js"
BUNDLES = {
    "cartesian": VENDORED_JS,
    "full": Path(importlib.util.find_spec("plotly").origin or "").parent  # type: ignore[union-attr]
    / "package_data"
    / "plotly.min.js",
}
# What the cartesian bundle can draw (its package's README); tests hold the charts to it.
CARTESIAN_TRACES = frozenset(
    [
        "bar",
        "box",
        "contour",
        "heatmap",
        "histogram",
        "histogram2d",
        "histogram2dcontour",
        "image",
        "pie",
        "scatter",
        "scatterternary",
        "violin",
    ]
)
GLOBAL_STYLE_ID = "plotly.js-style-global"  # skipped when it has the class below
NO_INLINE_CLASS = "no-inline-styles"
_RULES_START = '{"X,X div":'
_RULE = re.compile(r'"((?:[^"\\]|\\.)*)":(?:"((?:[^"\\]|\\.)*)"|\'((?:[^\'\\]|\\.)*)\')')
# Bundled libraries (maplibre) add a <style> unless an element with this id exists.
_GUARDED_STYLE = (
    r'document\.getElementById\("([0-9a-f]{32,64})"\)\)\{var \w+=document\.createElement\("style"\)'
)
_CHUNK = 1 << 20  # the rules object is ~8 KB; a window of this size holds it whole


@dataclass(frozen=True, slots=True)
class PlotlyAssets:
    version: str  # content hash: URLs change whenever plotly.js does
    js_path: Path  # the script as installed
    js_gzip_path: Path  # the same, gzipped once into the cache directory
    css: bytes
    guarded_style_ids: tuple[str, ...]


def plotly_css(source: str) -> str:
    """The global rules plotly.js would insert at load, as a stylesheet."""
    start = source.index(_RULES_START)
    depth = 0
    for end in range(start, len(source)):
        depth += {"{": 1, "}": -1}.get(source[end], 0)
        if depth == 0:
            break
    rules = []
    for key, double_quoted, single_quoted in _RULE.findall(source[start + 1 : end]):
        # The same substitutions plotly.js applies before insertRule.
        selector = re.sub(r"^,", " ,", key)
        selector = selector.replace("X", ".js-plotly-plot .plotly").replace("Y", ".plotly-notifier")
        rules.append(f"{selector}{{{double_quoted or single_quoted}}}")
    return "\n".join(rules) + "\n"


def guarded_style_ids(source: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(re.findall(_GUARDED_STYLE, source)))


def default_cache_dir() -> Path:
    """The user's cache directory (XDG), where derived assets outlive the process."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "trustmeter" / "assets"


@lru_cache(maxsize=len(BUNDLES))
def plotly_assets(bundle: str = "cartesian") -> PlotlyAssets:
    script = BUNDLES[bundle]
    try:
        return derive_assets(script, default_cache_dir())
    except OSError:  # no writable home (a locked-down container): the temp dir will do
        return derive_assets(script, Path(tempfile.gettempdir()) / "trustmeter-assets")


def derive_assets(script: Path, cache_dir: Path) -> PlotlyAssets:
    """The assets of `script`, derived into `cache_dir` unless an earlier process did."""
    version = _file_hash(script)[:12]
    gzipped = cache_dir / f"plotly-{version}.min.js.gz"
    derived = cache_dir / f"plotly-{version}.json"
    if not (gzipped.exists() and derived.exists()):
        cache_dir.mkdir(parents=True, exist_ok=True)
        _write_atomically(gzipped, lambda out: _gzip_into(script, out))
        css, ids = _derive_from(script)
        found = json.dumps({"css": css, "guarded_style_ids": ids}).encode()
        _write_atomically(derived, lambda out: out.write(found))
    meta = json.loads(derived.read_bytes())
    return PlotlyAssets(
        version=version,
        js_path=script,
        js_gzip_path=gzipped,
        css=meta["css"].encode(),
        guarded_style_ids=tuple(meta["guarded_style_ids"]),
    )


def _file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _derive_from(script: Path) -> tuple[str, list[str]]:
    """The stylesheet and the guarded ids, read through a map of the file (never decoded
    whole: only the rules object is turned into text)."""
    with script.open("rb") as source, mmap.mmap(source.fileno(), 0, access=mmap.ACCESS_READ) as m:
        start = m.find(_RULES_START.encode())
        if start < 0:
            raise ValueError(f"{script} holds no stylesheet rules where plotly.js keeps them")
        window = m[start : start + _CHUNK].decode("utf-8", errors="replace")
        ids = [match.decode() for match in re.findall(_GUARDED_STYLE.encode(), m)]
    return plotly_css(window), list(dict.fromkeys(ids))


def _gzip_into(script: Path, out: BinaryIO) -> None:
    with script.open("rb") as source, gzip.GzipFile(fileobj=out, mode="wb", mtime=0) as packed:
        shutil.copyfileobj(source, packed, _CHUNK)


def _write_atomically(path: Path, write: Callable[[BinaryIO], object]) -> None:
    """Write through a temporary file and rename it, so another worker deriving the same
    assets at the same time never reads a half-written file."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            write(out)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def page_context(bundle: str = "cartesian") -> dict[str, Any]:
    """What a page's plotly_head/plotly_scripts includes need."""
    assets = plotly_assets(bundle)
    return {
        "js_url": f"/vendor/plotly-{assets.version}.min.js",
        "css_url": f"/vendor/plotly-{assets.version}.css",
        "global_id": GLOBAL_STYLE_ID,
        "no_inline_class": NO_INLINE_CLASS,
        "guarded_ids": assets.guarded_style_ids,
    }
