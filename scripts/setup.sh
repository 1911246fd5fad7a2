#!/usr/bin/env bash
# Sets up everything forcegraph needs on a fresh Debian machine: its own .venv with the package
# and test dependencies. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
# Not editable: the tests exercise the installed package, which must find its own data files.
.venv/bin/python -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps .
.venv/bin/python -m pip install --quiet --disable-pip-version-check ".[test]"
