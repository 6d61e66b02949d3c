"""Per-kind validation and writing of import rows.

Each handler reads its lookups once (`prepare`), then takes the file in chunks: it checks
every row, looks up the existing objects of the whole chunk with one query, decides per row
created / updated / unchanged or errors, and, on a real run while no error has been seen,
writes the chunk with Core bulk statements (executemany), versions and audit rows included.
The caller rolls the writes back if any row anywhere had an error: all or nothing.
"""

from __future__ import annotations

import asyncio
import math
import re
import secrets
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.audit.service import Actor
from siaga.core.security import Principal, in_subtree
from siaga.imports import repository
from siaga.imports.bulk import (
    CopyEncoder,
    IdAllocator,
    bulk_insert,
    bulk_update,
    copy_encoded,
    copy_records,
    is_postgres,
    json_snapshot,
    json_text,
)
from siaga.imports.columns import COLUMNS, IMPORT_STATUSES, NO_VALUES, YES_VALUES
from siaga.models import (
    Agency,
    AnswerType,
    AuditEvent,
    ImportKind,
    Indicator,
    PeriodState,
    Region,
    RegionLevel,
    Role,
    Submission,
    SubmissionStatus,
    SubmissionVersion,
    User,
)
from siaga.submissions.service import deadline_cutoff

# Outcomes listed in the response (and kept with the batch); counts are always complete.
MAX_LISTED_ROWS = 1000
# Errors kept with the batch (and in errors.csv); a file this broken says enough.
MAX_STORED_ERRORS = 100_000
COUNT_MAX = 1_000_000
MAX_NARRATIVE = 5000
# Distinct (answer type, cell) pairs whose parse is remembered during one import.
MAX_PARSED_VALUES = 10_000
_ALLOWED = {
    AnswerType.LEVEL: ("bilangan bulat 0-4 (tingkat)", "a whole number 0-4 (level)"),
    AnswerType.YES_NO: (
        "isi ya atau tidak",
        "ya/tidak, yes/no, true/false or 1/0 (yes_no)",
    ),
    AnswerType.PERCENT: ("angka 0-100 (persen)", "a number 0-100 (percent)"),
    AnswerType.COUNT: ("bilangan bulat >= 0 (jumlah)", "a whole number >= 0 (count)"),
}


@dataclass(slots=True)
class RowError:
    row: int
    column: str | None
    code: str
    message: str
    message_en: str


@dataclass
class Results:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rows: int = 0
    error_count: int = 0
    error_rows: set[int] = field(default_factory=set)
    errors: list[RowError] = field(default_factory=list)
    listed: list[dict[str, Any]] = field(default_factory=list)

    def error(self, row: int, column: str | None, code: str, message: str, message_en: str) -> None:
        self.error_count += 1
        self.error_rows.add(row)
        if len(self.errors) < MAX_STORED_ERRORS:
            self.errors.append(RowError(row, column, code, message, message_en))

    def outcome(self, row: int, key: str, action: str) -> None:
        if action == "created":
            self.created += 1
        elif action == "updated":
            self.updated += 1
        else:
            self.unchanged += 1
        if len(self.listed) < MAX_LISTED_ROWS:
            self.listed.append({"row": row, "key": key, "action": action})


@dataclass
class Context:
    session: AsyncSession
    principal: Principal
    actor: Actor
    batch_id: int
    dry_run: bool
    now: datetime
    timezone: str
    present: frozenset[str]  # columns the file has
    results: Results = field(default_factory=Results)

    @property
    def writing(self) -> bool:
        return not self.dry_run and self.results.error_count == 0

    def audit_rows(
        self,
        action: str,
        entity_type: str,
        items: list[tuple[str, str | None, dict[str, Any] | None, dict[str, Any]]],
    ) -> list[dict[str, Any]]:
        """Audit rows for (entity_id, region_code, before, after), with the batch id."""
        actor = self.actor
        return [
            {
                "occurred_at": self.now,
                "actor_user_id": actor.user_id,
                "actor_api_key_id": actor.api_key_id,
                "actor_label": actor.label,
                "action": action,
                "outcome": "success",
                "entity_type": entity_type,
                "entity_id": entity_id[:120],
                "region_code": region_code,
                "before": before,
                "after": {**after, "import_batch": self.batch_id},
                "client_addr": actor.client_addr,
                "request_id": actor.request_id,
            }
            for entity_id, region_code, before, after in items
        ]


def _table(model: type[Any]) -> Table:
    # Core statements on the mapped table: executemany without ORM bookkeeping per row.
    table: Table = model.__table__
    return table


Cells = dict[str, str]
ParsedRow = tuple[int, Cells]


# -- shared cell checks ------------------------------------------------------------------


def _yes_no(value: str) -> bool | None:
    lowered = value.strip().lower()
    if lowered in YES_VALUES:
        return True
    if lowered in NO_VALUES:
        return False
    return None


def _number(value: str) -> float | None:
    text = value.strip()
    # Indonesian spreadsheets write decimals with a comma (75,5); no thousands separators.
    if "," in text and "." not in text and text.count(",") == 1:
        text = text.replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


class _Row:
    """One row being checked: cell access and error reporting in both languages."""

    __slots__ = ("cells", "ctx", "failed", "number")

    def __init__(self, ctx: Context, number: int, cells: Cells) -> None:
        self.ctx, self.number, self.cells, self.failed = ctx, number, cells, False

    def get(self, column: str) -> str:
        return self.cells.get(column, "")

    def has(self, column: str) -> bool:
        return column in self.ctx.present

    def error(self, column: str | None, code: str, message: str, message_en: str) -> None:
        self.failed = True
        self.ctx.results.error(self.number, column, code, message, message_en)

    def required(self, column: str) -> str | None:
        value = self.get(column)
        if not value:
            self.error(column, "required", f"Kolom {column} wajib diisi", f"{column} is required")
            return None
        return value

    def unknown(self, column: str, value: str, what_id: str, what_en: str) -> None:
        self.error(
            column,
            f"unknown_{column}",
            f"{what_id} {value!r} tidak ditemukan",
            f"{what_en} {value!r} not found",
        )

    def yes_no(self, column: str, default: bool | None) -> bool | None:
        value = self.get(column)
        if not value:
            if default is None:
                self.required(column)
            return default
        parsed = _yes_no(value)
        if parsed is None:
            self.error(
                column,
                "invalid_yes_no",
                f"{column}: isi ya atau tidak, bukan {value!r}",
                f"{column}: expected ya/tidak (yes/no, true/false, 1/0), not {value!r}",
            )
        return parsed

    def max_length(self, column: str, limit: int) -> str:
        value = self.get(column)
        if len(value) > limit:
            self.error(
                column,
                "too_long",
                f"{column} paling banyak {limit} karakter",
                f"{column} must have at most {limit} characters",
            )
        return value


