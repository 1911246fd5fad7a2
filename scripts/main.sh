#!/usr/bin/env bash
# The main job: build the graph (load, reason, validate), export it for partners and draw the
# network, all into out/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/forcegraph build --graph graph --out out
.venv/bin/forcegraph export --graph graph --profile partner --output out/forcegraph-partner.ttl
.venv/bin/forcegraph network draw --graph graph --out out
ls out
