#!/usr/bin/env bash
# Sets up everything forcegraph needs on a fresh Debian machine: its own .venv with the package
# and test dependencies, and (with --browser) Debian's Chromium and ChromeDriver for the browser
# tests. Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--browser" ] && ! { command -v chromium && command -v chromedriver; } >/dev/null 2>&1; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium chromium-driver >/dev/null
fi
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
pip() { .venv/bin/python -m pip --quiet --disable-pip-version-check "$@"; }
pip install --upgrade pip
# Not editable: the tests exercise the installed package, which must find its own data files.
pip install ".[test]"
pip install --force-reinstall --no-deps .
