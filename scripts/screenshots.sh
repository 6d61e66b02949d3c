#!/usr/bin/env bash
# Regenerates the README's screenshots: the phone ones (docs/screenshots/phone-*.png)
# and the desktop dashboard at the top (docs/screenshot-dashboard.png).
#
# Builds the SPA and runs frontend/e2e/screenshots.spec.ts, which signs in as each
# demo role and saves full-page pictures of the main pages at 1366 px and 390 px
# under frontend/test-results/screenshots/<width>/<role>-<page>.png (CI keeps that
# folder as an artefact). A few pictures are then copied into docs/, cut to the first
# screens and reduced to 256 colours so that the repository stays small. Needs
# `make setup` and chromium, like the other browser tests.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root/frontend"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
npm run build
npx playwright test e2e/screenshots.spec.ts

mkdir -p "$root/docs/screenshots"
"$root/.venv/bin/python" - "$root" <<'PY'
import sys
from pathlib import Path

from PIL import Image

root = Path(sys.argv[1])
pictures = root / "frontend/test-results/screenshots"
# File in docs/ -> (picture taken by screenshots.spec.ts, height kept in pixels).
chosen = {
    "screenshots/phone-dashboard.png": ("390/viewer-dashboard", 2 * 844),
    "screenshots/phone-region.png": ("390/viewer-region", 2 * 844),
    "screenshots/phone-tasks.png": ("390/operator-tasks", 2 * 844),
    "screenshots/phone-menu.png": ("390/admin-menu", 844),
    "screenshots/phone-periods.png": ("390/admin-periods", 2 * 844),
    "screenshots/phone-profile.png": ("390/admin-profile", 2 * 844),
    "screenshots/phone-report.png": ("390/coordinator-report", 2 * 844),
    "screenshots/phone-reports.png": ("390/verifier-reports", 2 * 844),
    "screenshots/phone-incident-new.png": ("390/coordinator-incident-new", 2 * 844),
    "screenshots/phone-incident.png": ("390/verifier-incident", 2 * 844),
    "screenshots/phone-notifications.png": ("390/verifier-notifications", 844),
    "screenshots/desktop-incidents.png": ("1366/verifier-incidents", 900),
    "screenshot-dashboard.png": ("1366/viewer-dashboard", 1000),
}
for name, (picture, height) in chosen.items():
    image = Image.open(pictures / f"{picture}.png").convert("RGB")
    image = image.crop((0, 0, image.width, min(image.height, height)))
    out = root / "docs" / name
    image.quantize(colors=256).save(out, optimize=True)
    print(f"{out.relative_to(root)}: {image.width}x{image.height}, {out.stat().st_size // 1024} KB")
PY
