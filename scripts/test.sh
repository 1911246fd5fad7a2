#!/usr/bin/env bash
# Sets up and runs the whole test suite: on every core (pytest-xdist; tests in one xdist_group,
# such as the partner tests that share one Jena store, stay on one worker), then, alone, the tests
# marked `timing` (they assert how soon the server answers, which a parallel test's load would
# change). Arguments go to pytest, e.g. `bash scripts/test.sh tests/test_cli.py -x`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --browser --jena
none=5  # pytest's exit code when the arguments choose no test of that kind
.venv/bin/python -m pytest -q -n auto --dist loadgroup -m "not timing" "$@" || [ $? -eq $none ]
.venv/bin/python -m pytest -q -m timing "$@" || [ $? -eq $none ]
