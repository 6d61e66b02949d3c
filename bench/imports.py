"""Benchmark: import 100,000 answers from CSV, against a raw bulk insert of the same rows.

For each backend (PostgreSQL, SQLite), in one run:
1. a fresh migrated database with the national reference data of `siaga seed bench`
   (552 Pemda, the PEMILU2024 framework, their agencies) and eight open periods
   2025-Q1..2026-Q4, which give 104,768 open (Pemda, indicator) slots; no answers;
2. one 100,000-row answers CSV in the import format, shared by both backends (answers to
   indicators that require evidence are `draft`, the others `submitted`, as the import
   rules demand);
3. end to end: the file POSTed by httpx to `/api/v1/imports?kind=submissions` on the real
   server (uvicorn in a subprocess, so its peak RSS is its own) with a national API key that
   has the `import` scope; timed from the first byte sent to the response; the answers are
   then counted in the database. The same file is then posted once more (every row must
   come back unchanged) and that time reported too;
4. the answers and everything the import wrote with them (history, audit events) removed;
5. the raw baseline on the same empty table: the same CSV read, codes mapped to ids with
   dicts, the rows inserted with COPY (asyncpg `copy_records_to_table`) on PostgreSQL or
   `executemany` (sqlite3, one transaction) on SQLite. Reported both as the insert alone
   and as read + map + insert.

    .venv/bin/python bench/imports.py [--database-url postgresql://...] [--rows 100000]
        [--backend both|postgresql|sqlite] [--profile out.txt]

`--profile` runs the import in process (the service, no HTTP) under pyinstrument on the
PostgreSQL database instead of measuring.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import random
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from siaga.apikeys.schemas import ApiKeyCreate
from siaga.apikeys.service import create_key
from siaga.audit.service import SYSTEM
from siaga.core import migrations
from siaga.core.database import create_engine, create_sessionmaker, session_scope
from siaga.core.settings import Settings, normalise_database_url
from siaga.models import (
    Agency,
    AgencyType,
    AnswerType,
    Indicator,
    Period,
    PeriodState,
    Region,
    Submission,
)
from siaga.seed.bench import generated_regions, read_regions_csv
from siaga.seed.reference import (
    indicator_applies,
    load_json,
    upsert_agencies,
    upsert_agency_types,
    upsert_framework,
    upsert_periods,
    upsert_regions,
)
from siaga.users.rules import LOCAL_ADMIN

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/siaga_h1b_bench"
DEFAULT_REGIONS = Path(__file__).resolve().parents[2] / "shared/data/wilayah/regions-kabkota.csv"
SECRET_KEY = "bench-imports-secret-key-not-for-production-0123456789"  # noqa: S105
OPEN_PERIODS = [f"{year}-Q{quarter}" for year in (2025, 2026) for quarter in (1, 2, 3, 4)]
NARRATIVES = [
    "Kegiatan telah dilaksanakan sesuai rencana kerja triwulan.",
    "Pelaksanaan masih sebagian; tindak lanjut dijadwalkan triwulan berikutnya.",
    "Data bersumber dari rekapitulasi perangkat daerah.",
    "",
]
COLUMNS = (
    "period_id",
    "region_id",
    "indicator_id",
    "agency_id",
    "value",
    "narrative",
    "status",
    "version",
    "is_late",
    "created_at",
    "updated_at",
    "first_submitted_at",
    "submitted_at",
    "verified_at",
    "created_by_id",
    "updated_by_id",
)


@dataclass
class Lookups:
    periods: dict[str, tuple[int, date]]  # code -> (id, deadline)
    regions: dict[str, int]
    indicators: dict[str, tuple[int, AnswerType, str]]  # code -> (id, type, agency type)
    agencies: dict[str, int]


def _asyncpg_dsn(url: str) -> str:
    return (
        make_url(normalise_database_url(url))
        .set(drivername="postgresql")
        .render_as_string(hide_password=False)
    )


async def _reset_postgres(url: str) -> None:
    dsn = _asyncpg_dsn(url)
    try:
        conn = await asyncpg.connect(dsn)
    except asyncpg.InvalidCatalogNameError:
        admin = await asyncpg.connect(make_url(dsn).set(database="postgres").render_as_string())
        try:
            await admin.execute(f'CREATE DATABASE "{make_url(dsn).database}"')
        finally:
            await admin.close()
        return
    try:
        await conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    finally:
        await conn.close()


async def _seed(url: str, settings: Settings, regions_csv: Path | None) -> tuple[str, Lookups]:
    """Reference data and open periods (no answers); returns an import API key."""
    engine = create_engine(url)
    try:
        async with session_scope(create_sessionmaker(engine)) as session:
            rows = read_regions_csv(regions_csv) if regions_csv else generated_regions()
            by_code = await upsert_regions(session, rows)
            data = load_json("pemilu2024.json")
            types = await upsert_agency_types(session, data["agency_types"])
            framework = await upsert_framework(session, data, types)
            indicators = list(
                await session.scalars(
                    select(Indicator).where(Indicator.framework_id == framework.id)
                )
            )
            await upsert_agencies(session, [by_code[r.code] for r in rows], types, indicators)
            await upsert_periods(session, framework, dict.fromkeys(OPEN_PERIODS, PeriodState.OPEN))
            created = await create_key(
                session,
                settings,
                ApiKeyCreate(
                    name="bench imports", region=None, scopes=["import"], expires_in_days=1
                ),
                principal=LOCAL_ADMIN,
                actor=SYSTEM,
            )
            lookups = await _lookups(session)
    finally:
        await engine.dispose()
    return created.key, lookups


async def _lookups(session: Any) -> Lookups:
    type_codes = dict((await session.execute(select(AgencyType.id, AgencyType.code))).all())
    return Lookups(
        periods={
            code: (pid, deadline)
            for pid, code, deadline in await session.execute(
                select(Period.id, Period.code, Period.deadline).where(Period.code.in_(OPEN_PERIODS))
            )
        },
        regions=dict((await session.execute(select(Region.code, Region.id))).all()),
        indicators={
            code: (iid, AnswerType(answer_type), type_codes[type_id])
            for iid, code, answer_type, type_id in await session.execute(
                select(
                    Indicator.id, Indicator.code, Indicator.answer_type, Indicator.agency_type_id
                )
            )
        },
        agencies=dict((await session.execute(select(Agency.code, Agency.id))).all()),
    )


async def _write_csv(url: str, path: Path, rows: int) -> dict[str, int]:
    """`rows` answers over the open slots, in period, Pemda, indicator order."""
    engine = create_engine(url)
    try:
        async with session_scope(create_sessionmaker(engine)) as session:
            regions = list(await session.scalars(select(Region).order_by(Region.code)))
            indicators = list(
                await session.scalars(
                    select(Indicator).order_by(Indicator.dimension_id, Indicator.position)
                )
            )
    finally:
        await engine.dispose()
    rng = random.Random(20240214)
    written = 0
    statuses = {"draft": 0, "submitted": 0}
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["period", "region", "indicator", "value", "narrative", "status"])
        for period in OPEN_PERIODS:
            for region in regions:
                for indicator in indicators:
                    if written == rows:
                        return statuses
                    if not indicator_applies(indicator, region.level):
                        continue
                    status = "draft" if indicator.evidence_required else "submitted"
                    statuses[status] += 1
                    writer.writerow(
                        [
                            period,
                            region.code,
                            indicator.code,
                            _value(indicator, rng),
                            rng.choice(NARRATIVES),
                            status,
                        ]
                    )
                    written += 1
    if written < rows:
        raise SystemExit(f"only {written} open slots for {rows} rows")
    return statuses


def _value(indicator: Indicator, rng: random.Random) -> str:
    if indicator.answer_type == AnswerType.LEVEL:
        return str(rng.randint(0, 4))
    if indicator.answer_type == AnswerType.YES_NO:
        return rng.choice(("ya", "tidak"))
    if indicator.answer_type == AnswerType.PERCENT:
        return f"{rng.uniform(0, 100):.1f}"
    return str(rng.randint(0, int(2 * (indicator.target or 10))))


# ---- end to end -------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _memory_kib(pid: int) -> dict[str, int]:
    """VmRSS (now) and VmHWM (peak resident set) of a process, from /proc."""
    values: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0])
    return values


def _end_to_end(url: str, csv_path: Path, api_key: str, tmp: Path) -> dict[str, Any]:
    port = _free_port()
    env = {
        **os.environ,
        "SIAGA_DATABASE_URL": url,
        "SIAGA_SECRET_KEY": SECRET_KEY,
        "SIAGA_FRONTEND_DIST": str(tmp / "no-frontend"),
        "SIAGA_STORAGE_DIR": str(tmp / "evidence"),
        "SIAGA_LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [
            sys.executable,
            "-m",
            "uvicorn",
            "siaga.main:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=env,
    )
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        with httpx.Client(timeout=httpx.Timeout(900, connect=5)) as client:
            for _ in range(200):
                try:
                    if client.get(f"{base}/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.1)
            before = _memory_kib(server.pid)
            elapsed, body = _post(client, base, csv_path, api_key)
            # The same file again: every row unchanged, nothing written.
            again_elapsed, again = _post(client, base, csv_path, api_key)
            after = _memory_kib(server.pid)  # the peak over both imports
            if again["counts"]["unchanged"] != body["counts"]["rows"]:
                raise SystemExit(f"re-import changed something: {again['counts']}")
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {
        "seconds": elapsed,
        "counts": body["counts"],
        "server_rss_before_mib": round(before["VmRSS"] / 1024, 1),
        "server_peak_rss_mib": round(after["VmHWM"] / 1024, 1),
        "same_file_again_seconds": round(again_elapsed, 2),
    }


def _post(
    client: httpx.Client, base: str, csv_path: Path, api_key: str
) -> tuple[float, dict[str, Any]]:
    with csv_path.open("rb") as handle:
        started = time.perf_counter()
        response = client.post(
            f"{base}/imports",
            params={"kind": "submissions", "dry_run": "false"},
            headers={"Authorization": f"Bearer {api_key}"},
            files={"file": (csv_path.name, handle, "text/csv")},
        )
        elapsed = time.perf_counter() - started
    body: dict[str, Any] = response.json()
    if response.status_code != 200 or body.get("status") != "succeeded":
        raise SystemExit(f"import failed: HTTP {response.status_code} {json.dumps(body)[:2000]}")
    return elapsed, body


async def _count_answers(url: str) -> int:
    engine = create_engine(url)
    try:
        async with session_scope(create_sessionmaker(engine)) as session:
            return int(await session.scalar(select(func.count(Submission.id))) or 0)
    finally:
        await engine.dispose()


# ---- raw baseline -----------------------------------------------------------------------


def _records(csv_path: Path, lookups: Lookups) -> list[tuple[Any, ...]]:
    """The CSV's rows as submissions tuples: what any importer has to produce at least."""
    now = datetime.now(UTC)
    today = now.date()
    records: list[tuple[Any, ...]] = []
    with csv_path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        for period, region, indicator, value, narrative, status in reader:
            period_id, deadline = lookups.periods[period]
            indicator_id, answer_type, type_code = lookups.indicators[indicator]
            if answer_type == AnswerType.YES_NO:
                number = 1.0 if value == "ya" else 0.0
            else:
                number = float(value)
            submitted = status == "submitted"
            records.append(
                (
                    period_id,
                    lookups.regions[region],
                    indicator_id,
                    lookups.agencies[f"{region}.{type_code}"],
                    number,
                    narrative,
                    status,
                    1,
                    submitted and today > deadline,
                    now,
                    now,
                    now if submitted else None,
                    now if submitted else None,
                    None,
                    None,
                    None,
                )
            )
    return records


