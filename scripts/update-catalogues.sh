#!/usr/bin/env bash
# Re-extract the "messages" domain and merge it into app/locale/{nl,en}; then translate the
# new Dutch entries in app/locale/nl/LC_MESSAGES/messages.po (English is the source language).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
pot=$(mktemp --suffix=.pot)
trap 'rm -f "$pot"' EXIT
"$BIN/pybabel" extract -F babel.cfg -k N_ --no-location --sort-output \
  --project=Trustmeter --copyright-holder=Trustmeter -o "$pot" .
"$BIN/pybabel" update -i "$pot" -d app/locale -D messages --no-fuzzy-matching \
  --ignore-obsolete
