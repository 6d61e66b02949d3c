"""Bulk imports: one file, checked row by row in chunks, written all or nothing.

`run_import` is the whole import without HTTP, for the API, the CLI's local mode and the
benchmark. A dry run checks everything and writes only the batch record; a real run writes
the rows chunk by chunk inside a savepoint while no error has been seen, and rolls the
savepoint back if any row anywhere had one, so the batch record and its errors are the only
trace of a failed import.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import io
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import Table, insert, update
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.concurrency import run_in_threadpool

from siaga.audit.service import Actor, record
from siaga.core import metrics
from siaga.core.csvstyle import RFC4180, CsvStyle
from siaga.core.pagination import PageParams
from siaga.core.security import Principal
from siaga.core.types import utcnow
from siaga.imports import repository
from siaga.imports.columns import clean_cells
from siaga.imports.exceptions import (
    IdempotencyKeyReused,
    ImportConflict,
    ImportFileInvalid,
    ImportInProgress,
    ImportNotFound,
    KindNotAllowed,
)
from siaga.imports.kinds import (
    HANDLERS,
    MAX_LISTED_ROWS,
    YIELD_EVERY,
    Context,
    Handler,
    ParsedRow,
    Write,
)
from siaga.imports.parsing import Header, read_rows
from siaga.imports.schemas import (
    ImportBatchPage,
    ImportBatchRead,
    ImportBatchSummary,
    ImportCounts,
    ImportRowErrorRead,
    ImportRowOutcome,
)
from siaga.models import ImportBatch, ImportKind, ImportRowError, ImportStatus

# Rows checked (and written) together: one lookup query and one bulk statement per table
# per chunk keeps the round trips few and the memory flat.
CHUNK_ROWS = 5000
FIRST_CHUNK_ROWS = 1000
ERROR_WRITE_CHUNK = 5000
MAX_LISTED_ERRORS = 1000

Progress = Callable[[int], None]


def _table(model: type[Any]) -> Table:
    table: Table = model.__table__
    return table


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


async def run_import(
    session: AsyncSession,
    principal: Principal,
    actor: Actor,
    kind: ImportKind,
    path: Path,
    *,
    filename: str,
    dry_run: bool,
    idempotency_key: str | None = None,
    sha256: str | None = None,
    timezone: str = "Asia/Jakarta",
    progress: Progress | None = None,
) -> tuple[ImportBatchRead, bool]:
    """Import `path` as `kind`; returns (batch, replayed).

    `replayed` is true when `idempotency_key` named an earlier import of the same file by
    the same caller, whose result is returned without importing again; while that import
    is still running, ImportInProgress. File-level problems raise (ImportFileInvalid,
    UnsupportedImportFile); row problems are in the batch.
    """
    if kind == ImportKind.INDICATORS and principal.region_code is not None:
        raise KindNotAllowed()
    sha256 = sha256 or file_sha256(path)
    fingerprint = (sha256, kind, dry_run)
    if idempotency_key is not None:
        earlier = await _earlier(session, principal, idempotency_key, fingerprint)
        if earlier is not None:
            return earlier, True

    # Off the event loop: an XLSX is scanned and loaded whole before its first row (seconds
    # for a large one); the rows that follow are consumed in chunks that yield the loop.
    header, rows = await run_in_threadpool(read_rows, kind, path)
    now = utcnow()
    batches = _table(ImportBatch)
    claimed = await repository.insert_batch(
        session,
        {
            "kind": kind.value,
            "dry_run": dry_run,
            "status": ImportStatus.RUNNING.value,
            "filename": filename[:255],
            "file_sha256": sha256,
            "region_code": principal.region_code,
            "created_by_id": principal.user_id,
            "api_key_id": principal.api_key_id,
            "idempotency_key": idempotency_key,
            "created_at": now,
            "row_count": 0,
            "created_count": 0,
            "updated_count": 0,
            "unchanged_count": 0,
            "error_count": 0,
        },
    )
    if claimed is None:
        # The key's batch was committed by another request while this one waited for
        # SQLite's write lock (on PostgreSQL the key's lock in _earlier rules this out).
        earlier = None
        if idempotency_key is not None:
            earlier = await _earlier(session, principal, idempotency_key, fingerprint)
        if earlier is None:
            raise ImportInProgress()
        return earlier, True
    batch_id: int = claimed
    ctx = Context(
        session=session,
        principal=principal,
        actor=actor,
        batch_id=batch_id,
        dry_run=dry_run,
        now=now,
        timezone=timezone,
        present=frozenset(header.index),
    )
    handler = HANDLERS[kind](ctx)
    results = ctx.results
    savepoint = None if dry_run else await session.begin_nested()
    try:
        await handler.prepare()
        await _import_rows(handler, header, rows, progress)
        if results.rows == 0:
            raise ImportFileInvalid(
                "Berkas hanya berisi header, tanpa baris data (the file has a header but no "
                "data rows)",
                code="import_file_empty",
            )
    except BaseException as exc:
        if savepoint is not None and savepoint.is_active:
            await savepoint.rollback()
        if repository.is_unique_violation(exc):
            # A row of the file was written by another transaction since this import
            # looked it up (on PostgreSQL the insert waited for that one to commit): the
            # same outcome as a stale If-Match, not a server error.
            raise ImportConflict() from exc
        raise
    failed = results.error_count > 0
    if savepoint is not None:
        if failed:
            # All or nothing: whatever the early chunks wrote goes.
            await savepoint.rollback()
        else:
            await savepoint.commit()

    if results.errors:
        errors_table = _table(ImportRowError)
        for start in range(0, len(results.errors), ERROR_WRITE_CHUNK):
            await session.execute(
                insert(errors_table),
                [
                    {
                        "batch_id": batch_id,
                        "row": e.row,
                        "column": e.column,
                        "code": e.code,
                        "message": e.message,
                        "message_en": e.message_en,
                    }
                    for e in results.errors[start : start + ERROR_WRITE_CHUNK]
                ],
            )
    summary = {
        "actor": actor.label,
        "rows_with_errors": len(results.error_rows),
        "rows": results.listed,
        "rows_truncated": results.created + results.updated + results.unchanged
        > len(results.listed),
        "errors_stored": len(results.errors),
    }
    status = ImportStatus.FAILED if failed else ImportStatus.SUCCEEDED
    await session.execute(
        update(batches)
        .where(batches.c.id == batch_id)
        .values(
            status=status.value,
            finished_at=utcnow(),
            row_count=results.rows,
            created_count=results.created,
            updated_count=results.updated,
            unchanged_count=results.unchanged,
            error_count=results.error_count,
            summary=summary,
        )
    )
    if not dry_run:
        record(
            session,
            actor,
            "import.run",
            entity_type="import_batch",
            entity_id=str(batch_id),
            region_code=principal.region_code,
            outcome="success" if not failed else "failure",
            after={
                "kind": kind.value,
                "filename": filename[:255],
                "status": status.value,
                "rows": results.rows,
                "created": results.created,
                "updated": results.updated,
                "unchanged": results.unchanged,
                "errors": results.error_count,
            },
        )
    await session.flush()
    metrics.record_import(
        kind.value, "dry_run" if dry_run else ("rejected" if failed else "applied"), results.rows
    )
    return await get_batch(session, principal, batch_id), False


async def _earlier(
    session: AsyncSession,
    principal: Principal,
    key: str,
    fingerprint: tuple[str, ImportKind, bool],
) -> ImportBatchRead | None:
    """The batch of the caller's earlier request with this key, or None to import now.

    The key is locked first, so a request still importing under it is reported
    (ImportInProgress) rather than imported a second time beside it.
    """
    if not await repository.lock_idempotency_key(session, principal, key):
        raise ImportInProgress()
    earlier = await repository.find_by_idempotency_key(session, principal, key)
    if earlier is None:
        return None
    if (earlier.file_sha256, earlier.kind, earlier.dry_run) != fingerprint:
        raise IdempotencyKeyReused()
    return await get_batch(session, principal, earlier.id)


async def _import_rows(
    handler: Handler,
    header: Header,
    rows: Iterable[tuple[int, list[str]]],
    progress: Progress | None,
) -> None:
    """Feed the file to the handler in chunks, as a pipeline.

    Per chunk: check (Python), look up (the database), plan (Python), write (the
    database). A chunk's writes run as a task while the next chunk is checked, looked up
    (its keys never overlap the previous chunk's) and planned, so on a 2-core server
    PostgreSQL stores one chunk while Python prepares the next. The session is used by one
    step at a time: a lookup waits for the previous write to finish.
    """
    results = handler.ctx.results
    writing: asyncio.Future[None] | None = None
    ready: Write | None = None

    async def step(chunk: list[ParsedRow]) -> None:
        nonlocal writing, ready
        checked = await handler.check(chunk)
        if writing is not None:
            await writing
            writing = None
        found = await handler.lookup(checked)
        if ready is not None and handler.ctx.writing:
            writing = asyncio.ensure_future(ready())
        ready = await handler.plan(checked, found)

    try:
        chunk: list[ParsedRow] = []
        width = header.width
        # Each cell under its column's name (a blank header cell names its column ""); a
        # short row's missing cells are absent, which handlers read as empty.
        names = [""] * width
        for name, i in header.index.items():
            names[i] = name
        # A small first chunk starts the database writing sooner.
        size = FIRST_CHUNK_ROWS
        for number, cells in rows:
            results.rows += 1
            if len(cells) > width and any(cells[width:]):
                results.error(
                    number,
                    None,
                    "extra_cells",
                    "Baris berisi sel di luar kolom header",
                    "the row has cells beyond the header's columns",
                )
                continue
            row = dict(zip(names, cells, strict=False))
            if refused := clean_cells(handler.kind, row):
                for column, refusal in refused:
                    results.error(
                        number, column, "invalid_text", refusal.message_id, refusal.message_en
                    )
                continue
            chunk.append((number, row))
            if len(chunk) >= size:
                await step(chunk)
                chunk, size = [], CHUNK_ROWS
            elif len(chunk) % YIELD_EVERY == 0:
                await asyncio.sleep(0)
                if progress is not None:
                    progress(results.rows)
        if chunk:
            await step(chunk)
        if writing is not None:
            await writing
            writing = None
        if ready is not None and handler.ctx.writing:
            await ready()
        if progress is not None:
            progress(results.rows)
    finally:
        if writing is not None:
            # Something failed while a write was in flight: let it finish (or fail) before
            # the caller rolls the savepoint back on the same connection.
            with contextlib.suppress(BaseException):
                await writing


def _summary(batch: ImportBatch, username: str | None) -> ImportBatchSummary:
    summary = batch.summary or {}
    return ImportBatchSummary(
        id=batch.id,
        kind=batch.kind,
        dry_run=batch.dry_run,
        status=batch.status,
        filename=batch.filename,
        file_sha256=batch.file_sha256,
        region_code=batch.region_code,
        created_by=username or summary.get("actor"),
        created_at=batch.created_at,
        finished_at=batch.finished_at,
        counts=ImportCounts(
            rows=batch.row_count,
            created=batch.created_count,
            updated=batch.updated_count,
            unchanged=batch.unchanged_count,
            errors=batch.error_count,
            rows_with_errors=int(summary.get("rows_with_errors", 0)),
        ),
    )


async def get_batch(session: AsyncSession, principal: Principal, batch_id: int) -> ImportBatchRead:
    row = await repository.get_batch(session, principal, batch_id)
    if row is None:
        raise ImportNotFound()
    batch: ImportBatch = row.ImportBatch
    summary = batch.summary or {}
    errors = await repository.batch_errors(session, batch.id, MAX_LISTED_ERRORS)
    return ImportBatchRead(
        **_summary(batch, row.username).model_dump(),
        rows=[ImportRowOutcome(**r) for r in summary.get("rows", [])][:MAX_LISTED_ROWS],
        rows_truncated=bool(summary.get("rows_truncated", False)),
        errors=[ImportRowErrorRead(**e._mapping) for e in errors],
        errors_truncated=batch.error_count > len(errors),
        errors_csv_url=f"/api/v1/imports/{batch.id}/errors.csv",
    )


async def list_batches(
    session: AsyncSession, principal: Principal, page: PageParams, kind: ImportKind | None
) -> ImportBatchPage:
    rows, total = await repository.list_batches(session, principal, page, kind)
    return ImportBatchPage(
        items=[_summary(r.ImportBatch, r.username) for r in rows],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


# Spreadsheet programs run a cell that starts with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: object) -> str:
    """A cell safe to open in a spreadsheet: formula-looking text gets a leading quote."""
    text = "" if cell is None else str(cell)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


ERRORS_CSV_HEADER = ("row", "column", "code", "message", "message_en")


async def errors_csv(
    session: AsyncSession, principal: Principal, batch_id: int, style: CsvStyle = RFC4180
) -> bytes:
    """The batch's errors as CSV in the caller's style (core.csvstyle).

    Built whole: the request's session ends before a streamed body would be read, and a
    batch keeps at most 100,000 errors (a few MB).
    """
    row = await repository.get_batch(session, principal, batch_id)
    if row is None:
        raise ImportNotFound()
    buffer = io.StringIO()
    buffer.write(style.bom)
    writer = style.writer(buffer)
    writer.writerow(ERRORS_CSV_HEADER)
    for error in await repository.batch_errors(session, batch_id):
        writer.writerow([neutralise(v) for v in error])
    return buffer.getvalue().encode("utf-8")
