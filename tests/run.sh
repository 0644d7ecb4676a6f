#!/usr/bin/env bash
# Install everything the tests need, then run them all: bash tests/run.sh [pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian's Chromium drives the browser tests and kaleido's PNG exports (no browser download).
if [ ! -x /usr/bin/chromium ]; then
  echo "installing Debian chromium for the browser tests ..."
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

PYTHON="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.txt -r requirements-dev.txt

.venv/bin/python -m ruff check .
.venv/bin/python -m pytest "$@"
