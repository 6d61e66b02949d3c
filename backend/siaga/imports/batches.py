"""An import's batch row: claimed before the first row (once per Idempotency-Key), and
finished with the counts, the row errors and the audit event once the file is read."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from siaga.audit.service import Actor, record
from siaga.core import metrics
from siaga.core.security import Principal
from siaga.core.types import utcnow
from siaga.imports import batch_repository as repository
from siaga.imports.batch_repository import FinishedBatch, NewBatch, StoredRowError
from siaga.imports.exceptions import IdempotencyKeyReused, ImportInProgress
from siaga.imports.kinds.base import Results
from siaga.models import ImportKind, ImportStatus


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class Request:
    """One import request: what a retry under the same Idempotency-Key must repeat."""

    kind: ImportKind
    dry_run: bool
    filename: str
    sha256: str
    idempotency_key: str | None


async def earlier_batch(
    session: AsyncSession, principal: Principal, request: Request
) -> int | None:
    """The id of the caller's earlier batch under the request's key, or None to import now.

    The key is locked first, so a request still importing under it is reported
    (ImportInProgress) rather than imported a second time beside it.
    """
    key = request.idempotency_key
    if key is None:
        return None
    if not await repository.lock_idempotency_key(session, principal, key):
        raise ImportInProgress()
    earlier = await repository.find_by_idempotency_key(session, principal, key)
    if earlier is None:
        return None
    if (earlier.file_sha256, earlier.kind, earlier.dry_run) != (
        request.sha256,
        request.kind,
        request.dry_run,
    ):
        raise IdempotencyKeyReused()
    return earlier.id


async def claim(
    session: AsyncSession, principal: Principal, request: Request, now: datetime
) -> int | None:
    """Insert the running batch; None when the key's batch exists already (see below)."""
    return await repository.insert_batch(
        session,
        NewBatch(
            kind=request.kind,
            dry_run=request.dry_run,
            filename=request.filename[:255],
            file_sha256=request.sha256,
            region_code=principal.region_code,
            created_by_id=principal.user_id,
            api_key_id=principal.api_key_id,
            idempotency_key=request.idempotency_key,
            created_at=now,
        ),
    )


async def batch_of_race(session: AsyncSession, principal: Principal, request: Request) -> int:
    """The batch that took the key first, when `claim` found it taken.

    It was committed by another request while this one waited for SQLite's write lock (on
    PostgreSQL the key's lock in `earlier_batch` rules this out).
    """
    earlier = await earlier_batch(session, principal, request)
    if earlier is None:
        raise ImportInProgress()
    return earlier


async def finish(
    session: AsyncSession,
    principal: Principal,
    actor: Actor,
    request: Request,
    batch_id: int,
    results: Results,
) -> None:
    """Store what the import found; a real run is audited whether it wrote or not."""
    failed = results.error_count > 0
    await repository.insert_row_errors(
        session,
        batch_id,
        [StoredRowError(e.row, e.column, e.code, e.message, e.message_en) for e in results.errors],
    )
    status = ImportStatus.FAILED if failed else ImportStatus.SUCCEEDED
    await repository.finish_batch(
        session,
        batch_id,
        FinishedBatch(
            status=status,
            finished_at=utcnow(),
            row_count=results.rows,
            created_count=results.created,
            updated_count=results.updated,
            unchanged_count=results.unchanged,
            error_count=results.error_count,
            summary={
                "actor": actor.label,
                "rows_with_errors": len(results.error_rows),
                "rows": [outcome._asdict() for outcome in results.listed],
                "rows_truncated": results.created + results.updated + results.unchanged
                > len(results.listed),
                "errors_stored": len(results.errors),
            },
        ),
    )
    if not request.dry_run:
        _audit(session, principal, actor, request, batch_id, status, results)
    await session.flush()
    outcome = "dry_run" if request.dry_run else ("rejected" if failed else "applied")
    metrics.record_import(request.kind.value, outcome, results.rows)


def _audit(
    session: AsyncSession,
    principal: Principal,
    actor: Actor,
    request: Request,
    batch_id: int,
    status: ImportStatus,
    results: Results,
) -> None:
    record(
        session,
        actor,
        "import.run",
        entity_type="import_batch",
        entity_id=str(batch_id),
        region_code=principal.region_code,
        outcome="failure" if results.error_count else "success",
        after={
            "kind": request.kind.value,
            "filename": request.filename[:255],
            "status": status.value,
            "rows": results.rows,
            "created": results.created,
            "updated": results.updated,
            "unchanged": results.unchanged,
            "errors": results.error_count,
        },
    )