def _first_row_error(row: _Row, column: str, first: int, what_id: str, what_en: str) -> None:
    row.error(
        column,
        "duplicate_row",
        f"{what_id} sama dengan baris {first} dalam berkas ini",
        f"{what_en} repeats row {first} of this file",
    )


class Handler:
    kind: ImportKind

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    async def prepare(self) -> None:
        raise NotImplementedError

    async def process(self, rows: list[ParsedRow]) -> None:
        raise NotImplementedError

    # The service drives every handler through three steps per chunk, so a handler can
    # let the database write one chunk while Python checks the next (see
    # service._import_rows): `check` (Python only), `lookup` (the chunk's queries) and
    # `plan` (Python only), which returns the chunk's writes to run later, or None.
    # Reference-data handlers, whose later chunks need the ids earlier chunks wrote, do
    # everything in `process` during `plan`.

    async def check(self, rows: list[ParsedRow]) -> Any:
        return rows

    async def lookup(self, checked: Any) -> Any:
        return None

    async def plan(self, checked: Any, found: Any) -> Write | None:
        await self.process(checked)
        return None


Write = Callable[[], Awaitable[None]]
# Rows checked between two yields to the event loop while a chunk's writes are in flight:
# each yield lets the database connection send the next piece of COPY data or start the
# next statement, so Python and PostgreSQL work at the same time.
YIELD_EVERY = 64


# -- submissions -------------------------------------------------------------------------


@dataclass(slots=True)
class _IndicatorInfo:
    id: int
    code: str
    answer_type: AnswerType
    evidence_required: bool
    agency_type_id: int
    levels: frozenset[RegionLevel]


@dataclass(slots=True)
class _AnswerRow:
    row: int
    key: tuple[int, int, int]
    label: str
    region_code: str
    value: float | None
    narrative: str
    status: str
    agency_id: int | None
    evidence_required: bool
    deadline: date


@dataclass(slots=True)
class _Found:
    existing: dict[tuple[int, int, int], Any]
    evidence: dict[int, list[str]]
    ids: list[int]  # for the chunk's new answers, in order


