#!/usr/bin/env bash
# Until the first release the schema lives in one revision, regenerated from app.models.
# After a release, add revisions with `alembic revision --autogenerate` instead.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
rm -f migrations/versions/0001_initial_schema.py
TRUSTMETER_DATABASE_URL="sqlite:///$tmp/gen.db" .venv/bin/alembic revision --autogenerate \
  -m "initial schema" --rev-id 0001 >/dev/null
sed -i '/^Create Date:/d' migrations/versions/0001_initial_schema.py
.venv/bin/ruff format -q migrations/versions/0001_initial_schema.py || true
rm -rf "$tmp"
echo "migrations/versions/0001_initial_schema.py regenerated"
