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
import statistics
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import uvicorn
from fastapi import FastAPI
from fastapi.responses import Response
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
# only verified answers count). $1 = period code, $2 = region code of the subtree or NULL.
# With $3 = true it also returns what the API's table adds: D per dimension and R in the
# previous period.
HAND_SQL = """
WITH cur AS (
    SELECT id, framework_id, start_date FROM periods WHERE code = $1
), prev AS (
    SELECT p.id FROM periods p, cur
    WHERE $3 AND p.framework_id = cur.framework_id AND p.start_date < cur.start_date
    ORDER BY p.start_date DESC LIMIT 1
), chosen AS (
    SELECT id, framework_id FROM periods WHERE id IN (SELECT id FROM cur UNION SELECT id FROM prev)
), pairs AS (
    SELECT p.id AS period_id, r.id AS region_id, i.dimension_id, i.weight AS w,
           CASE WHEN s.status = 'verified' AND s.value IS NOT NULL THEN
               CASE i.answer_type
                   WHEN 'level' THEN s.value * 25.0
                   WHEN 'yes_no' THEN s.value * 100.0
                   WHEN 'percent' THEN s.value
                   ELSE CASE WHEN s.value >= i.target THEN 100.0
                             ELSE s.value * 100.0 / i.target END
               END
           ELSE 0.0 END AS s,
           s.status, s.first_submitted_at, s.is_late
    FROM chosen p
    JOIN indicators i ON i.framework_id = p.framework_id
    JOIN regions r ON (r.level = 'province' AND i.applies_province)
                   OR (r.level = 'regency' AND i.applies_regency)
                   OR (r.level = 'city' AND i.applies_city)
    LEFT JOIN submissions s
           ON s.period_id = p.id AND s.region_id = r.id AND s.indicator_id = i.id
    WHERE $2::text IS NULL OR r.code = $2 OR r.code LIKE $2 || '.%'
), dims AS (
    SELECT period_id, region_id, dimension_id, sum(w * s) / sum(w) AS d
    FROM pairs GROUP BY period_id, region_id, dimension_id
), ready AS (
    SELECT x.period_id, x.region_id, sum(dm.weight * x.d) / sum(dm.weight) AS r,
           json_object_agg(dm.code, x.d) FILTER (WHERE $3) AS dimensions
    FROM dims x JOIN dimensions dm ON dm.id = x.dimension_id
    GROUP BY x.period_id, x.region_id
), counts AS (
    SELECT period_id, region_id,
           count(*) AS applicable,
           count(*) FILTER (WHERE status IN ('submitted', 'verified')) AS answered,
           count(*) FILTER (WHERE status = 'verified') AS verified,
           count(*) FILTER (WHERE first_submitted_at IS NOT NULL) AS ever_submitted,
           count(*) FILTER (WHERE first_submitted_at IS NOT NULL AND NOT is_late) AS timely
    FROM pairs GROUP BY period_id, region_id
), scored AS (
    SELECT ready.period_id, ready.region_id, rg.code, rg.level, ready.r AS readiness,
           ready.dimensions,
           (SELECT t.category FROM category_thresholds t JOIN chosen p
                ON p.id = ready.period_id AND t.framework_id = p.framework_id
            WHERE t.min_score <= ready.r ORDER BY t.min_score DESC LIMIT 1) AS category,
           c.answered * 100.0::float8 / c.applicable AS completeness,
           CASE WHEN c.answered > 0 THEN c.verified * 100.0::float8 / c.answered END
               AS verification_rate,
           CASE WHEN c.ever_submitted > 0 THEN c.timely * 100.0::float8 / c.ever_submitted END
               AS timeliness
    FROM ready
    JOIN counts c ON c.period_id = ready.period_id AND c.region_id = ready.region_id
    JOIN regions rg ON rg.id = ready.region_id
), ranked AS (
    SELECT sc.*,
           row_number() OVER (PARTITION BY sc.period_id, sc.level
                              ORDER BY sc.readiness DESC, sc.completeness DESC, sc.code) AS rank,
           max(sc.readiness) FILTER (WHERE sc.period_id = (SELECT id FROM prev))
               OVER (PARTITION BY sc.region_id) AS previous_readiness
    FROM scored sc
)
SELECT code AS region, readiness, category, completeness, verification_rate, timeliness,
       rank, dimensions, previous_readiness
FROM ranked
WHERE period_id = (SELECT id FROM cur)
ORDER BY code
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
    if "seeded_answers" in info:
        # Fresh tables have no planner statistics until autovacuum gets to them; a
        # production database has them, so the benchmark should too.
        conn = await asyncpg.connect(_asyncpg_dsn(url))
        try:
            await conn.execute("ANALYZE")
        finally:
            await conn.close()
    return info


def _serve(app: FastAPI, port: int) -> uvicorn.Server:
    server = uvicorn.Server(uvicorn.Config(app, port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return server


def _time_http(
    client: httpx.Client, url: str, n: int, expect: int = 200, **kwargs: Any
) -> list[float]:
    for _ in range(3):  # warm up: prepared statements, caches, connection pool
        assert client.get(url, **kwargs).status_code == expect
    print(f"timing {url}", file=sys.stderr)
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        response = client.get(url, **kwargs)
        samples.append(time.perf_counter() - start)
        assert response.status_code == expect, response.text[:300]
    return samples


async def _time_sql(url: str, n: int, region: str | None, full: bool) -> list[float]:
    conn = await asyncpg.connect(_asyncpg_dsn(url))
    try:
        for _ in range(3):
            await conn.fetch(HAND_SQL, PERIOD, region, full)
        samples = []
        for _ in range(n):
            start = time.perf_counter()
            await conn.fetch(HAND_SQL, PERIOD, region, full)
            samples.append(time.perf_counter() - start)
        return samples
    finally:
        await conn.close()


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
        for key in ("category", "rank"):
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

        real = _serve(create_app(settings), args.port)
        api = f"http://127.0.0.1:{args.port}/api/v1"
        national_url = f"{api}/scores?period={PERIOD}"
        with httpx.Client(headers={"Authorization": f"Bearer {token}"}, timeout=60) as client:
            first = client.get(national_url)
            first.raise_for_status()
            body, etag = first.content, first.headers["etag"]
            bare = FastAPI()

            @bare.get("/scores")
            def constant() -> Response:
                return Response(body, media_type="application/json")

            baseline = _serve(bare, args.port + 1)
            times = {
                "api_national": _time_http(client, national_url, args.n),
                "api_province": _time_http(client, f"{national_url}&region={PROVINCE}", args.n),
                "api_explain": _time_http(client, f"{api}/scores/{PEMDA}/{PERIOD}", args.n),
                "api_national_304": _time_http(
                    client, national_url, args.n, 304, headers={"If-None-Match": etag}
                ),
                "bare_national_size": _time_http(
                    client, f"http://127.0.0.1:{args.port + 1}/scores", args.n
                ),
            }
        real.should_exit = baseline.should_exit = True

    times["sql_national"] = asyncio.run(_time_sql(url, args.n, None, full=False))
    times["sql_province"] = asyncio.run(_time_sql(url, args.n, PROVINCE, full=False))
    times["sql_national_full"] = asyncio.run(_time_sql(url, args.n, None, full=True))
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
                    "national_le_1.5x_sql": med["api_national"] <= 1.5 * med["sql_national"],
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