class SubmissionsHandler(Handler):
    kind = ImportKind.SUBMISSIONS

    async def prepare(self) -> None:
        session, scope = self.ctx.session, self.ctx.principal.region_code
        self.periods = {r.code: r for r in await repository.periods(session)}
        self.regions = {r.code: (r.id, r.level) for r in await repository.regions(session, scope)}
        self.indicators: dict[tuple[int, str], _IndicatorInfo] = {}
        for r in await repository.indicators(session):
            levels = {
                level
                for level, applies in (
                    (RegionLevel.PROVINCE, r.applies_province),
                    (RegionLevel.REGENCY, r.applies_regency),
                    (RegionLevel.CITY, r.applies_city),
                )
                if applies
            }
            self.indicators[(r.framework_id, r.code)] = _IndicatorInfo(
                r.id,
                r.code,
                r.answer_type,
                r.evidence_required,
                r.agency_type_id,
                frozenset(levels),
            )
        self.agencies = {
            (r.region_id, r.agency_type_id): r.id for r in await repository.agencies(session, scope)
        }
        self.seen: dict[tuple[int, int, int], int] = {}
        self.late: dict[date, bool] = {}
        self.ids = IdAllocator(_table(Submission))
        self.parsed: dict[tuple[AnswerType, str], tuple[bool, float | None]] = {}

    @staticmethod
    def _parse_value(kind: AnswerType, raw: str) -> tuple[bool, float | None]:
        """(valid, the stored number); the number is None for an empty cell."""
        if not raw:
            return True, None
        if kind == AnswerType.YES_NO:
            parsed = _yes_no(raw)
            return (False, None) if parsed is None else (True, 1.0 if parsed else 0.0)
        number = _number(raw)
        if number is None:
            return False, None
        if kind == AnswerType.PERCENT:
            return 0 <= number <= 100, number
        limit = 4 if kind == AnswerType.LEVEL else COUNT_MAX
        return number == int(number) and 0 <= number <= limit, number

    def _value(self, row: _Row, indicator: _IndicatorInfo) -> float | None:
        raw = row.get("value")
        valid, value = self._parse_value(indicator.answer_type, raw)
        if valid:
            return value
        allowed_id, allowed_en = _ALLOWED[indicator.answer_type]
        row.error(
            "value",
            "invalid_value",
            f"Nilai {raw!r} tidak sah untuk {indicator.code}: {allowed_id}",
            f"value {raw!r} is not valid for {indicator.code}: {allowed_en}",
        )
        return None

    def _check(self, number: int, cells: Cells) -> _AnswerRow | None:
        """The row's answer, or None after recording its errors.

        The common case (every code known, the value valid) is decided with plain lookups;
        anything else goes through the full check, which names every problem of the row.
        """
        get = cells.get
        period = self.periods.get(get("period", ""))
        region = self.regions.get(get("region", ""))
        status = get("status", "").lower() or "submitted"
        narrative = get("narrative", "")
        if (
            period is not None
            and region is not None
            and period.state == PeriodState.OPEN
            and status in IMPORT_STATUSES
            and len(narrative) <= MAX_NARRATIVE
        ):
            indicator = self.indicators.get((period.framework_id, get("indicator", "")))
            if indicator is not None and region[1] in indicator.levels:
                raw = get("value", "")
                # Values repeat (levels, ya/tidak, round numbers): parse each once.
                parsed = self.parsed.get((indicator.answer_type, raw))
                if parsed is None:
                    parsed = self._parse_value(indicator.answer_type, raw)
                    if len(self.parsed) < MAX_PARSED_VALUES:
                        self.parsed[(indicator.answer_type, raw)] = parsed
                valid, value = parsed
                if valid and (raw or status != "submitted"):
                    key = (period.id, region[0], indicator.id)
                    if key not in self.seen:
                        self.seen[key] = number
                        region_code = get("region", "")
                        return _AnswerRow(
                            number,
                            key,
                            f"{period.code}/{region_code}/{indicator.code}",
                            region_code,
                            value,
                            narrative,
                            status,
                            self.agencies.get((region[0], indicator.agency_type_id)),
                            indicator.evidence_required,
                            period.deadline,
                        )
        return self._check_fully(number, cells)

    def _check_fully(self, number: int, cells: Cells) -> _AnswerRow | None:
        row = _Row(self.ctx, number, cells)
        period_code = row.required("period")
        region_code = row.required("region")
        indicator_code = row.required("indicator")
        narrative = row.max_length("narrative", MAX_NARRATIVE)
        status = row.get("status").lower() or "submitted"
        if status not in IMPORT_STATUSES:
            row.error(
                "status",
                "invalid_status",
                f"Status {row.get('status')!r} tidak sah: isi draft atau submitted",
                f"status {row.get('status')!r} is not valid: draft or submitted",
            )
        period = self.periods.get(period_code) if period_code else None
        if period_code and period is None:
            row.unknown("period", period_code, "Periode", "period")
        elif period is not None and period.state != PeriodState.OPEN:
            row.error(
                "period",
                "period_not_open",
                f"Periode {period_code} tidak sedang dibuka (status {period.state.value})",
                f"period {period_code} is not open (it is {period.state.value})",
            )
        region = self.regions.get(region_code) if region_code else None
        if region_code and region is None:
            # Unknown and outside the importer's scope read the same: no existence leak.
            row.unknown("region", region_code, "Wilayah", "region")
        indicator = None
        if indicator_code and period is not None:
            indicator = self.indicators.get((period.framework_id, indicator_code))
            if indicator is None:
                row.unknown("indicator", indicator_code, "Indikator", "indicator")
        if indicator is not None and region is not None and region[1] not in indicator.levels:
            row.error(
                "indicator",
                "indicator_not_applicable",
                f"Indikator {indicator_code} tidak berlaku untuk wilayah tingkat {region[1].value}",
                f"indicator {indicator_code} does not apply to a {region[1].value}",
            )
        value = self._value(row, indicator) if indicator is not None else None
        if status == "submitted" and not row.get("value") and indicator is not None:
            row.error(
                "value",
                "value_required",
                "Nilai wajib diisi untuk status submitted (isi nilai atau gunakan status draft)",
                "a value is required to submit (fill it in or import as draft)",
            )
        if row.failed or period is None or region is None or indicator is None:
            return None
        key = (period.id, region[0], indicator.id)
        first = self.seen.get(key)
        if first is not None:
            _first_row_error(row, "indicator", first, "Jawaban ini", "this answer")
            return None
        self.seen[key] = number
        return _AnswerRow(
            row=number,
            key=key,
            label=f"{period_code}/{region_code}/{indicator_code}",
            region_code=region_code or "",
            value=value,
            narrative=narrative,
            status=status,
            agency_id=self.agencies.get((region[0], indicator.agency_type_id)),
            evidence_required=indicator.evidence_required,
            deadline=period.deadline,
        )

    async def process(self, rows: list[ParsedRow]) -> None:
        # The three steps at once, for callers that do not pipeline.
        checked = await self.check(rows)
        write = await self.plan(checked, await self.lookup(checked))
        if write is not None:
            await write()

    async def check(self, rows: list[ParsedRow]) -> list[_AnswerRow]:
        checked = []
        for n, (number, cells) in enumerate(rows, 1):
            answer = self._check(number, cells)
            if answer is not None:
                checked.append(answer)
            if n % YIELD_EVERY == 0:
                await asyncio.sleep(0)
        return checked

    async def lookup(self, checked: list[_AnswerRow]) -> _Found:
        """The chunk's existing answers, their evidence, and ids for its new answers.

        May run before the previous chunk's writes: the chunks' keys never overlap (a key
        repeated anywhere in the file is a row error, and then nothing is written).
        """
        ctx = self.ctx
        existing = {
            (r.period_id, r.region_id, r.indicator_id): r
            for r in await repository.existing_submissions(ctx.session, [a.key for a in checked])
        }
        # Evidence matters only for editable answers the row changes or submits: the submit
        # rule and the new version's hashes.
        candidates = []
        for a in checked:
            old = existing.get(a.key)
            if (
                old is not None
                and old.status in (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED)
                and (
                    a.status == "submitted" or old.value != a.value or old.narrative != a.narrative
                )
            ):
                candidates.append(old.id)
        evidence = await repository.evidence_hashes(ctx.session, candidates)
        ids: list[int] = []
        if ctx.writing:
            new = sum(1 for a in checked if a.key not in existing)
            ids = await self.ids.take(ctx.session, new)
        return _Found(existing, evidence, ids)

    async def plan(self, checked: list[_AnswerRow], found: _Found) -> Write | None:
        existing, evidence = found.existing, found.evidence
        creates: list[_AnswerRow] = []
        updates: list[tuple[_AnswerRow, Any, str]] = []
        results = self.ctx.results
        for answer in checked:
            old = existing.get(answer.key)
            if old is None:
                if answer.status == "submitted" and answer.evidence_required:
                    self._evidence_error(answer)
                    continue
                creates.append(answer)
                results.outcome(answer.row, answer.label, "created")
                continue
            same = old.value == answer.value and old.narrative == answer.narrative
            if old.status in (SubmissionStatus.SUBMITTED, SubmissionStatus.VERIFIED):
                if same:
                    results.outcome(answer.row, answer.label, "unchanged")
                else:
                    results.error(
                        answer.row,
                        "value",
                        "answer_locked",
                        f"Jawaban {answer.label} berstatus {old.status.value} dan tidak dapat "
                        "diubah lewat impor (minta verifikator mengembalikannya dahulu)",
                        f"answer {answer.label} is {old.status.value} and cannot be changed by "
                        "import (a verifier must return it first)",
                    )
                continue
            target = "submitted" if answer.status == "submitted" else old.status.value
            if same and target == old.status.value:
                results.outcome(answer.row, answer.label, "unchanged")
                continue
            if target == "submitted" and answer.evidence_required and not evidence.get(old.id):
                self._evidence_error(answer)
                continue
            updates.append((answer, old, target))
            results.outcome(answer.row, answer.label, "updated")
        if not self.ctx.writing or not (creates or updates):
            return None
        return await self._records(creates, found.ids, updates, evidence)

    def _late(self, deadline: date) -> bool:
        """Whether a first submission now is late (after the deadline day, local time)."""
        late = self.late.get(deadline)
        if late is None:
            late = self.late[deadline] = self.ctx.now >= deadline_cutoff(
                deadline, self.ctx.timezone
            )
        return late

    def _evidence_error(self, answer: _AnswerRow) -> None:
        self.ctx.results.error(
            answer.row,
            "status",
            "evidence_required",
            f"Indikator ini wajib melampirkan bukti: impor {answer.label} sebagai draft, "
            "lampirkan bukti, lalu ajukan",
            f"this indicator requires evidence: import {answer.label} as draft, attach the "
            "evidence, then submit",
        )

    async def _records(
        self,
        creates: list[_AnswerRow],
        ids: list[int],
        updates: list[tuple[_AnswerRow, Any, str]],
        evidence: dict[int, list[str]],
    ) -> Write:
        """Every row the chunk writes, built now, and the writes that send them: new answers,
        changed answers, one history version and one audit event per answer (`after`
        carries the batch id)."""
        ctx = self.ctx
        now, actor, batch = ctx.now, ctx.actor, ctx.batch_id
        user, key = actor.user_id, actor.api_key_id
        # Each table's rows hold the columns that vary; the rest is the same for the whole
        # chunk and written once (see the column lists below).
        answer_constants = (1, now, now, None, user, user)
        version_constants = ("imported", f"Impor #{batch}", user, key, now)
        audit_constants = (
            *(now, user, key, actor.label, "submission.imported", "success", "submission"),
            *(actor.client_addr, actor.request_id),
        )
        answers: list[tuple[Any, ...]] = []
        versions: list[tuple[Any, ...]] = []
        audits: list[tuple[Any, ...]] = []
        for n, (a, submission_id) in enumerate(zip(creates, ids, strict=False), 1):
            submitted = a.status == "submitted"
            at = now if submitted else None
            late = submitted and self._late(a.deadline)
            value, narrative, status = a.value, a.narrative, a.status
            answers.append(
                (submission_id, *a.key, a.agency_id, value, narrative, status, late, at, at)
            )
            versions.append((submission_id, 1, status, value, narrative, "[]"))
            after = json_snapshot(value, narrative, status, 1, batch)
            audits.append((a.label[:120], a.region_code, None, after))
            if n % YIELD_EVERY == 0:
                await asyncio.sleep(0)
        changes = []
        for a, old, target in updates:
            submitting = target == "submitted"
            first = old.first_submitted_at
            version = old.version + 1
            changes.append(
                {
                    "id": old.id,
                    "value": a.value,
                    "narrative": a.narrative,
                    "status": target,
                    "version": version,
                    "updated_at": now,
                    "updated_by_id": user,
                    "first_submitted_at": first or (now if submitting else None),
                    # A returned answer keeps when it was last submitted until resubmitted.
                    "submitted_at": now if submitting else old.submitted_at,
                    "is_late": old.is_late
                    if first is not None or not submitting
                    else self._late(a.deadline),
                }
            )
            hashes = json_text(evidence.get(old.id, []))
            versions.append((old.id, version, target, a.value, a.narrative, hashes))
            before = json_snapshot(old.value, old.narrative, old.status.value, old.version)
            after = json_snapshot(a.value, a.narrative, target, version, batch)
            audits.append((a.label[:120], a.region_code, before, after))
        session = ctx.session
        tables = [
            (encoder, rows, constants)
            for encoder, rows, constants in (
                (ANSWER_COPY, answers, answer_constants),
                (VERSION_COPY, versions, version_constants),
                (AUDIT_COPY, audits, audit_constants),
            )
            if rows
        ]
        if is_postgres(session):
            # Encoded now, while the previous chunk is written, so the writes only send.
            encoded = [
                (encoder, await encoder.encode(rows, constants, YIELD_EVERY))
                for encoder, rows, constants in tables
            ]

            async def send() -> None:
                await bulk_update(session, _table(Submission), changes)
                for encoder, data in encoded:
                    await copy_encoded(session, encoder, data)

            return send

        async def write() -> None:
            await bulk_update(session, _table(Submission), changes)
            for encoder, rows, constants in tables:
                records = [row + constants for row in rows]
                await copy_records(session, encoder.table, encoder.columns, records)

        return write


