#!/usr/bin/env bash
# Dashboard budget and speed: the gzipped JavaScript of the initial route (budget 250 KB,
# ECharts must stay out of it) and the time to a usable dashboard on loopback with the
# demo data, against the same SPA shell showing its data-free intro page in the same run.
#   bash bench/dashboard.sh        (needs `make setup` and Debian's chromium)
set -euo pipefail
cd "$(dirname "$0")/../frontend"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
npm run build >/dev/null
node scripts/measure-bundle.mjs --json | node -e '
  const m = JSON.parse(require("fs").readFileSync(0, "utf8"));
  const budget = 250 * 1024;
  console.log(JSON.stringify({
    initial_route_js_gzip_kb: m.dashboard_route_js_gzip_kb,
    budget_kb: 250,
    ratio_to_budget: +(m.dashboard_route_js_gzip / budget).toFixed(3),
    echarts_chunk_gzip_kb: m.echarts.gzip_kb,
    echarts_in_initial_route: m.echarts.in_initial_route,
  }, null, 2));'
E2E_PORT="${E2E_PORT:-8795}" npx playwright test e2e/dashboard-perf.spec.ts 2>&1 | grep -E "dashboard (time-to-usable|baseline)|passed|failed"
