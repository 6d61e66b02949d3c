"""Every evidence file of one Pemda's answers for a period, as one ZIP streamed as written.

The archive is written by the standard library's zipfile into a sink that hands each
piece on at once, so neither the archive nor a whole file is ever held: memory stays at
one chunk however many files there are. On a stream that cannot seek, zipfile writes each
entry's CRC and sizes after its data (a data descriptor). Entries are deflated at the
fastest level: PDFs and images hardly shrink, but an entry *stored* with a data
descriptor is refused by some readers (Java's ZipInputStream), a deflated one by none.

The manifest (manifest.csv) comes last, so it can say which files really went in: the
hash of each file is the one its content was stored under, checked again while it is
copied; a file whose stored object has gone is left out and named as missing.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from siaga.audit.actions import AuditAction, AuditEntity
from siaga.audit.service import Actor, record
from siaga.core.csvstyle import CsvStyle
from siaga.core.security import Principal
from siaga.core.storage import ObjectMissing, Storage
from siaga.evidence import repository
from siaga.exports.tables import Column, csv_header, csv_lines
from siaga.periods.dependencies import period_or_404
from siaga.regions.exceptions import RegionNotFound

logger = logging.getLogger(__name__)

MEDIA_TYPE = "application/zip"
MANIFEST = "manifest.csv"
# Written by the exports' table writer: the same CSV styles and formula neutraliser.
MANIFEST_TABLE = (
    Column("indicator", "text"),
    Column("agency", "text"),
    Column("file", "text"),
    Column("original_name", "text"),
    Column("size", "integer"),
    Column("sha256", "text"),
    Column("content_type", "text"),
    Column("uploaded_at", "datetime"),
    Column("uploaded_by", "text"),
    Column("status", "text"),
)
MANIFEST_COLUMNS = tuple(column.header for column in MANIFEST_TABLE)
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')


@dataclass(frozen=True)
class Entry:
    indicator: str
    agency: str | None
    original_name: str
    size: int
    sha256: str
    content_type: str
    uploaded_at: datetime
    uploaded_by: str | None
    storage_key: str


@dataclass(frozen=True)
class Bundle:
    filename: str
    entries: list[Entry]
    chunks: Iterator[bytes]


class _Sink(io.RawIOBase):
    """A write-only, unseekable file whose bytes are taken out as they are written."""

    def __init__(self) -> None:
        self._pieces: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self._pieces.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        out = b"".join(self._pieces)
        self._pieces.clear()
        return out


def _part(text: str, fallback: str) -> str:
    """One path component safe on every unpacker: no separators, no `..`, no controls."""
    cleaned = _UNSAFE.sub("_", text).strip().lstrip(".").strip()
    return cleaned[:150] or fallback


def _unique(folder: str, name: str, taken: set[str]) -> str:
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    path, n = f"{folder}/{name}", 1
    while path.lower() in taken:
        n += 1
        path = f"{folder}/{stem} ({n}){dot}{ext}"
    taken.add(path.lower())
    return path


def _utc(value: datetime) -> datetime:
    # SQLite hands back naive datetimes; every stored time is UTC.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _zip_time(value: datetime) -> tuple[int, int, int, int, int, int]:
    moment = _utc(value)
    # ZIP cannot hold dates before 1980; none of ours are, but never fail on one.
    moment = max(moment, datetime(1980, 1, 1, tzinfo=UTC))
    return (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)


def _manifest(rows: list[tuple[Entry, str, str]], style: CsvStyle) -> bytes:
    lines = (
        (
            entry.indicator,
            entry.agency,
            path,
            entry.original_name,
            entry.size,
            entry.sha256,
            entry.content_type,
            _utc(entry.uploaded_at),
            entry.uploaded_by,
            status,
        )
        for entry, path, status in rows
    )
    return csv_header(MANIFEST_TABLE, style) + csv_lines(MANIFEST_TABLE, lines, style)


def write_zip(storage: Storage, entries: list[Entry], style: CsvStyle) -> Iterator[bytes]:
    """The archive's bytes as they are written: the files by indicator, then the manifest.

    A plain (blocking) generator: the response iterates it in a worker thread, where the
    storage reads may block.
    """
    sink = _Sink()
    taken: set[str] = {MANIFEST}
    done: list[tuple[Entry, str, str]] = []
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for entry in entries:
            folder = _part(entry.indicator, "indikator")
            path = _unique(folder, _part(entry.original_name, "bukti"), taken)
            try:
                chunks = storage.open_chunks(entry.storage_key)
            except ObjectMissing:
                logger.error("evidence zip: stored object %s is missing", entry.storage_key)
                done.append((entry, "", "missing"))
                continue
            info = zipfile.ZipInfo(path, date_time=_zip_time(entry.uploaded_at))
            info.compress_type = zipfile.ZIP_DEFLATED
            # Known in advance: lets zipfile choose ZIP64 for a file over 4 GiB up front.
            info.file_size = entry.size
            digest = hashlib.sha256()
            with archive.open(info, "w") as target:
                for chunk in chunks:
                    digest.update(chunk)
                    target.write(chunk)
                    if out := sink.take():
                        yield out
            if out := sink.take():
                yield out
            status = "ok"
            if digest.hexdigest() != entry.sha256:
                # Changed on disk outside the application: say so rather than vouch for it.
                logger.error("evidence zip: %s does not match its hash %s", path, entry.sha256)
                status = "hash_mismatch"
            done.append((entry, path, status))
        info = zipfile.ZipInfo(MANIFEST, date_time=_zip_time(datetime.now(UTC)))
        info.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(info, _manifest(done, style))
    yield sink.take()


def _filename(region: str, period: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", f"siaga-bukti-{region}-{period}.zip")


async def bundle(
    session: AsyncSession,
    storage: Storage,
    principal: Principal,
    actor: Actor,
    *,
    period_code: str,
    region_code: str,
    style: CsvStyle,
) -> Bundle:
    """The evidence of the Pemda's answers for the period that the caller may read."""
    period = await period_or_404(session, period_code)
    region = await repository.get_region(session, region_code)
    # Outside the caller's scope answers exactly like an unknown code.
    if region is None or not principal.sees_region(region.code):
        raise RegionNotFound(region_code)
    rows = await repository.files_of_region(session, principal, period.id, region.id)
    entries = [
        Entry(
            indicator=indicator,
            agency=agency,
            original_name=file.original_name,
            size=file.size,
            sha256=file.blob_sha256,
            content_type=file.content_type,
            uploaded_at=file.created_at,
            uploaded_by=uploaded_by,
            storage_key=storage_key,
        )
        for file, storage_key, indicator, agency, uploaded_by in rows
    ]
    # Evidence leaving the system in bulk is on record, like the audit trail's export.
    record(
        session,
        actor,
        AuditAction.EVIDENCE_EXPORT,
        entity_type=AuditEntity.REGION,
        entity_id=region.code,
        region_code=region.code,
        after={
            "period": period.code,
            "files": len(entries),
            "bytes": sum(e.size for e in entries),
        },
    )
    return Bundle(_filename(region.code, period.code), entries, write_zip(storage, entries, style))