# The columns SubmissionsHandler writes: those that vary per row, in the order of its
# tuples, then those the same for a whole chunk.
ANSWER_COPY = CopyEncoder(
    _table(Submission),
    (
        "id", "period_id", "region_id", "indicator_id", "agency_id", "value", "narrative",
        "status", "is_late", "first_submitted_at", "submitted_at",
    ),
    ("version", "created_at", "updated_at", "verified_at", "created_by_id", "updated_by_id"),
    memo=("period_id", "region_id", "indicator_id", "agency_id", "value", "status"),
)  # fmt: skip
VERSION_COPY = CopyEncoder(
    _table(SubmissionVersion),
    ("submission_id", "version", "status", "value", "narrative", "evidence_hashes"),
    ("action", "reason", "actor_user_id", "actor_api_key_id", "created_at"),
    memo=("version", "status", "value", "evidence_hashes"),
)
AUDIT_COPY = CopyEncoder(
    _table(AuditEvent),
    ("entity_id", "region_code", "before", "after"),
    (
        "occurred_at", "actor_user_id", "actor_api_key_id", "actor_label", "action",
        "outcome", "entity_type", "client_addr", "request_id",
    ),
    memo=("region_code",),
)  # fmt: skip


# -- regions -----------------------------------------------------------------------------

_PROVINCE_CODE = re.compile(r"^\d{2}$")
_CHILD_CODE = re.compile(r"^\d{2}\.\d{2}$")