async def _copy_postgres(url: str, csv_path: Path, lookups: Lookups) -> dict[str, float]:
    conn = await asyncpg.connect(_asyncpg_dsn(url))
    try:
        started = time.perf_counter()
        records = _records(csv_path, lookups)
        mapped = time.perf_counter()
        async with conn.transaction():
            await conn.copy_records_to_table("submissions", records=records, columns=COLUMNS)
        done = time.perf_counter()
    finally:
        await conn.close()
    return {"insert_seconds": done - mapped, "read_map_insert_seconds": done - started}


def _executemany_sqlite(path: Path, csv_path: Path, lookups: Lookups) -> dict[str, float]:
    def stamp(value: datetime | None) -> str | None:
        # SQLAlchemy's SQLite storage format for the naive-UTC timestamps of UTCDateTime.
        return None if value is None else value.replace(tzinfo=None).isoformat(" ")

    sql = (
        f"INSERT INTO submissions ({', '.join(COLUMNS)}) VALUES ({', '.join('?' for _ in COLUMNS)})"
    )
    conn = sqlite3.connect(path)
    try:
        started = time.perf_counter()
        records = [
            (*r[:8], int(r[8]), stamp(r[9]), stamp(r[10]), stamp(r[11]), stamp(r[12]), *r[13:])
            for r in _records(csv_path, lookups)
        ]
        mapped = time.perf_counter()
        with conn:  # one transaction
            conn.executemany(sql, records)
        done = time.perf_counter()
    finally:
        conn.close()
    return {"insert_seconds": done - mapped, "read_map_insert_seconds": done - started}


