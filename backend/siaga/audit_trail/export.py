"""The audit trail as CSV (streamed) or XLSX, with the filters of GET /audit.

Built from the answer exports' parts (siaga.exports.service): the same column kinds, the
same `?locale=` spelling of CSV, and every text cell through the formula neutraliser, so
an actor label or an entity id typed by someone cannot run as a formula in the
investigator's spreadsheet.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from siaga.audit.actions import AuditAction, AuditEntity
from siaga.audit.service import Actor, record
from siaga.audit_trail import repository
from siaga.audit_trail.repository import AuditFilters
from siaga.core.csvstyle import RFC4180, CsvStyle
from siaga.core.database import session_scope
from siaga.core.errors import InvalidInput
from siaga.core.types import utcnow
from siaga.exports.service import MEDIA_TYPES, Export, Format
from siaga.exports.tables import Column, csv_header, csv_lines, xlsx
from siaga.models import AuditEvent

# At most this many events per file: an investigation narrows the filters rather than
# taking the whole trail, and the bound keeps one download from holding a connection
# (and the XLSX temporary file) for minutes. The SPA knows the count before offering it.
MAX_EXPORT_ROWS = 100_000

COLUMNS = [
    Column("id", "integer", 10),
    Column("occurred_at", "datetime", 20),
    Column("actor", "text", 20),
    Column("action", "text", 24),
    Column("outcome", "text", 12),
    Column("entity_type", "text", 14),
    Column("entity_id", "text", 30),
    Column("region_code", "text", 11),
    Column("client_addr", "text", 16),
    Column("request_id", "text", 20),
    Column("before", "text", 40),
    Column("after", "text", 40),
]


class AuditExportTooLarge(InvalidInput):
    code = "audit_export_too_large"

    def __init__(self, total: int) -> None:
        super().__init__(
            f"Ekspor memuat paling banyak {MAX_EXPORT_ROWS} peristiwa, filter ini memilih "
            f"{total}; persempit filternya (an export holds at most {MAX_EXPORT_ROWS} events, "
            f"these filters select {total}; narrow them)",
            details=[{"limit": MAX_EXPORT_ROWS, "total": total}],
        )


def _json(value: dict[str, Any] | None) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _row(event: AuditEvent) -> list[Any]:
    return [
        event.id,
        event.occurred_at,
        event.actor_label,
        event.action,
        event.outcome,
        event.entity_type,
        event.entity_id,
        event.region_code,
        event.client_addr,
        event.request_id,
        _json(event.before),
        _json(event.after),
    ]


def _filename(scope: str | None, fmt: Format) -> str:
    stamp = utcnow().strftime("%Y%m%d-%H%M")
    return re.sub(r"[^A-Za-z0-9._-]", "_", f"siaga-audit-{scope or 'nasional'}-{stamp}.{fmt}")


async def _pages(
    session: AsyncSession, scope: str | None, filters: AuditFilters
) -> AsyncIterator[Sequence[Sequence[Any]]]:
    async for page in repository.stream_events(
        session, scope=scope, filters=filters, limit=MAX_EXPORT_ROWS
    ):
        yield [_row(event) for event in page]


async def _csv(
    sessionmaker: async_sessionmaker[AsyncSession],
    scope: str | None,
    filters: AuditFilters,
    style: CsvStyle,
) -> AsyncIterator[bytes]:
    # The request's session has ended when the body is sent, so the stream has its own
    # (read-only) transaction for as long as the client keeps reading.
    yield csv_header(COLUMNS, style)
    async with session_scope(sessionmaker) as session:
        async for rows in _pages(session, scope, filters):
            yield csv_lines(COLUMNS, rows, style)


async def export(
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    actor: Actor,
    *,
    scope: str | None,
    filters: AuditFilters,
    fmt: Format,
    style: CsvStyle = RFC4180,
) -> Export:
    """The events in the administrator's scope matching `filters`, newest first."""
    total, last_id = await repository.export_bounds(session, scope=scope, filters=filters)
    if total > MAX_EXPORT_ROWS:
        raise AuditExportTooLarge(total)
    # Only what was counted: events recorded while the file is written (this export's own
    # record among them) wait for the next export.
    frozen = AuditFilters(**{**filters.__dict__, "up_to_id": last_id})
    record(
        session,
        actor,
        AuditAction.AUDIT_EXPORT,
        entity_type=AuditEntity.AUDIT_TRAIL,
        entity_id=fmt,
        region_code=scope,
        after={
            "format": fmt,
            "rows": total,
            "filters": {k: _filter_text(v) for k, v in filters.__dict__.items() if v is not None},
        },
    )
    filename = _filename(scope, fmt)
    if fmt == "csv":
        body = _csv(sessionmaker, scope, frozen, style)
    else:
        body = await xlsx("Audit", COLUMNS, _pages(session, scope, frozen))
    return Export(filename, MEDIA_TYPES[fmt], body)


def _filter_text(value: object) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)
