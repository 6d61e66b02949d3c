"""Incidents as CSV (streamed, `?locale=id` for Indonesian Excel) or XLSX, with the list's
filters, through the exports' table writers: the same column kinds in both formats and
every text cell through the formula neutraliser (a title typed on a phone must not run
as a formula in the province's spreadsheet)."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from siaga.core.csvstyle import RFC4180, CsvStyle
from siaga.core.database import session_scope
from siaga.core.security import Principal
from siaga.core.types import utcnow
from siaga.exports.service import MEDIA_TYPES, Export, Format
from siaga.exports.tables import Column, csv_header, csv_lines, xlsx
from siaga.incidents import repository, rules
from siaga.incidents.context import case_of
from siaga.incidents.repository import Filters, ListRow

logger = logging.getLogger(__name__)

COLUMNS = [
    Column("number", "text", 22),
    Column("region", "text", 9),
    Column("region_name", "text", 26),
    Column("category", "text", 18),
    Column("severity", "text", 9),
    Column("state", "text", 13),
    Column("level", "text", 9),
    Column("overdue", "bool", 8),
    Column("occurred_at", "datetime", 20),
    Column("occurred_on", "text", 11),
    Column("reported_at", "datetime", 20),
    Column("acknowledged_at", "datetime", 20),
    Column("acknowledged_late", "bool", 10),
    Column("escalated_at", "datetime", 20),
    Column("resolved_at", "datetime", 20),
    Column("closed_at", "datetime", 20),
    Column("district", "text", 18),
    Column("village", "text", 18),
    Column("lat", "value", 11),
    Column("lon", "value", 11),
    Column("title", "text", 40),
    Column("description", "text", 50),
    Column("actions_taken", "text", 50),
    Column("reported_by", "text", 20),
    Column("time_zone", "text", 14),
]


def _row(row: ListRow, now: datetime) -> list[Any]:
    incident = row.incident
    return [
        incident.number,
        row.region,
        row.region_name,
        incident.category.value,
        incident.severity.value,
        incident.state.value,
        incident.level.value,
        rules.is_overdue(case_of(incident, row.region), now),
        incident.occurred_at,
        incident.occurred_on.isoformat(),
        incident.reported_at,
        incident.acknowledged_at,
        rules.acknowledged_late(incident.severity, incident.reported_at, incident.acknowledged_at),
        incident.escalated_at,
        incident.resolved_at,
        incident.closed_at,
        incident.district,
        incident.village or None,
        incident.latitude,
        incident.longitude,
        incident.title,
        incident.description or None,
        incident.actions_taken or None,
        incident.reporter_label,
        row.time_zone,
    ]


async def _pages(
    session: AsyncSession,
    principal: Principal,
    filters: Filters,
    now: datetime,
    default_zone: str,
) -> AsyncIterator[Sequence[Sequence[Any]]]:
    async for page in repository.stream_incidents(
        session, principal, filters, now=now, default_zone=default_zone
    ):
        yield [_row(row, now) for row in page]


async def _csv(
    sessionmaker: async_sessionmaker[AsyncSession],
    principal: Principal,
    filters: Filters,
    style: CsvStyle,
    now: datetime,
    default_zone: str,
) -> AsyncIterator[bytes]:
    # The request's session has ended when the body is sent: the stream reads in its own.
    yield csv_header(COLUMNS, style)
    async with session_scope(sessionmaker) as session:
        async for rows in _pages(session, principal, filters, now, default_zone):
            yield csv_lines(COLUMNS, rows, style)


def _filename(principal: Principal, filters: Filters, fmt: Format) -> str:
    root = filters.region or principal.region_code or "nasional"
    stamp = utcnow().strftime("%Y%m%d")
    return re.sub(r"[^A-Za-z0-9._-]", "_", f"siaga-laporan-cepat-{root}-{stamp}.{fmt}")


async def export(
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    principal: Principal,
    filters: Filters,
    *,
    fmt: Format,
    default_zone: str,
    style: CsvStyle = RFC4180,
) -> Export:
    """Every incident in the caller's scope that the filters select, oldest first."""
    now = utcnow()
    logger.info(
        "export incidents.%s region=%s by %s %s (%s)",
        fmt, filters.region or principal.region_code or "nasional",
        principal.kind, principal.id, principal.label,
    )  # fmt: skip
    if fmt == "csv":
        body = _csv(sessionmaker, principal, filters, style, now, default_zone)
    else:
        body = await xlsx(
            "Laporan cepat", COLUMNS, _pages(session, principal, filters, now, default_zone)
        )
    return Export(_filename(principal, filters, fmt), MEDIA_TYPES[fmt], body)
