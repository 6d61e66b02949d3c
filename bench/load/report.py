"""The load test's table from locust's CSV: per request type count, failures, p50/p95/p99,
throughput, and p95 as a multiple of the bare /healthz baseline measured in the same run.

    .venv/bin/python bench/load/report.py PREFIX   (PREFIX_stats.csv, PREFIX_failures.csv)

Exits 1 when a request failed or a read or edit missed the p95 target.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

TARGET_P95_MS = 300.0
# Request groups the target applies to (see the names in locustfile.py).
TARGETED = ("[read]", "[edit]")
BASELINE = "[baseline] GET /healthz"


def _ms(value: str) -> float:
    return float(value) if value not in ("", "N/A") else float("nan")


def main(prefix: str) -> int:
    with Path(f"{prefix}_stats.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    by_name = {r["Name"]: r for r in rows}
    base = by_name.get(BASELINE)
    base_p95 = _ms(base["95%"]) if base else float("nan")
    print("| request | count | failures | p50 ms | p95 ms | p99 ms | req/s | p95 / baseline |")
    print("|---|---|---|---|---|---|---|---|")
    missed: list[str] = []
    for r in sorted(rows, key=lambda r: (r["Name"] == "Aggregated", r["Name"])):
        name = r["Name"] if r["Name"] == "Aggregated" else f"{r['Type']} {r['Name']}"
        name = name.replace(f"{r['Type']} [", "[", 1) if r["Name"].startswith("[") else name
        p95 = _ms(r["95%"])
        ratio = p95 / base_p95 if base_p95 and base_p95 == base_p95 else float("nan")
        print(
            f"| {name} | {r['Request Count']} | {r['Failure Count']} | {_ms(r['50%']):.0f} "
            f"| {p95:.0f} | {_ms(r['99%']):.0f} | {float(r['Requests/s']):.1f} | {ratio:.1f} |"
        )
        if r["Name"].startswith(TARGETED) and p95 >= TARGET_P95_MS:
            missed.append(f"{r['Name']} (p95 {p95:.0f} ms)")
    failures = sum(int(r["Failure Count"]) for r in rows if r["Name"] != "Aggregated")
    failures_csv = Path(f"{prefix}_failures.csv")
    if failures and failures_csv.exists():
        print("\nFailures:")
        with failures_csv.open(encoding="utf-8", newline="") as handle:
            for f in csv.DictReader(handle):
                print(f"  {f['Occurrences']} x {f['Method']} {f['Name']}: {f['Error'][:300]}")
    print(
        f"\nTarget (no errors, p95 < {TARGET_P95_MS:.0f} ms for reads and edits): "
        + ("met" if not failures and not missed else "MISSED")
    )
    for m in missed:
        print(f"  over target: {m}")
    if failures:
        print(f"  failed requests: {failures}")
    return 0 if not failures and not missed else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
