"""A real Siaga server in a child process, on a database and evidence folder of its own,
that a test can kill with SIGKILL and start again, as a crash in production would.

The demo data is seeded once per backend into a template (a SQLite file, a PostgreSQL
template database); every deployment is a fresh copy of it, so a test may break its
copy freely.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from siaga.core.settings import DEFAULT_DEMO_PASSWORD, normalise_database_url
from tests.fixtures.client import API, NO_FRONTEND
from tests.fixtures.db import postgres_url, run_in_thread, scratch_postgres_url

# Generous: the machine running the suite may be busy with other work.
START_TIMEOUT = 90.0
DEMO_PASSWORD = DEFAULT_DEMO_PASSWORD


def _asyncpg_dsn(url: str, database: str | None = None) -> str:
    parsed = make_url(url).set(drivername="postgresql")
    if database is not None:
        parsed = parsed.set(database=database)
    return parsed.render_as_string(hide_password=False)


@dataclass
class Deployment:
    """One installation: a database and an evidence directory."""

    database_url: str  # as an operator writes it: sqlite:///... or postgresql://...
    storage_dir: Path
    workdir: Path

    @property
    def backend(self) -> str:
        return "sqlite" if self.database_url.startswith("sqlite") else "postgresql"

    @property
    def staging_dir(self) -> Path:
        return self.storage_dir / ".staging"

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SIAGA_")}
        env.update(
            SIAGA_ENV="development",
            SIAGA_DATABASE_URL=self.database_url,
            SIAGA_STORAGE_DIR=str(self.storage_dir),
            SIAGA_FRONTEND_DIST=str(NO_FRONTEND),
            SIAGA_LOG_LEVEL="WARNING",
            **extra,
        )
        return env

    def cli(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        # cwd: a developer's .env in the project must not redirect the child.
        result = subprocess.run(  # noqa: S603 - our own interpreter and arguments
            [sys.executable, "-m", "siaga.cli", *args],
            env=self.env(),
            cwd=self.workdir,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        assert result.returncode == 0, f"siaga {' '.join(args)}: {result.stderr}{result.stdout}"
        return result

    async def rows(self, sql: str, **params: Any) -> list[Sequence[Any]]:
        engine = create_async_engine(normalise_database_url(self.database_url), poolclass=NullPool)
        try:
            async with engine.connect() as conn:
                return list((await conn.execute(text(sql), params)).all())
        finally:
            await engine.dispose()

    async def scalar(self, sql: str, **params: Any) -> Any:
        rows = await self.rows(sql, **params)
        return rows[0][0]

    def stored_files(self) -> set[str]:
        """Every file under the evidence root except the staging directory."""
        if not self.storage_dir.exists():
            return set()
        return {
            p.relative_to(self.storage_dir).as_posix()
            for p in self.storage_dir.rglob("*")
            if p.is_file() and not p.is_relative_to(self.staging_dir)
        }

    def staging_files(self) -> list[Path]:
        if not self.staging_dir.exists():
            return []
        return sorted(self.staging_dir.iterdir())


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Server:
    """`uvicorn siaga.main:create_app --factory`, one worker, as `siaga serve` runs it."""

    def __init__(self, deployment: Deployment, log_path: Path, **env: str) -> None:
        self.deployment = deployment
        self.log_path = log_path
        self.env = env  # extra SIAGA_* settings of this server
        self.port = _free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        assert self.process is None or self.process.poll() is not None
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
                [
                    sys.executable,
                    "-m",
                    "uvicorn",
                    "siaga.main:create_app",
                    "--factory",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--log-level",
                    "warning",
                ],
                env=self.deployment.env(**self.env),
                cwd=self.deployment.workdir,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self._wait_ready()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        assert self.process is not None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"server exited: {self.log_path.read_text()[-3000:]}")
            try:
                if httpx.get(f"{self.base_url}{API}/healthz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"server not ready in {START_TIMEOUT} s")

    def kill(self) -> None:
        """SIGKILL: no shutdown handler, no cleanup, as when the machine loses power."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def login(self, username: str, password: str = DEMO_PASSWORD) -> dict[str, str]:
        response = httpx.post(
            f"{self.base_url}{API}/auth/login",
            json={"username": username, "password": password},
            timeout=60,
        )
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['token']}"}


@contextmanager
def running(deployment: Deployment, log_path: Path, **env: str) -> Iterator[Server]:
    server = Server(deployment, log_path, **env)
    server.start()
    try:
        yield server
    finally:
        server.stop()


class Templates:
    """Seeded demo installations to copy, one per backend, made on first use."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._made: dict[str, Deployment] = {}
        self._databases: list[str] = []

    def _template(self, backend: str) -> Deployment:
        if backend not in self._made:
            workdir = self.root / f"template-{backend}"
            workdir.mkdir()
            if backend == "sqlite":
                url = f"sqlite:///{workdir / 'siaga.db'}"
            else:
                url = self._create_postgres(f"tpl_{uuid.uuid4().hex[:8]}")
            template = Deployment(url, workdir / "evidence", workdir)
            template.cli("migrate")
            template.cli("seed", "demo")
            self._made[backend] = template
        return self._made[backend]

    def _create_postgres(self, suffix: str, template: str | None = None) -> str:
        base = postgres_url()
        assert base is not None
        url = scratch_postgres_url(base, f"faults_{suffix}")
        name = make_url(url).database
        assert name is not None
        clause = f' TEMPLATE "{template}"' if template else ""
        admin_sql(base, f'CREATE DATABASE "{name}"{clause}')
        self._databases.append(name)
        return url

    def deployment(self, backend: str, workdir: Path) -> Deployment:
        """A fresh copy of the seeded demo installation."""
        template = self._template(backend)
        if backend == "sqlite":
            url = f"sqlite:///{workdir / 'siaga.db'}"
            source = sqlite3.connect(make_url(template.database_url).database or "")
            target = sqlite3.connect(workdir / "siaga.db")
            with target:
                source.backup(target)
            source.close()
            target.close()
        else:
            name = make_url(template.database_url).database
            url = self._create_postgres(uuid.uuid4().hex[:8], template=name)
        shutil.copytree(template.storage_dir, workdir / "evidence")
        return Deployment(url, workdir / "evidence", workdir)

    def drop_all(self) -> None:
        base = postgres_url()
        if base is None:
            return
        for name in reversed(self._databases):
            admin_sql(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self._databases.clear()


def admin_sql(url: str, sql: str) -> None:
    """Run `sql` (CREATE or DROP DATABASE) on the server's `postgres` database."""

    async def run() -> None:
        conn = await asyncpg.connect(_asyncpg_dsn(url, "postgres"), timeout=10)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    # The tests' event loop is running on this thread; asyncio.run needs its own.
    run_in_thread(lambda: asyncio.run(run()))
