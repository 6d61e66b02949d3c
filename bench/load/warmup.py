"""Warm the freshly started server before the measured run, as a server in service is warm.

The first requests of each kind in each worker build SQLAlchemy's compiled statements,
open pool connections and make asyncpg prepare its statements on each of them; a
production server has done all that long before a deadline day. Only reads, a few per
kind and per worker, so the data the load test meets is unchanged.

    .venv/bin/python bench/load/warmup.py BASE_URL USERS_JSON
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

import httpx

ROUNDS = 8  # per request kind; with 2-4 workers each sees several
CONCURRENCY = 8  # so the pools open more than one connection


async def _get(client: httpx.AsyncClient, token: str, path: str, **params: Any) -> None:
    response = await client.get(path, params=params, headers={"Authorization": f"Bearer {token}"})
    response.raise_for_status()


async def main(base_url: str, cast: dict[str, Any]) -> None:
    period = cast["period"]
    operator, verifier = cast["operators"][0], cast["verifiers"][0]
    national, province = cast["viewers"][0], cast["viewers"][1]
    requests = [
        (operator["token"], "/tasks", {"period": period, "limit": 100}),
        (operator["token"], "/submissions", {"period": period, "agency": operator["agency"]}),
        (operator["token"], f"/scores/{operator['region']}/{period}", {}),
        (operator["token"], "/periods", {}),
        (
            verifier["token"],
            "/submissions",
            {"period": period, "region": verifier["region"], "status": "submitted"},
        ),
        (province["token"], "/scores", {"period": period, "region": province["region"]}),
        (province["token"], "/submissions", {"period": period, "region": province["region"]}),
        (national["token"], "/scores", {"period": period}),
    ]
    limit = asyncio.Semaphore(CONCURRENCY)

    async def one(client: httpx.AsyncClient, token: str, path: str, params: Any) -> None:
        async with limit:
            await _get(client, token, path, **params)

    async with httpx.AsyncClient(base_url=f"{base_url}/api/v1", timeout=30) as client:
        await asyncio.gather(
            *(one(client, *request) for _ in range(ROUNDS) for request in requests)
        )
    print(f"warmed up: {ROUNDS * len(requests)} reads")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], json.loads(Path(sys.argv[2]).read_text(encoding="utf-8"))))
