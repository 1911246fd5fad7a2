#!/usr/bin/env bash
# The main job: build the graph (load, reason, validate) and write everything to out/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/forcegraph build --graph graph --out out