class RegionsHandler(Handler):
    kind = ImportKind.REGIONS

    async def prepare(self) -> None:
        # Every region, not only the scope: a parent may lie above a provincial admin's
        # subtree only for its own province, which is in scope anyway.
        self.regions: dict[str, Any] = {
            r.code: r for r in await repository.regions(self.ctx.session, None)
        }
        self.ids: dict[str, int] = {code: r.id for code, r in self.regions.items()}
        self.seen: dict[str, int] = {}
        # Codes created earlier in this file (dry run: no ids yet).
        self.pending: set[str] = set()

    async def process(self, rows: list[ParsedRow]) -> None:
        ctx = self.ctx
        creates: list[dict[str, Any]] = []
        updates: list[tuple[Any, dict[str, Any]]] = []
        for number, cells in rows:
            row = _Row(ctx, number, cells)
            code = row.required("code")
            name = row.required("name")
            row.max_length("name", 200)
            level_raw = (row.required("level") or "").lower()
            level = None
            if level_raw:
                try:
                    level = RegionLevel(level_raw)
                except ValueError:
                    row.error(
                        "level",
                        "invalid_level",
                        f"Tingkat {level_raw!r} tidak sah: province, regency atau city",
                        f"level {level_raw!r} is not valid: province, regency or city",
                    )
            bps = row.max_length("bps_code", 20) or None
            if code is None:
                continue
            parent_code = code.rsplit(".", 1)[0] if "." in code else None
            pattern = _PROVINCE_CODE if level == RegionLevel.PROVINCE else _CHILD_CODE
            if level is not None and not pattern.match(code):
                row.error(
                    "code",
                    "invalid_code",
                    f"Kode {code!r} tidak sesuai format Kemendagri untuk {level.value} "
                    "(provinsi 64, kabupaten/kota 64.72)",
                    f"code {code!r} does not match the Kemendagri format for a {level.value} "
                    "(province 64, regency/city 64.72)",
                )
            if not in_subtree(ctx.principal.region_code, code):
                row.error(
                    "code",
                    "region_out_of_scope",
                    f"Wilayah {code} di luar cakupan Anda",
                    f"region {code} is outside your scope",
                )
            given_parent = row.get("parent")
            if given_parent and given_parent != parent_code:
                row.error(
                    "parent",
                    "parent_mismatch",
                    f"Induk {given_parent!r} tidak sesuai dengan kode {code} "
                    f"(seharusnya {parent_code or 'kosong'})",
                    f"parent {given_parent!r} does not match code {code} "
                    f"(expected {parent_code or 'empty'})",
                )
            if parent_code and parent_code not in self.regions and parent_code not in self.pending:
                row.error(
                    "parent",
                    "unknown_parent",
                    f"Provinsi induk {parent_code} belum ada (letakkan barisnya lebih dahulu)",
                    f"parent province {parent_code} does not exist (put its row first)",
                )
            first = self.seen.get(code)
            if first is not None:
                _first_row_error(row, "code", first, f"Kode {code}", f"code {code}")
            else:
                self.seen[code] = number
            if row.failed or level is None or name is None:
                continue
            old = self.regions.get(code)
            values = {"code": code, "name": name, "level": level, "bps_code": bps}
            if old is None:
                self.pending.add(code)
                creates.append({**values, "parent_code": parent_code})
                ctx.results.outcome(number, code, "created")
                continue
            if not row.has("bps_code"):
                values["bps_code"] = old.bps_code
            if (old.name, old.level, old.bps_code) == (name, level, values["bps_code"]):
                ctx.results.outcome(number, code, "unchanged")
                continue
            updates.append((old, values))
            ctx.results.outcome(number, code, "updated")
        if ctx.writing and (creates or updates):
            await self._write(creates, updates)

    async def _write(
        self, creates: list[dict[str, Any]], updates: list[tuple[Any, dict[str, Any]]]
    ) -> None:
        ctx = self.ctx
        table = _table(Region)
        audits: list[tuple[str, str | None, dict[str, Any] | None, dict[str, Any]]] = []
        # Provinces first, so their children in the same chunk find their ids.
        for depth in (0, 1):
            batch = [c for c in creates if c["code"].count(".") == depth]
            if not batch:
                continue
            params = [
                {
                    "code": c["code"],
                    "name": c["name"],
                    "level": c["level"].value,
                    "bps_code": c["bps_code"],
                    "parent_id": self.ids.get(c["parent_code"]) if c["parent_code"] else None,
                }
                for c in batch
            ]
            result = await ctx.session.execute(
                insert(table).returning(table.c.id, sort_by_parameter_order=True), params
            )
            for c, (new_id,) in zip(batch, result.all(), strict=True):
                self.ids[c["code"]] = new_id
                after = {"name": c["name"], "level": c["level"].value, "bps_code": c["bps_code"]}
                audits.append((c["code"], c["code"], None, after))
        if updates:
            await bulk_update(
                ctx.session,
                table,
                [
                    {
                        "id": old.id,
                        "name": v["name"],
                        "level": v["level"].value,
                        "bps_code": v["bps_code"],
                    }
                    for old, v in updates
                ],
            )
            for old, v in updates:
                before = {"name": old.name, "level": old.level.value, "bps_code": old.bps_code}
                after = {"name": v["name"], "level": v["level"].value, "bps_code": v["bps_code"]}
                audits.append((old.code, old.code, before, after))
        await bulk_insert(
            ctx.session, _table(AuditEvent), ctx.audit_rows("region.imported", "region", audits)
        )


# -- agencies ----------------------------------------------------------------------------


