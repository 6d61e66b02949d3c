"""Benchmark: GET /api/v1/scores on national data (552 Pemda, ~60,000 answers) on PostgreSQL.

Everything is measured in one run, because the machine is noisy and only ratios carry:
- the API through the real HTTP stack (uvicorn on loopback, httpx, a national admin's
  session token): the national table, one province's, one Pemda's explanation, and a
  conditional GET answered 304;
- one hand-written SQL query (scoring.md, written independently of the repository's)
  computing the same per-Pemda numbers, run directly with asyncpg; its R values are
  checked against the API's;
- a bare FastAPI endpoint returning a constant JSON body as large as the national one.

    .venv/bin/python bench/scores.py [--database-url postgresql://...] [-n 50] [--profile]

The database is created, migrated and seeded (siaga.seed.bench) when it has no answers.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from siaga.core import migrations
from siaga.core.database import create_engine, create_sessionmaker, session_scope
from siaga.core.security import hash_password, new_token, token_digest
from siaga.core.settings import Settings, normalise_database_url
from siaga.core.types import utcnow
from siaga.main import create_app
from siaga.models import AuthSession, Role, Submission, User
from siaga.seed.bench import read_regions_csv, seed_bench

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/siaga_bench"
DEFAULT_CSV = Path(__file__).resolve().parents[2] / "shared/data/wilayah/regions-kabkota.csv"
PERIOD = "2023-Q3"
PROVINCE = "64"
PEMDA = "64.72"
BENCH_USER = "bench.admin"

# The readiness table of one period, written by hand from docs/scoring.md (official view:
# only verified answers count), independently of the repository's SQL builder, and as fast
# as we know how: numerators from the answers alone, denominators per region level.
# $1 = period code, $2 = region code of the subtree or NULL. With $3 = true it returns
# every number of the API's table (also D per dimension, R in the previous period and the
# Pemda's report: state, receipt, on time): the baseline of the target. With $3 = false
# only R, category, completeness, verification rate, timeliness and rank (reported for
# comparison).
HAND_SQL = """
WITH cur AS (
    SELECT id, framework_id, start_date FROM periods WHERE code = $1
), prev AS (
    SELECT p.id FROM periods p, cur
    WHERE $3 AND p.framework_id = cur.framework_id AND p.start_date < cur.start_date
    ORDER BY p.start_date DESC LIMIT 1
), chosen AS (
    SELECT id, framework_id FROM periods WHERE id IN (SELECT id FROM cur UNION SELECT id FROM prev)
), pemda AS (
    SELECT id, code, level FROM regions
    WHERE $2::text IS NULL OR code = $2 OR code LIKE $2 || '.%'
), applicable AS (
    -- Denominators depend only on the level: sum of weights and count per dimension.
    SELECT c.id AS period_id, lv.level, i.dimension_id, sum(i.weight) AS w, count(*) AS n
    FROM chosen c
    JOIN indicators i ON i.framework_id = c.framework_id
    JOIN (VALUES ('province'), ('regency'), ('city')) AS lv(level)
      ON (lv.level = 'province' AND i.applies_province)
      OR (lv.level = 'regency' AND i.applies_regency)
      OR (lv.level = 'city' AND i.applies_city)
    GROUP BY c.id, lv.level, i.dimension_id
), answers AS (
    -- Numerators from the answers alone: an unanswered indicator adds 0.
    SELECT s.period_id, s.region_id, i.dimension_id,
           sum(i.weight * CASE WHEN s.status = 'verified' AND s.value IS NOT NULL THEN
               CASE i.answer_type
                   WHEN 'level' THEN s.value * 25.0
                   WHEN 'yes_no' THEN s.value * 100.0
                   WHEN 'percent' THEN s.value
                   ELSE CASE WHEN s.value >= i.target THEN 100.0
                             ELSE s.value * 100.0 / i.target END
               END
           ELSE 0.0 END) AS ws,
           count(*) FILTER (WHERE s.status IN ('submitted', 'verified')) AS answered,
           count(*) FILTER (WHERE s.status = 'verified') AS verified,
           count(*) FILTER (WHERE s.first_submitted_at IS NOT NULL) AS ever_submitted,
           count(*) FILTER (WHERE s.first_submitted_at IS NOT NULL AND NOT s.is_late) AS timely
    FROM submissions s
    JOIN chosen c ON c.id = s.period_id
    JOIN indicators i ON i.id = s.indicator_id AND i.framework_id = c.framework_id
    JOIN pemda r ON r.id = s.region_id
    WHERE (r.level = 'province' AND i.applies_province)
       OR (r.level = 'regency' AND i.applies_regency)
       OR (r.level = 'city' AND i.applies_city)
    GROUP BY s.period_id, s.region_id, i.dimension_id
), dims AS (
    SELECT a.period_id, r.id AS region_id, a.dimension_id,
           coalesce(x.ws, 0) / a.w AS d, a.n,
           coalesce(x.answered, 0) AS answered, coalesce(x.verified, 0) AS verified,
           coalesce(x.ever_submitted, 0) AS ever_submitted, coalesce(x.timely, 0) AS timely
    FROM applicable a
    JOIN pemda r ON r.level = a.level
    LEFT JOIN answers x
      ON x.period_id = a.period_id AND x.region_id = r.id AND x.dimension_id = a.dimension_id
), ready AS (
    SELECT x.period_id, x.region_id, sum(dm.weight * x.d) / sum(dm.weight) AS r,
           json_object_agg(dm.code, x.d) FILTER (WHERE $3) AS dimensions,
           sum(x.n) AS applicable, sum(x.answered) AS answered, sum(x.verified) AS verified,
           sum(x.ever_submitted) AS ever_submitted, sum(x.timely) AS timely
    FROM dims x JOIN dimensions dm ON dm.id = x.dimension_id
    GROUP BY x.period_id, x.region_id
), with_previous AS (
    SELECT ready.*,
           max(r) FILTER (WHERE period_id = (SELECT id FROM prev))
               OVER (PARTITION BY region_id) AS previous_readiness
    FROM ready
), scored AS (
    SELECT rg.code, rg.level, ready.r AS readiness, ready.dimensions,
           (SELECT t.category FROM category_thresholds t, cur
            WHERE t.framework_id = cur.framework_id AND t.min_score <= ready.r
            ORDER BY t.min_score DESC LIMIT 1) AS category,
           ready.answered * 100.0::float8 / ready.applicable AS completeness,
           CASE WHEN ready.answered > 0 THEN ready.verified * 100.0::float8 / ready.answered END
               AS verification_rate,
           CASE WHEN ready.ever_submitted > 0
                THEN ready.timely * 100.0::float8 / ready.ever_submitted END AS timeliness,
           ready.previous_readiness,
           pr.state AS report_state, pr.receipt_number AS report_receipt,
           CASE WHEN pr.first_submitted_at IS NOT NULL THEN NOT pr.is_late END AS report_on_time
    FROM with_previous ready
    JOIN regions rg ON rg.id = ready.region_id
    LEFT JOIN pemda_reports pr
      ON $3 AND pr.period_id = ready.period_id AND pr.region_id = ready.region_id
    WHERE ready.period_id = (SELECT id FROM cur)
)
SELECT code AS region, readiness, category, completeness, verification_rate, timeliness,
       row_number() OVER (PARTITION BY level
                          ORDER BY readiness DESC, completeness DESC, code) AS rank,
       dimensions, previous_readiness, report_state, report_receipt, report_on_time
