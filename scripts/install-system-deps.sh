#!/usr/bin/env bash
# Debian packages Trustmeter needs, installed only when missing:
#   python  — venv support for `make` to create .venv
#   all     — also make, PostgreSQL server binaries and headless Chromium (the tests run
#             against both for real; Chromium also draws the PDF report's charts), the fonts
#             the browser tests and the report render with, Pango (WeasyPrint lays out the
#             report with it), and the sqlite3 shell (the README's backup commands are tested).
# Usage: install-system-deps.sh [python|all]   (default: all)
set -euo pipefail
want="${1:-all}"
missing=()
python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || missing+=(python3-venv)
if [ "$want" = "all" ]; then
  command -v make >/dev/null 2>&1 || missing+=(make)
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v sqlite3 >/dev/null 2>&1 || missing+=(sqlite3)
  fc-list 2>/dev/null | grep -qi dejavu || missing+=(fonts-dejavu-core fontconfig)
  ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
fi
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "Installing Debian packages: ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
