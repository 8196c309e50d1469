#!/usr/bin/env bash
# Run every test: data, importer, validator, build, site, and the browser and accessibility
# checks in the system Chromium. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m pytest -p no:cacheprovider "$@"
