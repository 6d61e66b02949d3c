"""scripts/backup.sh and scripts/restore.sh: a seeded installation backed up, restored
into a fresh database and evidence directory, and compared table by table and object by
object; restores that would overwrite data, or that come from a damaged archive, refuse."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import tarfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import make_url

from tests.faults.server import Deployment, admin_sql, running
from tests.fixtures.db import REQUIRE_POSTGRES_ENV, postgres_url, scratch_postgres_url

ROOT = Path(__file__).resolve().parents[2]
BACKUP = ROOT / "scripts" / "backup.sh"
RESTORE = ROOT / "scripts" / "restore.sh"


def _run(
    *args: str | Path, cwd: Path, env: Deployment | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a script; with `env`, configured for that installation as the server would be."""
    environment = (
        env.env()
        if env is not None
        else {k: v for k, v in os.environ.items() if not k.startswith("SIAGA_")}
    )
    return subprocess.run(  # noqa: S603 - our own scripts, fixed arguments
        [str(a) for a in args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


class Databases:
    """Scratch PostgreSQL databases next to the test database, dropped afterwards."""

    def __init__(self) -> None:
        self.base = postgres_url()
        self.names: list[str] = []

    def create(self, label: str) -> str:
        assert self.base is not None
        url = scratch_postgres_url(self.base, f"ops_{label}_{uuid.uuid4().hex[:8]}")
        name = make_url(url).database
        admin_sql(self.base, f'CREATE DATABASE "{name}"')
        self.names.append(str(name))
        return url

    def drop_all(self) -> None:
        assert self.base is not None
        for name in self.names:
            admin_sql(self.base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def databases() -> Iterator[Databases]:
    if postgres_url() is None:
        pytest.skip("the pg_dump path needs SIAGA_TEST_DATABASE_URL (PostgreSQL)")
    missing = [tool for tool in ("pg_dump", "pg_restore", "psql") if shutil.which(tool) is None]
    if missing:
        message = f"{', '.join(missing)} not on PATH (install postgresql-client)"
        # CI promises PostgreSQL: a missing client must fail there, not shrink the run.
        if os.environ.get(REQUIRE_POSTGRES_ENV) == "1":
            pytest.fail(message)
        pytest.skip(message)
    databases = Databases()
    yield databases
    databases.drop_all()


def _seeded(url: str, root: Path) -> Deployment:
    root.mkdir()
    deployment = Deployment(url, root / "evidence", root)
    deployment.cli("migrate")
    deployment.cli("seed", "demo")
    return deployment


async def _tables(deployment: Deployment) -> dict[str, tuple[int, str]]:
    """Row count and a checksum of the whole content, per table."""
    if deployment.backend == "postgresql":
        names = await deployment.rows(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
        template = (
            "SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) "
            'FROM "{}" t'
        )
    else:
        names = await deployment.rows(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
        template = 'SELECT * FROM "{}"'
    result: dict[str, tuple[int, str]] = {}
    for (name,) in names:
        rows = await deployment.rows(template.format(name))
        if deployment.backend == "postgresql":
            result[name] = (rows[0][0], rows[0][1])
        else:
            digest = hashlib.md5(  # noqa: S324 - a content fingerprint, not security
                "\n".join(sorted(repr(tuple(r)) for r in rows)).encode()
            ).hexdigest()
            result[name] = (len(rows), digest)
    return result


async def _sequences(deployment: Deployment) -> list[tuple[str, int | None]]:
    """Where each id sequence stands, so new rows after a restore get fresh ids."""
    rows = await deployment.rows(
        "SELECT sequencename, last_value FROM pg_sequences "
        "WHERE schemaname = 'public' ORDER BY sequencename"
    )
    return [(r[0], r[1]) for r in rows]


async def _assert_evidence_restored(original: Deployment, restored: Deployment) -> int:
    blobs = await restored.rows("SELECT sha256, storage_key FROM evidence_blobs")
    assert blobs, "the demo data has evidence"
    for sha256, key in blobs:
        content = (restored.storage_dir / key).read_bytes()
        assert hashlib.sha256(content).hexdigest() == sha256
    # Exactly the referenced objects, nothing else (no staging, no orphans).
    assert restored.stored_files() == {key for _, key in blobs}
    assert restored.stored_files() == original.stored_files()
    return len(blobs)


def _only_archive(directory: Path) -> Path:
    (archive,) = directory.glob("siaga-backup-*.tar")
    return archive


def _tampered_copy(archive: Path, target: Path) -> Path:
    """The archive with one byte of one evidence object changed."""
    with tarfile.open(archive) as source, tarfile.open(target, "w") as out:
        changed = False
        for member in source.getmembers():
            data = source.extractfile(member).read() if member.isfile() else None  # type: ignore[union-attr]
            if data and not changed and member.name.startswith("evidence/"):
                data = bytes([data[0] ^ 0xFF]) + data[1:]
                changed = True
            out.addfile(member, io.BytesIO(data) if data is not None else None)
    return target


async def test_postgresql_backup_restores_into_a_fresh_database(
    databases: Databases, tmp_path: Path
) -> None:
    source = _seeded(databases.create("src"), tmp_path / "source")
    # A login after seeding, so sessions and audit rows are in the backup too.
    with running(source, tmp_path / "source.log") as server:
        server.login("admin")

    backups = tmp_path / "backups"
    result = _run(BACKUP, "--output-dir", backups, cwd=tmp_path, env=source)
    assert result.returncode == 0, result.stderr
    archive = _only_archive(backups)
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))  # type: ignore[arg-type]
        names = set(tar.getnames())
    assert manifest["database"] == "postgresql"
    assert {"database.pgdump", "evidence.sha256", "manifest.json"} <= names
    assert manifest["evidence"]["missing"] == [] and manifest["evidence"]["corrupt"] == []
    before = await _tables(source)
    assert {t: c for t, (c, _) in before.items()} == manifest["tables"]

    restored = Deployment(databases.create("dst"), tmp_path / "restored" / "evidence", tmp_path)
    result = _run(
        RESTORE,
        archive,
        "--database-url",
        restored.database_url,
        "--storage-dir",
        restored.storage_dir,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "row counts match the manifest" in result.stdout

    assert await _tables(restored) == before
    assert await _sequences(restored) == await _sequences(source)
    objects = await _assert_evidence_restored(source, restored)
    assert objects == manifest["evidence"]["objects"]

    # The restored installation serves: a user logs in and downloads evidence intact.
    with running(restored, tmp_path / "restored.log") as server:
        headers = server.login("admin")
        evidence_id, sha256 = (
            await restored.rows("SELECT id, blob_sha256 FROM evidence_files LIMIT 1")
        )[0]
        async with httpx.AsyncClient(base_url=server.base_url, timeout=60) as client:
            download = await client.get(f"/api/v1/evidence/{evidence_id}", headers=headers)
        assert download.status_code == 200
        assert hashlib.sha256(download.content).hexdigest() == sha256

    # Once it holds data, the target is not overwritten without --force.
    again = _run(
        RESTORE,
        archive,
        "--database-url",
        restored.database_url,
        "--storage-dir",
        tmp_path / "empty",
        cwd=tmp_path,
    )
    assert again.returncode != 0
    assert "use --force" in again.stderr
    forced = _run(
        RESTORE,
        archive,
        "--database-url",
        restored.database_url,
        "--storage-dir",
        restored.storage_dir,
        "--force",
        cwd=tmp_path,
    )
    assert forced.returncode == 0, forced.stderr
    assert await _tables(restored) == before


async def test_damaged_archive_changes_nothing(databases: Databases, tmp_path: Path) -> None:
    source = _seeded(databases.create("src"), tmp_path / "source")
    result = _run(BACKUP, "--output-dir", tmp_path / "backups", cwd=tmp_path, env=source)
    assert result.returncode == 0, result.stderr
    damaged = _tampered_copy(_only_archive(tmp_path / "backups"), tmp_path / "damaged.tar")

    target = Deployment(databases.create("dst"), tmp_path / "target" / "evidence", tmp_path)
    result = _run(
        RESTORE,
        damaged,
        "--database-url",
        target.database_url,
        "--storage-dir",
        target.storage_dir,
        cwd=tmp_path,
    )
    assert result.returncode != 0
    assert "do not match their checksums" in result.stderr
    assert await target.scalar("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == 0
    assert not target.storage_dir.exists()


async def test_sqlite_backup_restores(tmp_path: Path) -> None:
    source = _seeded(f"sqlite:///{tmp_path / 'source' / 'siaga.db'}", tmp_path / "source")
    result = _run(BACKUP, "--output-dir", tmp_path / "backups", cwd=tmp_path, env=source)
    assert result.returncode == 0, result.stderr
    archive = _only_archive(tmp_path / "backups")

    restored = Deployment(
        f"sqlite:///{tmp_path / 'restored' / 'siaga.db'}",
        tmp_path / "restored" / "evidence",
        tmp_path,
    )
    args = ("--database-url", restored.database_url, "--storage-dir", restored.storage_dir)
    result = _run(RESTORE, archive, *args, cwd=tmp_path)
    assert result.returncode == 0, result.stderr + result.stdout
    assert await _tables(restored) == await _tables(source)
    await _assert_evidence_restored(source, restored)

    refused = _run(RESTORE, archive, *args, cwd=tmp_path)
    assert refused.returncode != 0
    assert "use --force" in refused.stderr