async def _empty_answers(url: str) -> None:
    """Back to the state before the import: no answers, no history, no import audit."""
    if url.startswith("sqlite"):
        path = make_url(url).database
        assert path is not None
        conn = sqlite3.connect(path)
        with conn:
            conn.execute("DELETE FROM submission_versions")
            conn.execute("DELETE FROM submissions")
            conn.execute("DELETE FROM audit_events WHERE action NOT LIKE 'apikey%'")
        conn.execute("VACUUM")
        conn.close()
        return
    conn = await asyncpg.connect(_asyncpg_dsn(url))
    try:
        await conn.execute("TRUNCATE submissions, submission_versions CASCADE")
        await conn.execute("DELETE FROM audit_events WHERE action NOT LIKE 'apikey%'")
        await conn.execute("VACUUM ANALYZE audit_events")
    finally:
        await conn.close()


# ---- driver -----------------------------------------------------------------------------


def _prepare(url: str, tmp: Path, regions_csv: Path | None) -> tuple[str, Lookups, Settings]:
    if url.startswith("postgresql"):
        asyncio.run(_reset_postgres(url))
    migrations.upgrade(url)
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=url,
        secret_key=SECRET_KEY,
        frontend_dist=tmp / "no-frontend",
        storage_dir=tmp / "evidence",
    )
    started = time.perf_counter()
    key, lookups = asyncio.run(_seed(url, settings, regions_csv))
    print(f"{url.split(':')[0]}: seeded in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return key, lookups, settings


def _run_backend(
    url: str, csv_path: Path, rows: int, tmp: Path, key: str, lookups: Lookups
) -> dict[str, Any]:
    if url.startswith("postgresql"):
        # Planner statistics on the reference tables, as a live database has them.
        asyncio.run(_analyze(url))
    e2e = _end_to_end(url, csv_path, key, tmp)
    imported = asyncio.run(_count_answers(url))
    if imported != rows:
        raise SystemExit(f"the import stored {imported} answers, expected {rows}")
    asyncio.run(_empty_answers(url))
    if url.startswith("postgresql"):
        raw = asyncio.run(_copy_postgres(url, csv_path, lookups))
        method = "COPY (asyncpg copy_records_to_table)"
    else:
        path = make_url(url).database
        assert path is not None
        raw = _executemany_sqlite(Path(path), csv_path, lookups)
        method = "sqlite3 executemany, one transaction"
    inserted = asyncio.run(_count_answers(url))
    if inserted != rows:
        raise SystemExit(f"the raw insert stored {inserted} answers, expected {rows}")
    e2e_rate = rows / e2e["seconds"]
    raw_rate = rows / raw["insert_seconds"]
    raw_full_rate = rows / raw["read_map_insert_seconds"]
    return {
        "rows": rows,
        "import_end_to_end": {
            **e2e,
            "seconds": round(e2e["seconds"], 2),
            "rows_per_s": round(e2e_rate),
        },
        "raw": {
            "method": method,
            "insert_seconds": round(raw["insert_seconds"], 2),
            "insert_rows_per_s": round(raw_rate),
            "read_map_insert_seconds": round(raw["read_map_insert_seconds"], 2),
            "read_map_insert_rows_per_s": round(raw_full_rate),
        },
        "ratio_import_vs_raw_insert": round(e2e_rate / raw_rate, 3),
        "ratio_import_vs_raw_read_map_insert": round(e2e_rate / raw_full_rate, 3),
        "targets": {
            "ge_0.2x_raw_insert": e2e_rate >= 0.2 * raw_rate,
            "ge_20000_rows_per_s": e2e_rate >= 20_000,
            "peak_rss_lt_300_mib": e2e["server_peak_rss_mib"] < 300,
        },
    }


async def _analyze(url: str) -> None:
    conn = await asyncpg.connect(_asyncpg_dsn(url))
    try:
        await conn.execute("ANALYZE")
    finally:
        await conn.close()


def _profile(url: str, csv_path: Path, out: Path) -> None:
    """The import in process (service only, no HTTP) under pyinstrument, as the bench's
    national API key."""
    from pyinstrument import Profiler

    from siaga.audit.service import Actor
    from siaga.core.security import API_KEY_CAPABILITIES, Principal
    from siaga.imports.service import run_import
    from siaga.models import ApiKey, ImportKind

    async def work() -> tuple[Profiler, Any]:
        engine = create_engine(url)
        try:
            async with session_scope(create_sessionmaker(engine)) as session:
                key_id = await session.scalar(select(ApiKey.id))
                assert key_id is not None
                principal = Principal(
                    kind="api_key",
                    id=key_id,
                    label="bench",
                    capabilities=frozenset(API_KEY_CAPABILITIES.values()),
                    region_code=None,
                )
                profiler = Profiler(async_mode="enabled")
                profiler.start()
                try:
                    result, _ = await run_import(
                        session,
                        principal,
                        Actor("bench", api_key_id=key_id),
                        ImportKind.SUBMISSIONS,
                        csv_path,
                        filename=csv_path.name,
                        dry_run=False,
                    )
                finally:
                    profiler.stop()
                return profiler, result
        finally:
            await engine.dispose()

    started = time.perf_counter()
    profiler, result = asyncio.run(work())
    elapsed = time.perf_counter() - started
    out.write_text(profiler.output_text(unicode=True, show_all=False), encoding="utf-8")
    print(f"profile written to {out}; {elapsed:.1f} s (with profiler); counts {result.counts}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL, help="PostgreSQL database")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--backend", choices=("both", "postgresql", "sqlite"), default="both")
    parser.add_argument(
        "--regions",
        type=Path,
        default=DEFAULT_REGIONS if DEFAULT_REGIONS.exists() else None,
        help="regions CSV (code,name,level,parent_code); generated when absent",
    )
    parser.add_argument("--profile", type=Path, default=None, help="write a profile here")
    args = parser.parse_args()

    pg_url = normalise_database_url(args.database_url)
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="siaga-bench-imports-") as tmp_name:
        tmp = Path(tmp_name)
        csv_path = tmp / "answers.csv"
        urls = {
            "postgresql": pg_url,
            "sqlite": normalise_database_url(f"sqlite:///{tmp / 'bench.db'}"),
        }
        chosen = ["postgresql", "sqlite"] if args.backend == "both" else [args.backend]
        for name in chosen:
            key, lookups, _ = _prepare(urls[name], tmp, args.regions)
            if not csv_path.exists():
                # Written once from the first database; every backend holds the same codes.
                statuses = asyncio.run(_write_csv(urls[name], csv_path, args.rows))
                results["csv"] = {
                    "rows": args.rows,
                    "bytes": csv_path.stat().st_size,
                    "statuses": statuses,
                }
            if args.profile:
                _profile(urls[name], csv_path, args.profile)
                return
            results[name] = _run_backend(urls[name], csv_path, args.rows, tmp, key, lookups)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
