"""plotly.js's derived assets: made once into a cache directory, served from files with ETags."""

import gzip
import hashlib
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from plotly.offline import get_plotlyjs_version

from app.main import create_app
from app.web import plotly_assets as module
from app.web.plotly_assets import (
    BUNDLES,
    VENDORED_JS,
    derive_assets,
    guarded_style_ids,
    plotly_assets,
    plotly_css,
)
from tests.conftest import make_settings

# The full bundle: the one with guarded <style> ids (maplibre) to find as well.
PLOTLY_JS = BUNDLES["full"]


def test_derived_assets_match_what_the_whole_decoded_script_gives(tmp_path: Path) -> None:
    assets = derive_assets(PLOTLY_JS, tmp_path)
    source = PLOTLY_JS.read_text(encoding="utf-8")
    assert assets.css.decode() == plotly_css(source)
    assert assets.guarded_style_ids == guarded_style_ids(source)
    assert gzip.decompress(assets.js_gzip_path.read_bytes()) == PLOTLY_JS.read_bytes()
    assert assets.js_gzip_path.parent == tmp_path


def test_a_second_process_reads_the_cache_instead_of_deriving_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = derive_assets(PLOTLY_JS, tmp_path)

    def must_not_derive(script: Path) -> None:
        raise AssertionError(f"derived {script} again")

    monkeypatch.setattr(module, "_derive_from", must_not_derive)
    monkeypatch.setattr(module, "_gzip_into", must_not_derive)
    assert derive_assets(PLOTLY_JS, tmp_path) == first


def test_another_plotly_script_gets_another_version_and_files(tmp_path: Path) -> None:
    script = tmp_path / "plotly.min.js"
    script.write_bytes(PLOTLY_JS.read_bytes() + b"\n// patched\n")
    cache = tmp_path / "cache"
    installed, patched = derive_assets(PLOTLY_JS, cache), derive_assets(script, cache)
    assert installed.version != patched.version
    assert installed.js_gzip_path != patched.js_gzip_path
    assert gzip.decompress(patched.js_gzip_path.read_bytes()).endswith(b"// patched\n")
    assert not list(cache.glob("*.tmp"))  # written through temporary files, all renamed


def test_a_script_without_the_stylesheet_rules_is_refused(tmp_path: Path) -> None:
    script = tmp_path / "plotly.min.js"
    script.write_bytes(b"var nothing = 1;")
    with pytest.raises(ValueError, match="no stylesheet rules"):
        derive_assets(script, tmp_path / "cache")


@pytest.mark.parametrize(
    ("accept_encoding", "encoding", "etag_suffix"),
    [("identity", None, ""), ("gzip, deflate", "gzip", "-gzip")],
)
def test_the_script_answers_with_an_etag_per_encoding_and_304_when_it_matches(
    client: TestClient, accept_encoding: str, encoding: str | None, etag_suffix: str
) -> None:
    version = plotly_assets().version
    url = f"/vendor/plotly-{version}.min.js"
    headers = {"Accept-Encoding": accept_encoding}
    first = client.get(url, headers=headers)
    assert first.status_code == 200
    assert first.headers.get("content-encoding") == encoding
    assert first.headers["etag"] == f'"{version}{etag_suffix}"'
    assert first.content == VENDORED_JS.read_bytes()  # httpx unpacks a gzipped answer
    again = client.get(url, headers={**headers, "If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    other = f'"{version}{"" if etag_suffix else "-gzip"}"'
    assert client.get(url, headers={**headers, "If-None-Match": other}).status_code == 200


def test_the_vendored_bundle_is_the_checked_one_of_the_installed_plotly_version() -> None:
    recorded, name = (VENDORED_JS.parent / f"{VENDORED_JS.name}.sha256").read_text().split()
    assert name == VENDORED_JS.name
    assert hashlib.sha256(VENDORED_JS.read_bytes()).hexdigest() == recorded
    # After upgrading `plotly`, scripts/vendor-plotly.sh fetches the matching bundle.
    header = VENDORED_JS.read_bytes()[:200].decode()
    assert f"plotly.js (cartesian - minified) v{get_plotlyjs_version()}" in header


def test_the_cartesian_bundle_is_served_by_default_and_its_styles_derived(
    client: TestClient,
) -> None:
    assets = plotly_assets()
    assert assets.js_path == VENDORED_JS
    assert assets.version != plotly_assets("full").version
    source = VENDORED_JS.read_text(encoding="utf-8")
    assert assets.guarded_style_ids == guarded_style_ids(source)
    assert assets.css.decode() == plotly_css(source)
    css = client.get(f"/vendor/plotly-{assets.version}.css")
    assert css.status_code == 200 and ".js-plotly-plot .plotly .modebar" in css.text


def test_a_server_set_to_the_full_bundle_serves_only_that_one(database_url: str) -> None:
    app = create_app(make_settings(database_url, plotly_bundle="full"))
    with TestClient(app) as client:
        full = client.get(f"/vendor/plotly-{plotly_assets('full').version}.min.js")
        assert full.status_code == 200 and full.content == PLOTLY_JS.read_bytes()
        other = client.get(f"/vendor/plotly-{plotly_assets().version}.min.js")
        assert other.status_code == 404
