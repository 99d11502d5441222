#!/usr/bin/env bash
# Sets up everything the test suite needs on a fresh machine, then runs it.
# Usage: bash scripts/test.sh [pytest args...]
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
if ! .venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]' > .venv/install.log 2>&1; then
    grep -v "is ignored: it is neither a file nor a directory" .venv/install.log >&2
    exit 1
fi

# Headless Chromium and its driver, to check the HTML pages the way a person sees and uses them.
if ! { command -v chromium && command -v chromedriver; } >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Chromium (Debian package) for the preview tests…" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null
fi

# The real Bluesky PDS for the integration tests (cached in .cache/pds).
if [ -f scripts/pds/install.sh ]; then
    bash scripts/pds/install.sh
fi

# Lint and format first: zero findings (configuration in pyproject.toml).
.venv/bin/ruff check --quiet .
.venv/bin/ruff format --check --quiet .

exec .venv/bin/python -m pytest "$@"
