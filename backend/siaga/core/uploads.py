"""Receiving one uploaded file safely: streamed to a staging file (never held whole in
memory), size-limited while it arrives, typed by its content, its name made harmless."""

from __future__ import annotations

import errno
import hashlib
import os
import tempfile
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from python_multipart import MultipartParser
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import parse_options_header
from starlette.concurrency import run_in_threadpool

from siaga.core.errors import AppError, InvalidInput

MIB = 1024 * 1024
# Multipart framing around the file (boundaries, part headers, small fields): a body may
# exceed the file limit by this much before it is refused.
ENVELOPE_ALLOWANCE = 64 * 1024
FILE_FIELD = "file"
_STAGING_PREFIX = "upload-"
# Header bytes a part may carry; python-multipart's default is generous enough for a
# 300-character name in UTF-8, and anything larger is not a browser's upload.
_MAX_PART_HEADER = 8 * 1024


class TooLarge(AppError):
    status_code = 413
    code = "too_large"

    def __init__(self, limit: int) -> None:
        mb = limit // MIB
        super().__init__(
            f"Berkas melebihi batas {mb} MB (the file is larger than the {mb} MB limit)",
            details=[{"limit_bytes": limit}],
        )


class StorageFull(AppError):
    # 507: the request was fine, the server has no room for it; retrying later (after
    # an administrator frees space) works, unlike after a 413.
    status_code = 507
    code = "insufficient_storage"
    message = (
        "Ruang penyimpanan server penuh; berkas tidak disimpan, coba lagi nanti atau "
        "hubungi administrator (the server's storage is full; the file was not stored)"
    )


# No space left on the device, or the disk quota is used up.
DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})


def _invalid(message: str) -> InvalidInput:
    return InvalidInput(message, details=[{"field": FILE_FIELD, "message": message}])


@dataclass
class StagedUpload:
    path: Path
    sha256: str
    size: int
    # As the client sent it: unsanitised, for sanitize_filename only.
    filename: str


@dataclass
class _Receiver:
    limit: int
    hasher: hashlib._Hash = field(default_factory=hashlib.sha256)
    size: int = 0
    pending: list[bytes] = field(default_factory=list)
    header_name: bytes = b""
    header_value: bytes = b""
    header_bytes: int = 0
    disposition: bytes = b""
    in_file: bool = False
    file_parts: int = 0
    filename: str = ""
    complete: bool = False

    def on_part_begin(self) -> None:
        self.disposition, self.in_file, self.header_bytes = b"", False, 0

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._count_header(end - start)
        self.header_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._count_header(end - start)
        self.header_value += data[start:end]

    def _count_header(self, n: int) -> None:
        self.header_bytes += n
        if self.header_bytes > _MAX_PART_HEADER:
            raise _invalid("Header bagian multipart terlalu panjang (part headers too long)")

    def on_header_end(self) -> None:
        if self.header_name.lower() == b"content-disposition":
            self.disposition = self.header_value
        self.header_name, self.header_value = b"", b""

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self.disposition)
        name = options.get(b"name", b"")
        if name != FILE_FIELD.encode() and b"filename" not in options:
            return  # a plain form field; its bytes only count towards the body limit
        self.file_parts += 1
        if name != FILE_FIELD.encode() or self.file_parts > 1:
            raise _invalid(
                "Kirim tepat satu berkas pada field `file` (send exactly one file, as `file`)"
            )
        self.in_file = True
        self.filename = options.get(b"filename", b"").decode("utf-8", errors="replace")

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if not self.in_file:
            return
        self.size += end - start
        # Raised inside the parser's write, so reading stops at the first byte too many.
        if self.size > self.limit:
            raise TooLarge(self.limit)
        chunk = data[start:end]
        self.hasher.update(chunk)
        self.pending.append(chunk)

    def on_end(self) -> None:
        self.complete = True


