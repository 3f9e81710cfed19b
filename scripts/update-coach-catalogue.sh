#!/usr/bin/env bash
# Re-extract the "coach" domain and merge it into app/locale/{nl,en}; then translate the new
# Dutch entries in app/locale/nl/LC_MESSAGES/coach.po (English is the source language).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
pot=$(mktemp --suffix=.pot)
trap 'rm -f "$pot"' EXIT
"$BIN/pybabel" extract -F babel-coach.cfg --no-location --sort-output \
  --project=Trustmeter --copyright-holder=Trustmeter -o "$pot" .
for language in nl en; do
  if [ -f "app/locale/$language/LC_MESSAGES/coach.po" ]; then
    "$BIN/pybabel" update -i "$pot" -d app/locale -D coach -l "$language" --no-fuzzy-matching \
      --ignore-obsolete
  else
    "$BIN/pybabel" init -i "$pot" -d app/locale -D coach -l "$language"
  fi
done
