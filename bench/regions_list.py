"""Benchmark: GET /api/v1/regions?limit=500 against a bare endpoint returning the same JSON.

Both run in the same process through the same HTTP stack (uvicorn on loopback), so the
ratio shows what the database query, validation and serialisation add.

    .venv/bin/python bench/regions_list.py [--regions ../shared/data/wilayah/regions-kabkota.csv]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import statistics
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn
from fastapi import FastAPI
from fastapi.responses import Response

from siaga.apikeys.schemas import ApiKeyCreate
from siaga.apikeys.service import create_key
from siaga.audit.service import SYSTEM
from siaga.core import migrations
from siaga.core.database import create_engine, create_sessionmaker, session_scope
from siaga.core.settings import Settings
from siaga.main import create_app
from siaga.models import RegionLevel
from siaga.seed.reference import RegionRow, upsert_regions
from siaga.users.rules import LOCAL_ADMIN

DEFAULT_CSV = Path(__file__).resolve().parents[2] / "shared/data/wilayah/regions-kabkota.csv"


async def _load(settings: Settings, csv_path: Path) -> tuple[int, str]:
    """Load the regions; returns their count and a read-only API key (the list needs a
    signed-in caller)."""
    with csv_path.open(encoding="utf-8") as handle:
        rows = [
            RegionRow(
                code=r["code"],
                name=r["name"],
                level=RegionLevel(r["level"]),
                parent_code=r["parent_code"] or None,
            )
            for r in csv.DictReader(handle)
        ]
    engine = create_engine(settings.database_url)
    async with session_scope(create_sessionmaker(engine)) as session:
        await upsert_regions(session, rows)
        created = await create_key(
            session,
            settings,
            ApiKeyCreate(name="bench regions", region=None, scopes=["read"], expires_in_days=1),
            principal=LOCAL_ADMIN,
            actor=SYSTEM,
        )
    await engine.dispose()
    return len(rows), created.key


def _serve(app: FastAPI, port: int) -> uvicorn.Server:
    server = uvicorn.Server(uvicorn.Config(app, port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return server


def _time(client: httpx.Client, url: str, n: int) -> list[float]:
    client.get(url).raise_for_status()  # warm up
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        client.get(url).raise_for_status()
        samples.append(time.perf_counter() - start)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--regions", type=Path, default=DEFAULT_CSV)
    parser.add_argument("-n", type=int, default=200)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{tmp}/bench.db"
        migrations.upgrade(url)
        settings = Settings(database_url=url, frontend_dist=Path(tmp) / "none")
        count, api_key = asyncio.run(_load(settings, args.regions))
        app = create_app(settings)
        real = _serve(app, 8765)
        with httpx.Client(headers={"Authorization": f"Bearer {api_key}"}) as client:
            body = client.get("http://127.0.0.1:8765/api/v1/regions?limit=500").content
            bare = FastAPI()

            @bare.get("/regions")
            def constant() -> Response:
                return Response(body, media_type="application/json")

            baseline = _serve(bare, 8766)
            t_api = _time(client, "http://127.0.0.1:8765/api/v1/regions?limit=500", args.n)
            t_bare = _time(client, "http://127.0.0.1:8766/regions", args.n)
        real.should_exit = baseline.should_exit = True

    api_ms, bare_ms = statistics.median(t_api) * 1000, statistics.median(t_bare) * 1000
    print(
        json.dumps(
            {
                "regions_loaded": count,
                "response_bytes": len(body),
                "requests": args.n,
                "api_median_ms": round(api_ms, 2),
                "bare_median_ms": round(bare_ms, 2),
                "ratio": round(api_ms / bare_ms, 2),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