def check_declared_length(headers: Mapping[str, str], limit: int) -> None:
    """Refuse a body whose declared length is already over the limit, before reading it."""
    raw = headers.get("content-length")
    if raw is None:
        return  # chunked: counted while it streams
    try:
        declared = int(raw)
    except ValueError:
        raise _invalid("Content-Length tidak sah (invalid Content-Length)") from None
    if declared > limit + ENVELOPE_ALLOWANCE:
        raise TooLarge(limit)


def _boundary(headers: Mapping[str, str]) -> bytes:
    content_type, options = parse_options_header(headers.get("content-type", ""))
    boundary = options.get(b"boundary", b"")
    if content_type != b"multipart/form-data" or not boundary or len(boundary) > 200:
        raise _invalid(
            "Kirim berkas sebagai multipart/form-data dengan field `file` "
            "(send the file as multipart/form-data, field `file`)"
        )
    return boundary


def _open_staging(staging_dir: Path) -> tuple[BinaryIO, Path]:
    staging_dir.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=staging_dir, prefix=_STAGING_PREFIX)
    return os.fdopen(fd, "wb"), Path(name)


def _write(handle: BinaryIO, chunks: list[bytes]) -> None:
    for chunk in chunks:
        handle.write(chunk)


def _close(handle: BinaryIO) -> None:
    # close() flushes and closes the descriptor even when the flush fails (a full
    # disk); a separate flush() first would leak the descriptor in that case.
    handle.close()


async def receive_file(
    headers: Mapping[str, str],
    stream: AsyncIterator[bytes],
    staging_dir: Path,
    limit: int,
) -> StagedUpload:
    """Stream the multipart body's `file` part into a staging file, hashing and counting.

    On any failure the staging file is removed; on success the caller owns it.
    """
    check_declared_length(headers, limit)
    receiver = _Receiver(limit=limit)
    parser = MultipartParser(
        _boundary(headers),
        {
            "on_part_begin": receiver.on_part_begin,
            "on_part_data": receiver.on_part_data,
            "on_header_field": receiver.on_header_field,
            "on_header_value": receiver.on_header_value,
            "on_header_end": receiver.on_header_end,
            "on_headers_finished": receiver.on_headers_finished,
            "on_end": receiver.on_end,
        },
    )
    try:
        handle, path = await run_in_threadpool(_open_staging, staging_dir)
    except OSError as exc:
        if exc.errno in DISK_FULL_ERRNOS:
            raise StorageFull() from exc
        raise
    body_limit = limit + ENVELOPE_ALLOWANCE
    received = 0
    try:
        try:
            async for chunk in stream:
                received += len(chunk)
                if received > body_limit:
                    raise TooLarge(limit)
                parser.write(chunk)
                if receiver.pending:
                    pending, receiver.pending = receiver.pending, []
                    await run_in_threadpool(_write, handle, pending)
            parser.finalize()
        except MultipartParseError:
            raise _invalid("Badan multipart rusak (malformed multipart body)") from None
        finally:
            await run_in_threadpool(_close, handle)
        if not receiver.complete:
            raise _invalid("Badan multipart tidak lengkap (incomplete multipart body)")
        if receiver.file_parts == 0:
            raise _invalid("Field `file` tidak ada (the `file` field is missing)")
        if receiver.size == 0:
            raise _invalid("Berkas kosong (the file is empty)")
    except BaseException as exc:
        path.unlink(missing_ok=True)
        if isinstance(exc, OSError) and exc.errno in DISK_FULL_ERRNOS:
            raise StorageFull() from exc
        raise
    return StagedUpload(path, receiver.hasher.hexdigest(), receiver.size, receiver.filename)


def remove_stale_staging(staging_dir: Path, older_than: datetime) -> int:
    """Delete staging files left by crashed uploads; returns how many."""
    if not staging_dir.is_dir():
        return 0
    cutoff, removed = older_than.timestamp(), 0
    for path in staging_dir.iterdir():
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            continue
    return removed
