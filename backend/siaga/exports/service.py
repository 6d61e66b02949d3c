"""Score and answer exports as CSV (streamed) and XLSX (built on disk, then streamed).

Both formats come from the same column list, so a column cannot exist in one and not the
other, and every text cell goes through the formula neutraliser in both.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from siaga.core.csvstyle import RFC4180, CsvStyle
from siaga.core.database import session_scope
from siaga.core.security import Principal
from siaga.exports import repository, tables
from siaga.exports.repository import AnswerExportRow
from siaga.exports.tables import Column
from siaga.models import AnswerType, Period, RegionLevel, ReportState, SubmissionStatus
from siaga.regions.exceptions import RegionNotFound
from siaga.scoring import service as scoring
from siaga.scoring.schemas import PemdaScore, ScoreTable, View

Format = Literal["csv", "xlsx"]
Kind = Literal["text", "number", "integer", "datetime", "bool", "value"]

MEDIA_TYPES: dict[Format, str] = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# Exports are reads and not audited; the log still says who took which data set.
logger = logging.getLogger(__name__)
_FILE_CHUNK = 64 * 1024


@dataclass(frozen=True)
class Export:
    filename: str
    media_type: str
    chunks: AsyncIterator[bytes]


@dataclass(frozen=True)
class SubmissionFilters:
    region: str | None = None
    indicator: str | None = None
    agency: str | None = None
    statuses: Sequence[SubmissionStatus] = ()
    late: bool | None = None


def _filename(kind: str, root: str | None, period: str, fmt: Format) -> str:
    raw = f"siaga-{kind}-{root or 'nasional'}-{period}.{fmt}"
    return re.sub(r"[^A-Za-z0-9._-]", "_", raw)


def _log(kind: str, fmt: Format, principal: Principal, period: str, region: str | None) -> None:
    logger.info(
        "export %s.%s period=%s region=%s by %s %s (%s)",
        kind, fmt, period, region or principal.region_code or "nasional",
        principal.kind, principal.id, principal.label,
    )  # fmt: skip


async def _check_region(session: AsyncSession, principal: Principal, code: str) -> None:
    region = await repository.get_region(session, code)
    # Outside the caller's scope answers exactly like an unknown code.
    if region is None or not principal.sees_region(code):
        raise RegionNotFound(code)


# --- scores ------------------------------------------------------------------------------

# The report's state in Indonesian, as the SPA names it (i18n enum:ReportState), next to
# the code the way `category_label` sits next to `category`; None: no report written.
REPORT_STATE_LABELS: dict[ReportState | None, str] = {
    None: "Belum ditulis",
    ReportState.DRAFT: "Draf",
    ReportState.SUBMITTED: "Terkirim",
    ReportState.ACCEPTED: "Diterima",
    ReportState.RETURNED: "Dikembalikan",
}


def _score_columns(dimensions: list[tuple[str, str]]) -> list[Column]:
    return [
        Column("region", "text", 10),
        Column("name", "text", 32),
        Column("level", "text", 10),
        Column("province", "text", 26),
        Column("readiness", "number", 11),
        Column("category", "text", 14),
        Column("category_label", "text", 16),
        Column("rank", "integer", 7),
        Column("completeness", "number", 13),
        Column("verification_rate", "number", 13),
        Column("timeliness", "number", 11),
        *[Column(f"dimension_{code}", "number", 13) for code, _name in dimensions],
        Column("previous_readiness", "number", 13),
        Column("change", "number", 9),
        # Appended (scripts read by name): which closed period `previous_readiness` and
        # `change` compare with, and whether this period's figures are still provisional
        # (not closed yet). `readiness` is each Pemda's own R; `rank` is within `level`.
        Column("previous_period", "text", 12),
        Column("provisional", "bool", 11),
        # Appended likewise: the Pemda's report of the period (the timeliness the centre
        # judges, scoring.md); `report_on_time` is empty until it is first submitted.
        Column("report_state", "text", 12),
        Column("report_state_label", "text", 14),
        Column("report_receipt", "text", 24),
        Column("report_on_time", "bool", 14),
    ]


def _score_row(
    item: PemdaScore,
    dimensions: list[tuple[str, str]],
    labels: dict[str, str],
    names: dict[str, str],
    table: ScoreTable,
) -> list[Any]:
    province = item.name if item.level == RegionLevel.PROVINCE else names.get(item.parent or "")
    previous = item.previous_readiness
    return [
        item.region,
        item.name,
        item.level.value,
        province,
        item.readiness,
        item.category,
        labels.get(item.category or ""),
        item.rank,
        item.completeness,
        item.verification_rate,
        item.timeliness,
        *[item.dimensions.get(code) for code, _name in dimensions],
        previous,
        None if previous is None else item.readiness - previous,
        table.previous_period,
        table.provisional,
        item.report_state.value if item.report_state else None,
        REPORT_STATE_LABELS[item.report_state],
        item.report_receipt,
        item.report_on_time,
    ]


async def scores(
    session: AsyncSession,
    principal: Principal,
    *,
    period: Period,
    region_code: str | None,
    view: View,
    fmt: Format,
    style: CsvStyle = RFC4180,
) -> Export:
    """One row per Pemda in the subtree: readiness, category, rank and what makes them."""
    table = await scoring.table_of(
        session, principal, period=period, region_code=region_code, view=view
    )
    dimensions = await repository.dimensions(session, period.framework_id)
    names = await repository.region_names(
        session, {i.parent for i in table.items if i.parent is not None}
    )
    labels = {c.category: c.label for c in table.summary.categories}
    columns = _score_columns(dimensions)
    rows = [_score_row(item, dimensions, labels, names, table) for item in table.items]
    filename = _filename("skor", region_code or principal.region_code, period.code, fmt)
    _log("scores", fmt, principal, period.code, region_code)
    if fmt == "csv":
        body = tables.iterate(
            [tables.csv_header(columns, style), tables.csv_lines(columns, rows, style)]
        )
    else:
        body = await tables.xlsx(f"Skor {period.code}", columns, tables.one_page(rows))
    return Export(filename, MEDIA_TYPES[fmt], body)


# --- answers -----------------------------------------------------------------------------

_SUBMISSION_COLUMNS = [
    Column("period", "text", 9),
    Column("region", "text", 9),
    Column("region_name", "text", 28),
    Column("dimension", "text", 10),
    Column("indicator", "text", 10),
    Column("indicator_name", "text", 40),
    Column("agency", "text", 22),
    Column("agency_name", "text", 30),
    Column("answer_type", "text", 11),
    Column("value", "value", 8),
    Column("narrative", "text", 50),
    Column("status", "text", 10),
    Column("is_late", "bool", 8),
    Column("version", "integer", 8),
    Column("first_submitted_at", "datetime", 20),
    Column("submitted_at", "datetime", 20),
    Column("verified_at", "datetime", 20),
    Column("updated_at", "datetime", 20),
    Column("last_review_reason", "text", 40),
    Column("evidence_count", "integer", 9),
]


def _answer_value(answer_type: AnswerType, value: float | None) -> str | float | None:
    # The import format's spelling, so an export can be edited and imported back.
    if value is None:
        return None
    if answer_type == AnswerType.YES_NO:
        return "ya" if value else "tidak"
    return value


def _submission_row(row: AnswerExportRow) -> list[Any]:
    answer_type = AnswerType(row.answer_type)
    return [
        row.period,
        row.region,
        row.region_name,
        row.dimension,
        row.indicator,
        row.indicator_name,
        row.agency,
        row.agency_name,
        answer_type.value,
        _answer_value(answer_type, row.value),
        row.narrative or None,
        SubmissionStatus(row.status).value,
        row.is_late,
        row.version,
        row.first_submitted_at,
        row.submitted_at,
        row.verified_at,
        row.updated_at,
        row.last_reason,
        row.evidence_count or 0,
    ]


async def _submission_pages(
    session: AsyncSession, stmt: Select[*tuple[Any, ...]]
) -> AsyncIterator[Sequence[Sequence[Any]]]:
    async for page in repository.stream_answers(session, stmt):
        yield [_submission_row(row) for row in page]


async def _csv_stream(
    sessionmaker: async_sessionmaker[AsyncSession],
    stmt: Select[*tuple[Any, ...]],
    style: CsvStyle,
) -> AsyncIterator[bytes]:
    # The request's session has ended when the body is sent, so the stream has its own
    # (read-only) transaction for as long as the client keeps reading.
    yield tables.csv_header(_SUBMISSION_COLUMNS, style)
    async with session_scope(sessionmaker) as session:
        async for page in repository.stream_answers(session, stmt):
            yield tables.csv_lines(
                _SUBMISSION_COLUMNS, (_submission_row(row) for row in page), style
            )


async def submissions(
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    principal: Principal,
    *,
    period: Period,
    filters: SubmissionFilters,
    fmt: Format,
    style: CsvStyle = RFC4180,
) -> Export:
    """Every answer of the period in the caller's scope, with its review and evidence."""
    region_code = filters.region
    if region_code is not None:
        await _check_region(session, principal, region_code)
    stmt = repository.submissions_select(
        principal,
        period_id=period.id,
        region=region_code,
        indicator=filters.indicator,
        agency=filters.agency,
        statuses=filters.statuses,
        late=filters.late,
    )
    filename = _filename("jawaban", region_code or principal.region_code, period.code, fmt)
    _log("submissions", fmt, principal, period.code, region_code)
    if fmt == "csv":
        body = _csv_stream(sessionmaker, stmt, style)
    else:
        body = await tables.xlsx(
            f"Jawaban {period.code}", _SUBMISSION_COLUMNS, _submission_pages(session, stmt)
        )
    return Export(filename, MEDIA_TYPES[fmt], body)
