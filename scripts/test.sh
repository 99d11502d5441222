#!/usr/bin/env bash
# Sets up everything the test suite needs on a fresh machine, then runs it.
# Usage: bash scripts/test.sh [pytest args...]
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]' 2>&1 \
    | grep -v "is ignored: it is neither a file nor a directory" || true

# The real Bluesky PDS for the integration tests (cached in .cache/pds).
if [ -f scripts/pds/install.sh ]; then
    bash scripts/pds/install.sh
fi

exec .venv/bin/python -m pytest "$@"
