#!/usr/bin/env bash
# Vendor plotly.js's maintained cartesian partial bundle (scatter, heatmap, bar, box, ... — every
# trace type the charts use) from the npm registry, at the plotly.js version of the installed
# `plotly` Python package, into app/static/vendor/ with its licence and a SHA-256 checksum.
#   scripts/vendor-plotly.sh          fetch and write (after upgrading `plotly`)
#   scripts/vendor-plotly.sh --check  fetch again and fail unless the committed file is identical
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}
PACKAGE=plotly.js-cartesian-dist-min
FILE=plotly-cartesian.min.js
DEST=app/static/vendor
version=$("$PYTHON" -c 'from plotly.offline import get_plotlyjs_version as v; print(v())')
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# npm pack checks the tarball against the registry's integrity hash (sha512) before writing it.
(cd "$work" && npm pack --silent --registry=https://registry.npmjs.org/ "$PACKAGE@$version" >/dev/null)
tar -xzf "$work/$PACKAGE-$version.tgz" -C "$work" "package/$FILE" package/LICENSE
if ! head -c 200 "$work/package/$FILE" | grep -q "v$version"; then
  echo "the bundle in $PACKAGE@$version does not announce plotly.js v$version" >&2
  exit 1
fi
if [[ "${1:-}" == "--check" ]]; then
  cmp "$work/package/$FILE" "$DEST/$FILE"
  (cd "$DEST" && sha256sum --check --quiet "$FILE.sha256")
  echo "$DEST/$FILE is $PACKAGE@$version from the npm registry"
  exit 0
fi
mkdir -p "$DEST"
install -m 644 "$work/package/$FILE" "$DEST/$FILE"
install -m 644 "$work/package/LICENSE" "$DEST/plotly-LICENSE"
(cd "$DEST" && sha256sum "$FILE" > "$FILE.sha256")
echo "vendored $PACKAGE@$version: $(cat "$DEST/$FILE.sha256")"