class AgenciesHandler(Handler):
    kind = ImportKind.AGENCIES

    async def prepare(self) -> None:
        session, scope = self.ctx.session, self.ctx.principal.region_code
        self.regions = {r.code: r.id for r in await repository.regions(session, scope)}
        self.types = await repository.agency_types(session)
        self.existing = {r.code: r for r in await repository.agencies(session, scope)}
        self.seen: dict[str, int] = {}

    async def process(self, rows: list[ParsedRow]) -> None:
        ctx = self.ctx
        creates: list[dict[str, Any]] = []
        updates: list[tuple[Any, dict[str, Any]]] = []
        checked: list[tuple[_Row, str, str, str, int, int, bool]] = []
        for number, cells in rows:
            row = _Row(ctx, number, cells)
            code = row.required("code")
            name = row.required("name")
            row.max_length("name", 300)
            region_code = row.required("region")
            type_code = (row.required("type") or "").lower()
            active = row.yes_no("active", True)
            region_id = self.regions.get(region_code) if region_code else None
            if region_code and region_id is None:
                row.unknown("region", region_code, "Wilayah", "region")
            type_id = self.types.get(type_code) if type_code else None
            if type_code and type_id is None:
                row.unknown("type", type_code, "Jenis perangkat daerah", "agency type")
            if code and region_code and type_code and code != f"{region_code}.{type_code}":
                row.error(
                    "code",
                    "invalid_code",
                    f"Kode {code!r} harus {region_code}.{type_code} (<wilayah>.<jenis>)",
                    f"code {code!r} must be {region_code}.{type_code} (<region>.<type>)",
                )
            if code:
                first = self.seen.get(code)
                if first is not None:
                    _first_row_error(row, "code", first, f"Kode {code}", f"code {code}")
                else:
                    self.seen[code] = number
            if row.failed or not code or not name or region_id is None or type_id is None:
                continue
            checked.append((row, code, name, region_code or "", region_id, type_id, bool(active)))
        # A code outside the scope that exists already cannot be created again here.
        new_codes = [c[1] for c in checked if c[1] not in self.existing]
        taken = await repository.agency_codes_taken(ctx.session, new_codes)
        for row, code, name, region_code, region_id, type_id, active in checked:
            old = self.existing.get(code)
            if old is None:
                if code in taken:
                    row.error(
                        "code",
                        "agency_exists",
                        f"Kode {code} sudah dipakai",
                        f"code {code} is already in use",
                    )
                    continue
                creates.append(
                    {
                        "code": code,
                        "name": name,
                        "region_id": region_id,
                        "agency_type_id": type_id,
                        "is_active": active,
                        "region_code": region_code,
                    }
                )
                ctx.results.outcome(row.number, code, "created")
                continue
            if not row.has("active"):
                active = old.is_active
            if (old.name, old.is_active) == (name, active):
                ctx.results.outcome(row.number, code, "unchanged")
                continue
            updates.append((old, {"name": name, "is_active": active}))
            ctx.results.outcome(row.number, code, "updated")
        if ctx.writing and (creates or updates):
            await self._write(creates, updates)

    async def _write(
        self, creates: list[dict[str, Any]], updates: list[tuple[Any, dict[str, Any]]]
    ) -> None:
        ctx = self.ctx
        table = _table(Agency)
        audits: list[tuple[str, str | None, dict[str, Any] | None, dict[str, Any]]] = []
        if creates:
            await ctx.session.execute(
                insert(table),
                [{k: v for k, v in c.items() if k != "region_code"} for c in creates],
            )
            audits += [
                (
                    c["code"],
                    c["region_code"],
                    None,
                    {"name": c["name"], "is_active": c["is_active"]},
                )
                for c in creates
            ]
        if updates:
            await bulk_update(
                ctx.session,
                table,
                [
                    {"id": old.id, "name": v["name"], "is_active": v["is_active"]}
                    for old, v in updates
                ],
            )
            audits += [
                (old.code, old.region_code, {"name": old.name, "is_active": old.is_active}, v)
                for old, v in updates
            ]
        await bulk_insert(
            ctx.session, _table(AuditEvent), ctx.audit_rows("agency.imported", "agency", audits)
        )


# -- indicators --------------------------------------------------------------------------

_LEVEL_LETTERS = {"p": RegionLevel.PROVINCE, "r": RegionLevel.REGENCY, "c": RegionLevel.CITY}
_INDICATOR_FIELDS = (
    "dimension_id",
    "name",
    "guidance",
    "answer_type",
    "target",
    "weight",
    "agency_type_id",
    "applies_province",
    "applies_regency",
    "applies_city",
    "evidence_required",
    "evidence_guidance",
    "position",
)


def _levels(value: str) -> set[RegionLevel] | None:
    text = value.strip().lower()
    if text and all(ch in _LEVEL_LETTERS for ch in text):
        return {_LEVEL_LETTERS[ch] for ch in text}
    parts = [p for p in re.split(r"[\s,;/]+", text) if p]
    try:
        return {RegionLevel(p) for p in parts} or None
    except ValueError:
        return None