FROM scored
ORDER BY code
"""


# The score table joins each Pemda's report: the bench data gets one for most Pemda in
# every period (siaga.seed.bench writes answers only), in every state, on time and late,
# and a few Pemda without any, so the join reads real rows. Deterministic by region id.
REPORTS_SQL = """
WITH made AS (
    INSERT INTO pemda_reports (
        period_id, region_id, state, situation, risks, obstacles, conclusion,
        signatory_name, signatory_nip, signatory_position, receipt_number,
        first_submitted_at, submitted_at, is_late, version, created_at, updated_at)
    SELECT p.id, r.id,
           (ARRAY['draft', 'submitted', 'returned', 'accepted', 'accepted'])[r.id % 5 + 1],
           'Situasi kondusif.', '', '', '', 'Bench', '197001011990031001', 'Kepala',
           CASE WHEN r.id % 5 > 0 THEN 'TT/' || r.code || '/' || p.code END,
           CASE WHEN r.id % 5 > 0 THEN p.deadline::timestamptz END,
           CASE WHEN r.id % 5 > 0 THEN p.deadline::timestamptz END,
           r.id % 5 > 0 AND r.id % 3 = 0, 1, now(), now()
    FROM periods p CROSS JOIN regions r
    WHERE r.id % 11 <> 0
    RETURNING 1
)
SELECT count(*) FROM made
"""


def _asyncpg_dsn(url: str) -> str:
    return (
        make_url(normalise_database_url(url))
        .set(drivername="postgresql")
        .render_as_string(hide_password=False)
    )


async def _ensure_database(url: str) -> None:
    dsn = _asyncpg_dsn(url)
    try:
        await (await asyncpg.connect(dsn)).close()
    except asyncpg.InvalidCatalogNameError:
        admin = await asyncpg.connect(make_url(dsn).set(database="postgres").render_as_string())
        try:
            await admin.execute(f'CREATE DATABASE "{make_url(dsn).database}"')
        finally:
            await admin.close()


async def _prepare(url: str, settings: Settings, regions_csv: Path | None) -> dict[str, Any]:
    """Seed when empty; return a fresh session token of a national admin."""
    engine = create_engine(url)
    info: dict[str, Any] = {}
    try:
        async with session_scope(create_sessionmaker(engine)) as session:
            if not await session.scalar(select(func.count(Submission.id))):
                rows = read_regions_csv(regions_csv) if regions_csv else None
                started = time.perf_counter()
                summary = await seed_bench(session, regions=rows)
                info["seeded_answers"] = summary.submissions_created
                info["seed_seconds"] = round(time.perf_counter() - started, 1)
            info["answers"] = await session.scalar(select(func.count(Submission.id)))
            user = await session.scalar(select(User).where(User.username == BENCH_USER))
            if user is None:
                # Signs in only through the session token below: its password is random and
                # thrown away.
                user = User(
                    username=BENCH_USER, role=Role.ADMIN, password_hash=hash_password(new_token())
                )
                session.add(user)
                await session.flush()
            token = new_token()
            now = utcnow()
            session.add(
                AuthSession(
                    user_id=user.id,
                    token_hash=token_digest(settings.secret_key, token),
                    created_at=now,
                    last_seen_at=now,
                    expires_at=now + timedelta(hours=2),
                )
            )
            info["token"] = token
    finally:
        await engine.dispose()
    conn = await asyncpg.connect(_asyncpg_dsn(url))
    try:
        reports = await conn.fetchval("SELECT count(*) FROM pemda_reports")
        if not reports:
            info["seeded_reports"] = await conn.fetchval(REPORTS_SQL)
        if "seeded_answers" in info or not reports:
            # Fresh tables have no planner statistics until autovacuum gets to them; a
            # production database has them, so the benchmark should too.
            await conn.execute("ANALYZE")
        info["reports"] = await conn.fetchval("SELECT count(*) FROM pemda_reports")
    finally:
        await conn.close()
    return info


# The bare baseline: the same HTTP stack (uvicorn, FastAPI) returning a constant body.
BARE_APP = """
import pathlib, sys
from fastapi import FastAPI
from fastapi.responses import Response
body = pathlib.Path(sys.argv[1]).read_bytes()
app = FastAPI()

