#!/usr/bin/env bash
# Deadline-day load test: 100 users for 60 s against the API served as in production
# (SIAGA_ENV=production, several uvicorn workers, PostgreSQL), then the per-request table.
#
#   bash bench/load/run.sh            (needs `pip install -e '.[bench]'` and PostgreSQL)
#
# Settings (environment): LOAD_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/
# siaga_load; replaced on every run by a copy of siaga_load_template, which is created and
# seeded with the national bench data on the first run: see prepare.py),
# LOAD_WORKERS (2), LOAD_USERS (100), LOAD_SPAWN_RATE (20), LOAD_DURATION (60s),
# LOAD_PORT (8796), LOAD_OUT (var/load: users, CSVs, server log, evidence store),
# LOAD_THINK (1,3: seconds each user waits between actions).
# Exits non-zero when a request failed or a read or edit missed p95 < 300 ms.
set -euo pipefail
cd "$(dirname "$0")/../.."

BIN=.venv/bin
OUT="${LOAD_OUT:-var/load}"
PORT="${LOAD_PORT:-8796}"
WORKERS="${LOAD_WORKERS:-2}"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"

# Production refuses the shipped secrets; these are thrown away with the run (the session
# tokens prepare.py writes are HMACs under this key, so both must see the same one).
export SIAGA_ENV=production
export SIAGA_DATABASE_URL="${LOAD_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/siaga_load}"
SIAGA_SECRET_KEY="$("$BIN/python" -c 'import secrets; print(secrets.token_hex(32))')"
SIAGA_DEMO_PASSWORD="$("$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(16))')"
export SIAGA_SECRET_KEY SIAGA_DEMO_PASSWORD
export SIAGA_STORAGE_DIR="$OUT/evidence"
# As in production: JSON lines at INFO, one access line per request (to the log file).
export SIAGA_LOG_LEVEL="${SIAGA_LOG_LEVEL:-INFO}"
export SIAGA_LOAD_USERS="$OUT/users.json"
rm -rf "$SIAGA_STORAGE_DIR"  # the evidence of the previous run, whose database is gone

"$BIN/python" bench/load/prepare.py --out "$SIAGA_LOAD_USERS"

"$BIN/siaga" serve --host 127.0.0.1 --port "$PORT" --workers "$WORKERS" \
    >"$OUT/server.log" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
    if "$BIN/python" -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$PORT/api/v1/readyz', timeout=2)" 2>/dev/null; then
        break
    fi
    kill -0 "$SERVER" 2>/dev/null || { cat "$OUT/server.log" >&2; exit 1; }
    sleep 0.3
done

"$BIN/python" bench/load/warmup.py "http://127.0.0.1:$PORT" "$SIAGA_LOAD_USERS"

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"
status=0
"$BIN/locust" -f bench/load/locustfile.py --headless --only-summary \
    -u "${LOAD_USERS:-100}" -r "${LOAD_SPAWN_RATE:-20}" -t "${LOAD_DURATION:-60s}" \
    --host "http://127.0.0.1:$PORT" --csv "$OUT/run" >"$OUT/locust.log" 2>&1 || status=$?
echo "load average after:  $(cut -d' ' -f1-3 /proc/loadavg)"
kill "$SERVER"
wait "$SERVER" 2>/dev/null || true
trap - EXIT
if [ "$status" -ne 0 ] && [ ! -s "$OUT/run_stats.csv" ]; then
    cat "$OUT/locust.log" >&2
    exit "$status"
fi
"$BIN/python" bench/load/report.py "$OUT/run"