class IndicatorsHandler(Handler):
    kind = ImportKind.INDICATORS

    async def prepare(self) -> None:
        session = self.ctx.session
        self.frameworks = await repository.frameworks(session)
        self.dimensions = await repository.dimensions(session)
        self.types = await repository.agency_types(session)
        self.existing = {(r.framework_id, r.code): r for r in await repository.indicators(session)}
        self.answered = await repository.answered_indicator_ids(session)
        self.framework_codes = {v: k for k, v in self.frameworks.items()}
        self.seen: dict[tuple[int, str], int] = {}

    def _values(self, row: _Row, framework_id: int) -> dict[str, Any] | None:
        dimension_code = row.required("dimension")
        name = row.required("name")
        dimension_id = None
        if dimension_code:
            dimension_id = self.dimensions.get((framework_id, dimension_code))
            if dimension_id is None:
                row.unknown("dimension", dimension_code, "Dimensi", "dimension")
        answer_raw = (row.required("answer_type") or "").lower()
        answer_type = None
        if answer_raw:
            try:
                answer_type = AnswerType(answer_raw)
            except ValueError:
                row.error(
                    "answer_type",
                    "invalid_answer_type",
                    f"Jenis jawaban {answer_raw!r} tidak sah: level, yes_no, percent atau count",
                    f"answer type {answer_raw!r} is not valid: level, yes_no, percent or count",
                )
        target = None
        if row.get("target"):
            target = _number(row.get("target"))
            if target is None or target <= 0:
                row.error(
                    "target", "invalid_target", "Target harus angka > 0", "target must be > 0"
                )
        if answer_type == AnswerType.COUNT and target is None and not row.get("target"):
            row.error(
                "target",
                "required",
                "Indikator count wajib memiliki target",
                "a count indicator needs a target",
            )
        if answer_type is not None and answer_type != AnswerType.COUNT and row.get("target"):
            row.error(
                "target",
                "target_not_allowed",
                "Target hanya untuk indikator count",
                "only count indicators have a target",
            )
        weight_raw = row.required("weight")
        weight = _number(weight_raw) if weight_raw else None
        if weight_raw and (weight is None or weight <= 0):
            row.error("weight", "invalid_weight", "Bobot harus angka > 0", "weight must be > 0")
        type_code = (row.required("agency_type") or "").lower()
        type_id = self.types.get(type_code) if type_code else None
        if type_code and type_id is None:
            row.unknown("agency_type", type_code, "Jenis perangkat daerah", "agency type")
        levels_raw = row.required("levels")
        levels = _levels(levels_raw) if levels_raw else None
        if levels_raw and levels is None:
            row.error(
                "levels",
                "invalid_levels",
                f"Tingkat {levels_raw!r} tidak sah: province/regency/city atau huruf PRC",
                f"levels {levels_raw!r} are not valid: province/regency/city or letters PRC",
            )
        evidence_required = row.yes_no("evidence_required", None)
        position = 0
        if row.get("position"):
            number = _number(row.get("position"))
            if number is None or number != int(number) or abs(number) > 1_000_000:
                row.error(
                    "position",
                    "invalid_position",
                    "Urutan harus bilangan bulat",
                    "position must be a whole number",
                )
            else:
                position = int(number)
        if row.failed or levels is None:
            return None
        return {
            "dimension_id": dimension_id,
            "name": name,
            "guidance": row.get("guidance"),
            "answer_type": answer_type,
            "target": target,
            "weight": weight,
            "agency_type_id": type_id,
            "applies_province": RegionLevel.PROVINCE in levels,
            "applies_regency": RegionLevel.REGENCY in levels,
            "applies_city": RegionLevel.CITY in levels,
            "evidence_required": evidence_required,
            "evidence_guidance": row.get("evidence_guidance"),
            "position": position,
        }

    async def process(self, rows: list[ParsedRow]) -> None:
        ctx = self.ctx
        creates: list[dict[str, Any]] = []
        updates: list[tuple[Any, dict[str, Any]]] = []
        for number, cells in rows:
            row = _Row(ctx, number, cells)
            framework_code = row.required("framework")
            code = row.required("code")
            row.max_length("code", 40)
            framework_id = self.frameworks.get(framework_code) if framework_code else None
            if framework_code and framework_id is None:
                row.unknown("framework", framework_code, "Kerangka", "framework")
            values = self._values(row, framework_id) if framework_id is not None else None
            if framework_id is None or code is None:
                continue
            first = self.seen.get((framework_id, code))
            if first is not None:
                _first_row_error(row, "code", first, f"Indikator {code}", f"indicator {code}")
                continue
            self.seen[(framework_id, code)] = number
            if values is None or row.failed:
                continue
            old = self.existing.get((framework_id, code))
            label = f"{framework_code}/{code}"
            if old is None:
                creates.append({"framework_id": framework_id, "code": code, **values})
                ctx.results.outcome(number, label, "created")
                continue
            for optional in ("guidance", "evidence_guidance", "position"):
                if not row.has(optional):
                    values[optional] = getattr(old, optional)
            if values["answer_type"] != old.answer_type and old.id in self.answered:
                row.error(
                    "answer_type",
                    "answer_type_locked",
                    f"Jenis jawaban {code} tidak dapat diubah karena sudah ada jawaban",
                    f"the answer type of {code} cannot change: it already has answers",
                )
                continue
            if all(getattr(old, f) == values[f] for f in _INDICATOR_FIELDS):
                ctx.results.outcome(number, label, "unchanged")
                continue
            updates.append((old, values))
            ctx.results.outcome(number, label, "updated")
        if ctx.writing and (creates or updates):
            await self._write(creates, updates)

    def _snapshot(self, values: dict[str, Any] | Any) -> dict[str, Any]:
        get = values.get if isinstance(values, dict) else lambda f: getattr(values, f)
        out = {f: get(f) for f in _INDICATOR_FIELDS}
        out["answer_type"] = str(out["answer_type"])
        return out

    async def _write(
        self, creates: list[dict[str, Any]], updates: list[tuple[Any, dict[str, Any]]]
    ) -> None:
        ctx = self.ctx
        table = _table(Indicator)
        audits: list[tuple[str, str | None, dict[str, Any] | None, dict[str, Any]]] = []
        if creates:
            await ctx.session.execute(
                insert(table),
                [{**c, "answer_type": c["answer_type"].value} for c in creates],
            )
            for c in creates:
                label = f"{self.framework_codes[c['framework_id']]}/{c['code']}"
                audits.append((label, None, None, self._snapshot(c)))
        if updates:
            await bulk_update(
                ctx.session,
                table,
                [
                    {"id": old.id}
                    | {f: (v[f].value if f == "answer_type" else v[f]) for f in _INDICATOR_FIELDS}
                    for old, v in updates
                ],
            )
            for old, v in updates:
                label = f"{self.framework_codes[old.framework_id]}/{old.code}"
                audits.append((label, None, self._snapshot(old), self._snapshot(v)))
        await bulk_insert(
            ctx.session,
            _table(AuditEvent),
            ctx.audit_rows("indicator.imported", "indicator", audits),
        )


# -- users -------------------------------------------------------------------------------

_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,79}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def unusable_password_hash() -> str:
    """Not a hash any password verifies against: the account waits for an administrator
    to set a password (and it is created inactive as well)."""
    return "!import:" + secrets.token_hex(16)


