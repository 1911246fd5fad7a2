#!/usr/bin/env bash
# Sets up everything forcegraph needs on a fresh Debian machine: its own .venv with the package
# and test dependencies; with --browser, Debian's Chromium and ChromeDriver for the browser tests;
# with --jena, Debian's Apache Jena and OWL API and npm's jsonld.js for the partner tests
# (scripts/jena, scripts/owl-dl-check). Safe to run again: it only installs what is missing.
# Says what it does, a line a step.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { echo "setup: $*" >&2; }
want() { case " $* " in *" $flag "*) return 0 ;; esac; return 1; }
args="$*"
sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
if flag=--browser want $args && ! { command -v chromium && command -v chromedriver; } >/dev/null 2>&1; then
  step "updating Debian's package lists"
  $sudo apt-get update -qq
  step "installing chromium and chromium-driver from Debian"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium chromium-driver >/dev/null
fi
if flag=--jena want $args && [ ! -f /usr/share/java/jena-cmds.jar -o ! -f /usr/share/java/owlapi-distribution.jar ]; then
  step "updating Debian's package lists"
  $sudo apt-get update -qq
  step "installing libapache-jena-java (Apache Jena 4.5: riot, arq, shacl, tdb2) and libowlapi-java from Debian"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq libapache-jena-java libowlapi-java >/dev/null
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
if flag=--jena want $args && [ ! -d .venv/jena-resources/xerces ]; then
  # Debian's jena-core moves Jena's copy of Xerces to the package `xerces` but leaves its message
  # files under org/apache/jena/ext/xerces, so every XSD datatype fails to start ("internal
  # error"); scripts/jena puts a copy where the classes look first on its class path.
  step "copying Jena's Xerces message files to .venv/jena-resources"
  tmp="$(mktemp -d)"
  (cd "$tmp" && unzip -q /usr/share/java/jena-core.jar 'org/apache/jena/ext/xerces/*.properties')
  mkdir -p .venv/jena-resources
  mv "$tmp/org/apache/jena/ext/xerces" .venv/jena-resources/xerces && rm -rf "$tmp"
fi
if flag=--jena want $args && [ ! -d .venv/node/node_modules/jsonld ]; then
  step "installing jsonld.js (npm) into .venv/node for the partner tests"
  npm install --silent --no-audit --no-fund --prefix .venv/node jsonld@8 >/dev/null
fi
step "done: .venv/bin/forcegraph $(.venv/bin/forcegraph --version | cut -d' ' -f3)"
