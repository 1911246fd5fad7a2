#!/usr/bin/env bash
# Sets up everything forcegraph needs on a fresh Debian machine: its own .venv with the package
# and test dependencies, and (with --browser) Debian's Chromium and ChromeDriver for the browser
# tests. Safe to run again: it only installs what is missing. Says what it does, a line a step.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { echo "setup: $*" >&2; }
if [ "${1:-}" = "--browser" ] && ! { command -v chromium && command -v chromedriver; } >/dev/null 2>&1; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  step "updating Debian's package lists"
  $sudo apt-get update -qq
  step "installing chromium and chromium-driver from Debian"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium chromium-driver >/dev/null
fi
if [ ! -x .venv/bin/python ]; then
  step "creating .venv"
  python3 -m venv .venv
fi
pip() { .venv/bin/python -m pip --quiet --disable-pip-version-check "$@"; }
step "upgrading pip in .venv"
pip install --upgrade pip
# Not editable: the tests exercise the installed package, which must find its own data files.
step "installing forcegraph's dependencies and test tools into .venv (a few minutes the first time)"
pip install ".[test]"
step "installing forcegraph itself from this checkout"
pip install --force-reinstall --no-deps .
step "done: .venv/bin/forcegraph $(.venv/bin/forcegraph --version | cut -d' ' -f3)"