@app.get("/scores")
def constant() -> Response:
    return Response(body, media_type="application/json")

import uvicorn
uvicorn.run(app, port=int(sys.argv[2]), log_level="warning")
"""


def _spawn(args: list[str], env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    """A server in its own process, as in production: the client's work does not share
    its interpreter (or GIL)."""
    process = subprocess.Popen(args, env={**os.environ, **env})  # noqa: S603 (our own argv)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/", timeout=1)
            return process
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"server on port {port} did not start")


async def _rounds(
    measures: dict[str, Callable[[], Awaitable[None]]], n: int
) -> dict[str, list[float]]:
    """n rounds, each timing every measure once in turn: load from elsewhere on the
    machine then hits all measures alike, so their ratios stay fair."""
    for measure in measures.values():  # warm up: prepared statements, caches, pools
        for _ in range(3):
            await measure()
    samples: dict[str, list[float]] = {name: [] for name in measures}
    print(f"timing {n} rounds of {', '.join(measures)}", file=sys.stderr)
    for _ in range(n):
        for name, measure in measures.items():
            start = time.perf_counter()
            await measure()
            samples[name].append(time.perf_counter() - start)
    return samples


def _http(
    client: httpx.AsyncClient, url: str, expect: int = 200, **kwargs: Any
) -> Callable[[], Awaitable[None]]:
    async def get() -> None:
        response = await client.get(url, **kwargs)
        assert response.status_code == expect, response.text[:300]

    return get


def _sql(conn: asyncpg.Connection, region: str | None, full: bool) -> Callable[[], Awaitable[None]]:
    async def fetch() -> None:
        await conn.fetch(HAND_SQL, PERIOD, region, full)

    return fetch


async def _hand_rows(url: str) -> list[dict[str, Any]]:
    conn = await asyncpg.connect(_asyncpg_dsn(url))
    try:
        return [dict(r) for r in await conn.fetch(HAND_SQL, PERIOD, None, True)]
    finally:
        await conn.close()


def _compare(api: dict[str, Any], hand: list[dict[str, Any]]) -> dict[str, Any]:
    """The API's numbers against the hand-written query's, Pemda by Pemda."""
    items = {i["region"]: i for i in api["items"]}
    worst = {"readiness": 0.0, "completeness": 0.0, "dimensions": 0.0, "previous": 0.0}
    mismatches: list[str] = []

    def diff(a: float | None, b: float | None) -> float:
        if a is None or b is None:
            return 0.0 if a is None and b is None else float("inf")
        return abs(a - b)

    for row in hand:
        item = items.get(row["region"])
        if item is None:
            mismatches.append(f"{row['region']}: missing from the API")
            continue
        worst["readiness"] = max(worst["readiness"], diff(item["readiness"], row["readiness"]))
        worst["completeness"] = max(
            worst["completeness"],
            diff(item["completeness"], row["completeness"]),
            diff(item["verification_rate"], row["verification_rate"]),
            diff(item["timeliness"], row["timeliness"]),
        )
        worst["previous"] = max(
            worst["previous"], diff(item["previous_readiness"], row["previous_readiness"])
        )
        hand_dims = json.loads(row["dimensions"])
        if set(hand_dims) != set(item["dimensions"]):
            mismatches.append(f"{row['region']}: dimensions differ")
        for code, value in hand_dims.items():
            worst["dimensions"] = max(
                worst["dimensions"], diff(item["dimensions"].get(code), value)
            )
        for key in ("category", "rank", "report_state", "report_receipt", "report_on_time"):
            if item[key] != row[key]:
                mismatches.append(f"{row['region']}: {key} {item[key]!r} != {row[key]!r}")
    return {
        "pemda": len(hand),
        "api_items": len(items),
        "max_abs_diff": {k: float(f"{v:.3g}") for k, v in worst.items()},
        "mismatches": mismatches[:10],
        "same_within_1e-9": len(hand) == len(items)
        and not mismatches
        and all(v <= 1e-9 for v in worst.values()),
    }


def _stats(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "median_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] * 1000, 2),
    }


async def _profile(app: FastAPI, token: str, n: int) -> Any:
    """pyinstrument over n national requests, in process (ASGI transport, no socket)."""
    from pyinstrument import Profiler

    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport,
            base_url="http://bench",
            headers={"Authorization": f"Bearer {token}"},
        ) as client:
            (await client.get(f"/api/v1/scores?period={PERIOD}")).raise_for_status()
            profiler = Profiler(async_mode="enabled")
            profiler.start()
            for _ in range(n):
                (await client.get(f"/api/v1/scores?period={PERIOD}")).raise_for_status()
            profiler.stop()
    return profiler


async def _measure(
    url: str, api: str, headers: dict[str, str], etag: str, bare_port: int, n: int
) -> dict[str, list[float]]:
    national_url = f"{api}/scores?period={PERIOD}"
    conn = await asyncpg.connect(_asyncpg_dsn(url))
    try:
        async with httpx.AsyncClient(headers=headers, timeout=60) as client:
            return await _rounds(
                {
                    "api_national": _http(client, national_url),
                    "sql_national": _sql(conn, None, full=False),
                    "sql_national_full": _sql(conn, None, full=True),
                    "bare_national_size": _http(client, f"http://127.0.0.1:{bare_port}/scores"),
                    "api_province": _http(client, f"{national_url}&region={PROVINCE}"),
                    "sql_province": _sql(conn, PROVINCE, full=False),
                    "api_explain": _http(client, f"{api}/scores/{PEMDA}/{PERIOD}"),
                    "api_national_304": _http(
                        client, national_url, 304, headers={"If-None-Match": etag}
                    ),
                    # For the 304's floor: the same stack answering without the database,
                    # and with only the caller's authentication.
                    "api_healthz": _http(client, f"{api}/healthz"),
                    "api_auth_me": _http(client, f"{api}/auth/me"),
                },
                n,
            )
    finally:
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument(
        "--regions", type=Path, default=DEFAULT_CSV if DEFAULT_CSV.exists() else None
    )
    parser.add_argument("-n", type=int, default=50, help="timed requests per measurement")
    parser.add_argument("--port", type=int, default=8775)
    parser.add_argument(
        "--profile", type=Path, default=None, help="write a pyinstrument profile here"
    )
    args = parser.parse_args()

    url = normalise_database_url(args.database_url)
    asyncio.run(_ensure_database(url))
    migrations.upgrade(url)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(database_url=url, frontend_dist=Path(tmp) / "none")
        info = asyncio.run(_prepare(url, settings, args.regions))
        token = info.pop("token")
        if args.profile:
            profiler = asyncio.run(_profile(create_app(settings), token, args.n))
            args.profile.write_text(profiler.output_text(unicode=True), encoding="utf-8")
            args.profile.with_suffix(".html").write_text(profiler.output_html(), encoding="utf-8")
            print(f"profile written to {args.profile} (and .html)")
            return

        env = {"SIAGA_DATABASE_URL": url, "SIAGA_FRONTEND_DIST": str(Path(tmp) / "none")}
        server = _spawn(
            [
                *(sys.executable, "-m", "uvicorn", "siaga.main:create_app", "--factory"),
                *("--port", str(args.port), "--log-level", "warning", "--no-access-log"),
            ],
            env,
            args.port,
        )
        try:
            api = f"http://127.0.0.1:{args.port}/api/v1"
            national_url = f"{api}/scores?period={PERIOD}"
            headers = {"Authorization": f"Bearer {token}"}
            first = httpx.get(national_url, headers=headers, timeout=60)
            first.raise_for_status()
            body, etag = first.content, first.headers["etag"]
            body_file = Path(tmp) / "body.json"
            body_file.write_bytes(body)
            bare = _spawn(
                [sys.executable, "-c", BARE_APP, str(body_file), str(args.port + 1)],
                {},
                args.port + 1,
            )
            try:
                times = asyncio.run(_measure(url, api, headers, etag, args.port + 1, args.n))
            finally:
                bare.terminate()
        finally:
            server.terminate()

    check = _compare(json.loads(body), asyncio.run(_hand_rows(url)))

    stats = {name: _stats(samples) for name, samples in times.items()}
    med = {name: s["median_ms"] for name, s in stats.items()}
    print(
        json.dumps(
            {
                **info,
                "period": PERIOD,
                "national_items": len(json.loads(body)["items"]),
                "response_bytes": len(body),
                "requests": args.n,
                "timings": stats,
                "ratios": {
                    "national_api_vs_sql": round(med["api_national"] / med["sql_national"], 2),
                    "national_api_vs_sql_full": round(
                        med["api_national"] / med["sql_national_full"], 2
                    ),
                    "province_api_vs_sql": round(med["api_province"] / med["sql_province"], 2),
                    "national_api_vs_bare": round(
                        med["api_national"] / med["bare_national_size"], 2
                    ),
                },
                "targets": {
                    # The hand query that returns the same numbers as the response.
                    "national_le_1.5x_sql": med["api_national"] <= 1.5 * med["sql_national_full"],
                    "national_lt_150ms": med["api_national"] < 150,
                    "explain_lt_30ms": med["api_explain"] < 30,
                    "not_modified_lt_5ms": med["api_national_304"] < 5,
                },
                "check_against_hand_sql": check,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
