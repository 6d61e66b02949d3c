#!/usr/bin/env python3
"""The archive half of scripts/backup.sh and scripts/restore.sh (Python standard library
only, so it runs wherever python3 does, without the application installed).

    sqlite-snapshot  copy a live SQLite database (online backup API) and list its
                     row counts and evidence blobs, all from the one copy
    pack             write the archive: database dump, every evidence object the
                     database references (checksummed while read), manifest
    counts           row counts of a restored SQLite database, as counts.tsv
    check            compare a restored database's counts with the manifest's

Archive layout (a plain tar; the dump and the evidence files are compressed already):

    manifest.json        what, when, from which schema revision, rows per table
    database.pgdump      pg_dump --format=custom   (PostgreSQL)
    database.sqlite3     a consistent copy         (SQLite)
    evidence.sha256      `sha256sum -c` list of every object under evidence/
    evidence/<key>       the objects, under their storage keys (sha256/ab/cd/<hash>)
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import sqlite3
import sys
import tarfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

FORMAT = 1
CHUNK = 1024 * 1024


def _fail(message: str) -> None:
    print(f"backup: {message}", file=sys.stderr)
    raise SystemExit(1)


def _write_tsv(path: Path, rows: list[tuple[object, ...]]) -> None:
    with path.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write("\t".join(str(value) for value in row) + "\n")


def _read_tsv(path: Path) -> list[list[str]]:
    if not path.exists():
        return []
    return [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines() if line]


def _sqlite_counts(conn: sqlite3.Connection) -> list[tuple[object, ...]]:
    tables = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    # Table names come from the schema itself, quoted; nothing user-supplied.
    return [
        (table, conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0])  # noqa: S608
        for table in tables
    ]


def sqlite_snapshot(database: Path, work: Path) -> None:
    if not database.is_file():
        _fail(f"SQLite database {database} does not exist")
    target_path = work / "database.sqlite3"
    # The online backup API copies a consistent state even while the server writes.
    source = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    target = sqlite3.connect(target_path)
    try:
        source.backup(target)
    finally:
        source.close()
    try:
        _write_tsv(work / "counts.tsv", _sqlite_counts(target))
        _write_tsv(
            work / "blobs.tsv",
            list(
                target.execute(
                    "SELECT sha256, storage_key, size FROM evidence_blobs ORDER BY sha256"
                )
            ),
        )
        revision = target.execute("SELECT version_num FROM alembic_version").fetchone()
        (work / "revision.txt").write_text(f"{revision[0] if revision else ''}\n")
    except sqlite3.Error as exc:
        _fail(f"{database} is not a Siaga database: {exc}")
    finally:
        target.close()


class _HashingReader:
    """Reads a file for tarfile while hashing exactly the bytes that go into the archive."""

    def __init__(self, handle: BinaryIO) -> None:
        self.handle = handle
        self.hasher = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.hasher.update(data)
        return data


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(time.time()), 0o644
    archive.addfile(info, io.BytesIO(data))


def pack(work: Path, kind: str, storage: Path | None, output: Path) -> None:
    dump_name = "database.pgdump" if kind == "postgresql" else "database.sqlite3"
    dump = work / dump_name
    if not dump.is_file():
        _fail(f"{dump} is missing")
    blobs = _read_tsv(work / "blobs.tsv")
    counts = {table: int(n) for table, n in _read_tsv(work / "counts.tsv")}
    revision = (work / "revision.txt").read_text().strip()

    partial = output.with_name(output.name + ".partial")
    sums: list[str] = []
    missing: list[str] = []
    corrupt: list[str] = []
    size_total = 0
    with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as archive:
        archive.add(dump, arcname=dump_name)
        for sha256, key, _size in blobs if storage is not None else []:
            assert storage is not None
            path = storage / key
            try:
                handle = path.open("rb")
            except FileNotFoundError:
                # Deleted after the database snapshot (its answer's file was removed
                # meanwhile), or lost before: the restored row will have no content.
                missing.append(key)
                continue
            with handle:
                info = archive.gettarinfo(fileobj=handle, arcname=f"evidence/{key}")
                reader = _HashingReader(handle)
                archive.addfile(info, reader)
            digest = reader.hasher.hexdigest()
            if digest != sha256:
                corrupt.append(key)
            sums.append(f"{digest}  evidence/{key}")
            size_total += info.size
        manifest = {
            "format": FORMAT,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "database": kind,
            "database_file": dump_name,
            "alembic_revision": revision,
            "tables": counts,
            "evidence": {
                "included": storage is not None,
                "objects": len(sums),
                "bytes": size_total,
                "referenced": len(blobs),
                "checksums": "evidence.sha256",
                "missing": missing,
                "corrupt": corrupt,
            },
        }
        _add_bytes(archive, "evidence.sha256", "".join(f"{line}\n" for line in sums).encode())
        _add_bytes(
            archive,
            "manifest.json",
            (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode(),
        )
    if storage is None:
        # S3 deployments: the list of objects the database expects, to check a mirror.
        expected = "".join(f"{sha256}  {key}\n" for sha256, key, _ in blobs)
        output.with_suffix(".expected-objects.sha256").write_text(expected)
    os.replace(partial, output)
    for key in missing:
        print(f"backup: warning: evidence object {key} is missing from the store", file=sys.stderr)
    for key in corrupt:
        print(f"backup: warning: evidence object {key} does not match its hash", file=sys.stderr)
    rows = sum(counts.values())
    print(
        f"{output}: {len(counts)} tables, {rows} rows, {len(sums)} evidence objects "
        f"({size_total / 1048576:.1f} MiB)"
        + (f", {len(missing)} missing" if missing else "")
        + (f", {len(corrupt)} corrupt" if corrupt else "")
    )


def counts(database: Path, out: Path) -> None:
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        _write_tsv(out, _sqlite_counts(conn))
    finally:
        conn.close()


def check(manifest_path: Path, counts_path: Path) -> None:
    manifest = json.loads(manifest_path.read_text())
    expected: dict[str, int] = manifest["tables"]
    actual = {table: int(n) for table, n in _read_tsv(counts_path)}
    problems = [
        f"{table}: {expected.get(table)} in the backup, {actual.get(table)} restored"
        for table in sorted(set(expected) | set(actual))
        if expected.get(table) != actual.get(table)
    ]
    if problems:
        _fail("restored row counts differ from the manifest:\n  " + "\n  ".join(problems))
    print(f"row counts match the manifest ({len(actual)} tables, {sum(actual.values())} rows)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("sqlite-snapshot")
    p.add_argument("--database", type=Path, required=True)
    p.add_argument("--work", type=Path, required=True)
    p = sub.add_parser("pack")
    p.add_argument("--work", type=Path, required=True)
    p.add_argument("--kind", choices=["postgresql", "sqlite"], required=True)
    p.add_argument("--storage", type=Path)
    p.add_argument("--output", type=Path, required=True)
    p = sub.add_parser("counts")
    p.add_argument("--database", type=Path, required=True)
    p.add_argument("--out", type=Path, required=True)
    p = sub.add_parser("check")
    p.add_argument("--manifest", type=Path, required=True)
    p.add_argument("--counts", type=Path, required=True)
    args = parser.parse_args()
    if args.command == "sqlite-snapshot":
        sqlite_snapshot(args.database, args.work)
    elif args.command == "pack":
        pack(args.work, args.kind, args.storage, args.output)
    elif args.command == "counts":
        counts(args.database, args.out)
    else:
        check(args.manifest, args.counts)


if __name__ == "__main__":
    main()