class UsersHandler(Handler):
    kind = ImportKind.USERS

    async def prepare(self) -> None:
        session, scope = self.ctx.session, self.ctx.principal.region_code
        self.regions = {r.code: r.id for r in await repository.regions(session, scope)}
        self.agencies = {r.code: r for r in await repository.agencies(session, scope)}
        self.seen: dict[str, int] = {}

    def _check(self, row: _Row) -> dict[str, Any] | None:
        scope = self.ctx.principal.region_code
        username = (row.required("username") or "").lower()
        if username and not _USERNAME.match(username):
            row.error(
                "username",
                "invalid_username",
                "Nama pengguna: 3-80 huruf kecil, angka, titik, garis bawah atau tanda hubung",
                "username: 3-80 lower-case letters, digits, dot, underscore or hyphen",
            )
        full_name = row.max_length("full_name", 200)
        if not full_name:
            row.required("full_name")
        role_raw = (row.required("role") or "").lower()
        role = None
        if role_raw:
            try:
                role = Role(role_raw)
            except ValueError:
                row.error(
                    "role",
                    "invalid_role",
                    f"Peran {role_raw!r} tidak sah: admin, verifier, operator atau viewer",
                    f"role {role_raw!r} is not valid: admin, verifier, operator or viewer",
                )
        email = row.max_length("email", 254) or None
        if email and not _EMAIL.match(email):
            row.error("email", "invalid_email", "Alamat email tidak sah", "invalid e-mail address")
        region_code = row.get("region") or None
        agency_code = row.get("agency") or None
        region_id = agency_id = None
        if role == Role.OPERATOR:
            agency = self.agencies.get(agency_code) if agency_code else None
            if not agency_code:
                row.error(
                    "agency",
                    "required",
                    "Operator wajib memiliki perangkat daerah",
                    "an operator belongs to one agency",
                )
            elif agency is None:
                row.unknown("agency", agency_code, "Perangkat daerah", "agency")
            else:
                agency_id, region_id = agency.id, agency.region_id
                if region_code and region_code != agency.region_code:
                    row.error(
                        "region",
                        "region_mismatch",
                        "Wilayah operator adalah wilayah perangkat daerahnya",
                        "an operator's region is its agency's region",
                    )
                region_code = agency.region_code
        elif role is not None:
            if agency_code:
                row.error(
                    "agency",
                    "agency_not_allowed",
                    "Hanya operator yang terikat pada perangkat daerah",
                    "only operators belong to an agency",
                )
            if region_code:
                region_id = self.regions.get(region_code)
                if region_id is None:
                    row.unknown("region", region_code, "Wilayah", "region")
            elif role != Role.ADMIN:
                row.error(
                    "region",
                    "required",
                    f"Peran {role.value} wajib memiliki wilayah cakupan",
                    f"a {role.value} needs a region (its scope)",
                )
            elif scope is not None:
                row.error(
                    "region",
                    "region_out_of_scope",
                    "Administrator provinsi tidak dapat membuat akun nasional",
                    "a provincial administrator cannot create national accounts",
                )
        if row.failed or role is None:
            return None
        return {
            "username": username,
            "full_name": full_name,
            "email": email,
            "role": role,
            "region_id": region_id,
            "agency_id": agency_id,
            "region_code": region_code,
        }

    async def process(self, rows: list[ParsedRow]) -> None:
        ctx = self.ctx
        checked: list[tuple[_Row, dict[str, Any]]] = []
        for number, cells in rows:
            row = _Row(ctx, number, cells)
            values = self._check(row)
            username = row.get("username").lower()
            if username:
                first = self.seen.get(username)
                if first is not None:
                    _first_row_error(row, "username", first, f"Pengguna {username}", username)
                    continue
                self.seen[username] = number
            if values is not None and not row.failed:
                checked.append((row, values))
        existing = {
            r.username: r
            for r in await repository.users_by_name(
                ctx.session, [v["username"] for _, v in checked]
            )
        }
        creates: list[dict[str, Any]] = []
        updates: list[tuple[Any, dict[str, Any]]] = []
        for row, values in checked:
            username = values["username"]
            old = existing.get(username)
            if old is None:
                creates.append(values)
                ctx.results.outcome(row.number, username, "created")
                continue
            scope = ctx.principal.region_code
            visible = in_subtree(scope, old.region_code) if old.region_code else scope is None
            if not visible:
                row.error(
                    "username",
                    "user_exists",
                    f"Nama pengguna {username} sudah dipakai",
                    f"username {username} is already taken",
                )
                continue
            if (old.role, old.region_id, old.agency_id) != (
                values["role"],
                values["region_id"],
                values["agency_id"],
            ):
                row.error(
                    "role",
                    "user_scope_change",
                    "Peran, wilayah atau perangkat daerah pengguna yang sudah ada tidak diubah "
                    "lewat impor; ubah melalui menu Pengguna",
                    "the role, region or agency of an existing user is not changed by import; "
                    "change it under Users",
                )
                continue
            if not row.has("email"):
                values["email"] = old.email
            if (old.full_name, old.email) == (values["full_name"], values["email"]):
                ctx.results.outcome(row.number, username, "unchanged")
                continue
            updates.append((old, values))
            ctx.results.outcome(row.number, username, "updated")
        if ctx.writing and (creates or updates):
            await self._write(creates, updates)

    async def _write(
        self, creates: list[dict[str, Any]], updates: list[tuple[Any, dict[str, Any]]]
    ) -> None:
        ctx = self.ctx
        table = _table(User)
        now = ctx.now
        audits: list[tuple[str, str | None, dict[str, Any] | None, dict[str, Any]]] = []
        if creates:
            await ctx.session.execute(
                insert(table),
                [
                    {
                        "username": c["username"],
                        "full_name": c["full_name"],
                        "email": c["email"],
                        "role": c["role"].value,
                        "region_id": c["region_id"],
                        "agency_id": c["agency_id"],
                        "password_hash": unusable_password_hash(),
                        "is_active": False,
                        "locale": "id",
                        "created_at": now,
                        "updated_at": now,
                    }
                    for c in creates
                ],
            )
            audits += [
                (
                    c["username"],
                    c["region_code"],
                    None,
                    {
                        "full_name": c["full_name"],
                        "email": c["email"],
                        "role": c["role"].value,
                        "region_code": c["region_code"],
                        "is_active": False,
                    },
                )
                for c in creates
            ]
        if updates:
            await bulk_update(
                ctx.session,
                table,
                [
                    {
                        "id": old.id,
                        "full_name": v["full_name"],
                        "email": v["email"],
                        "updated_at": now,
                    }
                    for old, v in updates
                ],
            )
            audits += [
                (
                    old.username,
                    old.region_code,
                    {"full_name": old.full_name, "email": old.email},
                    {"full_name": v["full_name"], "email": v["email"]},
                )
                for old, v in updates
            ]
        await bulk_insert(
            ctx.session, _table(AuditEvent), ctx.audit_rows("user.imported", "user", audits)
        )


HANDLERS: dict[ImportKind, type[Handler]] = {
    ImportKind.SUBMISSIONS: SubmissionsHandler,
    ImportKind.REGIONS: RegionsHandler,
    ImportKind.AGENCIES: AgenciesHandler,
    ImportKind.INDICATORS: IndicatorsHandler,
    ImportKind.USERS: UsersHandler,
}


def cells_of(header_index: dict[str, int], cells: Sequence[str]) -> Cells:
    return {name: cells[i] if i < len(cells) else "" for name, i in header_index.items()}


def known_columns(kind: ImportKind) -> list[str]:
    return [c.name for c in COLUMNS[kind]]
