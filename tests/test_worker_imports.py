"""What a server worker loads at start: heavy libraries only rare paths need stay out of it."""

import json
import os
import subprocess
import sys
from pathlib import Path

# Per worker: numpy + scipy.special ~45 MB, httpx ~18 MB, WeasyPrint ~40 MB, kaleido + plotly
# ~23 MB; pandas/openpyxl for exports; alembic for migrations (run by `trustmeter migrate` and
# by `serve` before the workers start).
LAZY = ("numpy", "scipy", "httpx", "pandas", "openpyxl", "alembic")
LAZY += ("plotly", "kaleido", "weasyprint")
PROBE = "import json, sys; import app.asgi; print(json.dumps(sorted(sys.modules)))"


def test_a_worker_starts_without_the_libraries_only_rare_paths_need(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("TRUSTMETER_")}
    env["TRUSTMETER_DATABASE_URL"] = f"sqlite:///{tmp_path / 'probe.db'}"
    root = Path(__file__).resolve().parents[1]
    found = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=root, env=env, capture_output=True, text=True, check=True
    )
    loaded = {name.split(".")[0] for name in json.loads(found.stdout.splitlines()[-1])}
    assert "fastapi" in loaded  # the probe did build the app
    assert sorted(loaded & set(LAZY)) == []
