"""Benchmark: an authenticated read while a burst of refused requests arrives.

A real server (uvicorn, one process, pool 10 + 10, as `siaga serve` runs) on the seeded
demo data. The baseline, measured in the same run, is the same read on the idle server;
then each round sends BURST refused requests at once (wrong passwords, forbidden writes,
invalid tokens, a quarter each) while a thread of its own times reads one after another.

    .venv/bin/python bench/refusal_burst.py [--source DIR] [--rounds 5] [--burst 120]

`--source` runs the server from another checkout's backend/ (e.g. a `git worktree` of an
older commit) with this virtualenv, to measure before and after on one machine.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import asyncpg
import httpx

API = "/api/v1"
ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DB = "postgresql://postgres@127.0.0.1:5432/siaga_bench_refusals"
PASSWORD = "siaga-demo-2024"  # noqa: S105 - the published demo password
READ = f"{API}/regions?limit=20"
TIMEOUT = httpx.Timeout(40.0)  # past the pool's 30 s timeout, so a stall shows as one


def _env(source: Path, url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIAGA_")}
    env.update(
        PYTHONPATH=str(source / "backend"),
        SIAGA_ENV="development",
        SIAGA_DATABASE_URL=url,
        SIAGA_STORAGE_DIR=tempfile.mkdtemp(prefix="siaga-bench-"),
        SIAGA_LOG_LEVEL="WARNING",
        SIAGA_FRONTEND_DIST=tempfile.mkdtemp(prefix="siaga-nodist-"),
    )
    return env


async def _recreate(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    admin = await asyncpg.connect(url.rsplit("/", 1)[0] + "/postgres")
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start(env: dict[str, str], log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [
                *(sys.executable, "-m", "uvicorn", "siaga.main:create_app", "--factory"),
                *("--port", str(port), "--log-level", "warning"),
            ],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            if httpx.get(f"{base}{API}/healthz", timeout=2).status_code == 200:
                return process, base
        except httpx.TransportError:
            time.sleep(0.1)
    raise SystemExit(f"server did not start: {log.read_text()[-2000:]}")


def _token(base: str, username: str) -> dict[str, str]:
    response = httpx.post(
        f"{base}{API}/auth/login", json={"username": username, "password": PASSWORD}, timeout=60
    )
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['token']}"}


def _idle(base: str, headers: dict[str, str], n: int) -> list[float]:
    with httpx.Client(base_url=base, headers=headers, timeout=TIMEOUT) as client:
        client.get(READ).raise_for_status()
        samples = []
        for _ in range(n):
            started = time.perf_counter()
            client.get(READ).raise_for_status()
            samples.append(time.perf_counter() - started)
        return samples


async def _refused(client: httpx.AsyncClient, n: int, viewer: dict[str, str]) -> int:
    try:
        if n % 4 in (0, 1):
            response = await client.post(
                f"{API}/auth/login", json={"username": f"tamu.{n}", "password": "salah-sandi-1"}
            )
        elif n % 4 == 2:
            response = await client.post(
                f"{API}/users",
                json={"username": f"penyusup.{n}", "role": "admin", "password": "Rahasia-77-x"},
                headers=viewer,
            )
        else:
            bad = {"Authorization": f"Bearer palsu-{uuid.uuid4().hex}"}
            response = await client.delete(f"{API}/api-keys/abc", headers=bad)
    except httpx.TimeoutException:
        return 0
    return response.status_code


def _round(
    base: str, admin: dict[str, str], viewer: dict[str, str], burst: int
) -> tuple[list[float], Counter[int], float]:
    latencies: list[float] = []
    done = threading.Event()

    def read() -> None:
        with httpx.Client(base_url=base, headers=admin, timeout=TIMEOUT) as client:
            client.get(READ)
            while not done.is_set() or not latencies:
                started = time.perf_counter()
                with contextlib.suppress(httpx.TimeoutException):  # counted by its time
                    client.get(READ)
                latencies.append(time.perf_counter() - started)

    async def flood() -> list[int]:
        limits = httpx.Limits(max_connections=burst + 10, max_keepalive_connections=burst + 10)
        async with httpx.AsyncClient(base_url=base, timeout=TIMEOUT, limits=limits) as client:
            return await asyncio.gather(*(_refused(client, n, viewer) for n in range(burst)))

    reader = threading.Thread(target=read)
    reader.start()
    started = time.perf_counter()
    statuses = asyncio.run(flood())
    elapsed = time.perf_counter() - started
    done.set()
    reader.join()
    return latencies, Counter(statuses), elapsed


def _ms(value: float) -> str:
    return f"{value * 1000:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--source", type=Path, default=ROOT)
    parser.add_argument("--database-url", default=DEFAULT_DB)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--burst", type=int, default=120)
    parser.add_argument("-n", type=int, default=100, help="idle reads for the baseline")
    args = parser.parse_args()

    asyncio.run(_recreate(args.database_url))
    env = _env(args.source.resolve(), args.database_url)
    for step in (["migrate"], ["seed", "demo"]):
        subprocess.run(  # noqa: S603 - our own interpreter and arguments
            [sys.executable, "-m", "siaga.cli", *step], env=env, check=True, capture_output=True
        )
    log = Path(tempfile.mkdtemp()) / "server.log"
    process, base = _start(env, log)
    try:
        admin, viewer = _token(base, "admin"), _token(base, "pemantau.64")
        idle = _idle(base, admin, args.n)
        print(f"source {args.source}  burst {args.burst}  rounds {args.rounds}")
        print(f"idle read: median {_ms(statistics.median(idle))}, max {_ms(max(idle))}")
        for n in range(args.rounds):
            latencies, statuses, elapsed = _round(base, admin, viewer, args.burst)
            p95 = statistics.quantiles(latencies, n=20)[-1] if len(latencies) > 1 else latencies[0]
            print(
                f"round {n + 1}: burst answered in {elapsed:.2f} s, statuses {dict(statuses)}"
                f" (0 = timed out); reads {len(latencies)}: median"
                f" {_ms(statistics.median(latencies))}, p95 {_ms(p95)}, max {_ms(max(latencies))};"
                f" max / idle median {max(latencies) / statistics.median(idle):.1f}"
            )
    finally:
        process.terminate()
        process.wait(timeout=30)


if __name__ == "__main__":
    main()
