#!/usr/bin/env bash
# Starts a throwaway Siaga backend for the browser end-to-end tests
# (frontend/playwright.config.ts): a fresh SQLite database seeded with the demo
# data, evidence in a temporary folder, serving the built SPA on
# http://127.0.0.1:${E2E_PORT:-8765}. Build the SPA first (`npm run build`).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
siaga="$root/.venv/bin/siaga"

if [[ ! -x "$siaga" ]]; then
  echo "e2e-server: $siaga not found; install the backend first (make setup)." >&2
  exit 2
fi
if [[ ! -f "$root/frontend/dist/index.html" ]]; then
  echo "e2e-server: frontend/dist is missing; run \`npm run build\` in frontend/ first." >&2
  exit 2
fi

# Leftovers of earlier runs (the server is killed, so it cannot clean up after itself).
find "${TMPDIR:-/tmp}" -maxdepth 1 -name 'siaga-e2e.*' -mmin +60 -exec rm -rf {} + 2>/dev/null || true
tmp="$(mktemp -d "${TMPDIR:-/tmp}/siaga-e2e.XXXXXX")"
export SIAGA_DATABASE_URL="sqlite:///$tmp/e2e.db"
export SIAGA_STORAGE_DIR="$tmp/evidence"
export SIAGA_ENV=development
mkdir -p "$SIAGA_STORAGE_DIR"

cd "$root"
"$siaga" migrate
"$siaga" seed demo
echo "e2e-server: data in $tmp" >&2
exec "$siaga" serve --port "${E2E_PORT:-8765}"
