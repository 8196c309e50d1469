#!/usr/bin/env bash
# Build the site from the bundled data (site_data/) and serve it on http://127.0.0.1:8000/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m generator serve "$@"
