#!/usr/bin/env bash
# The whole check: lint, type check of the non-UI layers, and every test (GUI tests on
# Qt's offscreen platform). CI runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export QT_QPA_PLATFORM=offscreen LANG=${LANG:-C.UTF-8}
.venv/bin/python -m ruff check .
.venv/bin/python -m mypy
.venv/bin/python -m pytest -q "$@"
