"""Bulk imports: one file, checked row by row in chunks, written all or nothing.

`run_import` is the whole import without HTTP, for the API, the CLI's local mode and the
benchmark. A dry run checks everything and writes only the batch record; a real run writes
the rows chunk by chunk inside a savepoint while no error has been seen, and rolls the
savepoint back if any row anywhere had one, so the batch record and its errors are the only
trace of a failed import.
"""

from __future__ import annotations

import io
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.concurrency import run_in_threadpool

from siaga.audit.service import Actor
from siaga.core.csvstyle import RFC4180, CsvStyle
from siaga.core.pagination import PageParams
from siaga.core.security import Principal
from siaga.core.types import utcnow
from siaga.imports import batch_repository as repository
from siaga.imports import batches, pipeline
from siaga.imports.batch_repository import BatchRow
from siaga.imports.batches import Request, file_sha256
from siaga.imports.exceptions import (
    ImportConflict,
    ImportFileInvalid,
    ImportNotFound,
    KindNotAllowed,
)
from siaga.imports.kinds import HANDLERS, MAX_LISTED_ROWS, Context, Handler
from siaga.imports.parsing import Header, read_rows
from siaga.imports.pipeline import Progress
from siaga.imports.schemas import (
    ImportBatchPage,
    ImportBatchRead,
    ImportBatchSummary,
    ImportCounts,
    ImportRowErrorRead,
    ImportRowOutcome,
)
from siaga.models import ImportKind

# Rows checked (and written) together: one lookup query and one bulk statement per table
# per chunk keeps the round trips few and the memory flat.
CHUNK_ROWS = 5000
FIRST_CHUNK_ROWS = 1000
MAX_LISTED_ERRORS = 1000

__all__ = ["Progress", "errors_csv", "file_sha256", "get_batch", "list_batches", "run_import"]


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
    request = Request(kind, dry_run, filename, sha256 or file_sha256(path), idempotency_key)
    earlier = await batches.earlier_batch(session, principal, request)
    if earlier is not None:
        return await get_batch(session, principal, earlier), True

    # Off the event loop: an XLSX is scanned and loaded whole before its first row (seconds
    # for a large one); the rows that follow are consumed in chunks that yield the loop.
    header, rows = await run_in_threadpool(read_rows, kind, path)
    now = utcnow()
    batch_id = await batches.claim(session, principal, request, now)
    if batch_id is None:
        raced = await batches.batch_of_race(session, principal, request)
        return await get_batch(session, principal, raced), True
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
    await _import_rows(session, HANDLERS[kind](ctx), header, rows, progress)
    await batches.finish(session, principal, actor, request, batch_id, ctx.results)
    return await get_batch(session, principal, batch_id), False


async def _import_rows(
    session: AsyncSession,
    handler: Handler,
    header: Header,
    rows: pipeline.Rows,
    progress: Progress | None,
) -> None:
    """Run the handler over the rows inside a savepoint (a real run), kept only when no
    row anywhere had an error: all or nothing."""
    results = handler.ctx.results
    savepoint = None if handler.ctx.dry_run else await session.begin_nested()
    try:
        await handler.prepare()
        await pipeline.feed(
            handler,
            header,
            rows,
            progress,
            # Read here, not in the pipeline, so tests can shrink the chunks.
            first_chunk=FIRST_CHUNK_ROWS,
            chunk_rows=CHUNK_ROWS,
        )
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
    if savepoint is not None:
        if results.error_count > 0:
            await savepoint.rollback()  # whatever the early chunks wrote goes
        else:
            await savepoint.commit()


def _summary(row: BatchRow) -> ImportBatchSummary:
    batch = row.batch
    summary = batch.summary or {}
    return ImportBatchSummary(
        id=batch.id,
        kind=batch.kind,
        dry_run=batch.dry_run,
        status=batch.status,
        filename=batch.filename,
        file_sha256=batch.file_sha256,
        region_code=batch.region_code,
        created_by=row.username or summary.get("actor"),
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
    batch = row.batch
    summary = batch.summary or {}
    errors = await repository.batch_errors(session, batch.id, MAX_LISTED_ERRORS)
    return ImportBatchRead(
        **_summary(row).model_dump(),
        rows=[ImportRowOutcome(**r) for r in summary.get("rows", [])][:MAX_LISTED_ROWS],
        rows_truncated=bool(summary.get("rows_truncated", False)),
        errors=[ImportRowErrorRead(**e._asdict()) for e in errors],
        errors_truncated=batch.error_count > len(errors),
        errors_csv_url=f"/api/v1/imports/{batch.id}/errors.csv",
    )


async def list_batches(
    session: AsyncSession, principal: Principal, page: PageParams, kind: ImportKind | None
) -> ImportBatchPage:
    rows, total = await repository.list_batches(session, principal, page, kind)
    return ImportBatchPage(
        items=[_summary(r) for r in rows],
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
