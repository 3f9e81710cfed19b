"""plotly.js from the installed `plotly` package, served by the app itself (never a CDN).

Under our Content-Security-Policy (no inline styles) plotly.js may not inject its own
<style> elements. It skips them when the page already has elements with the ids it checks,
so the page links a stylesheet built here from the rules inside plotly.js, under those ids.
"""

import gzip
import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import plotly

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
GLOBAL_STYLE_ID = "plotly.js-style-global"  # skipped when it has the class below
NO_INLINE_CLASS = "no-inline-styles"
_RULES_START = '{"X,X div":'
_RULE = re.compile(r'"((?:[^"\\]|\\.)*)":(?:"((?:[^"\\]|\\.)*)"|\'((?:[^\'\\]|\\.)*)\')')
# Bundled libraries (maplibre) add a <style> unless an element with this id exists.
_GUARDED_STYLE = re.compile(
    r'document\.getElementById\("([0-9a-f]{32,64})"\)\)\{var \w+=document\.createElement\("style"\)'
)


@dataclass(frozen=True, slots=True)
class PlotlyAssets:
    version: str  # content hash: URLs change whenever plotly.js does
    js: bytes
    js_gzip: bytes
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
    return tuple(dict.fromkeys(_GUARDED_STYLE.findall(source)))


@lru_cache(maxsize=1)
def plotly_assets() -> PlotlyAssets:
    js = PLOTLY_JS.read_bytes()
    source = js.decode("utf-8")
    return PlotlyAssets(
        version=hashlib.sha256(js).hexdigest()[:12],
        js=js,
        js_gzip=gzip.compress(js, compresslevel=6, mtime=0),
        css=plotly_css(source).encode(),
        guarded_style_ids=guarded_style_ids(source),
    )
