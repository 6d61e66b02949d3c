"""Answers: the one kind imported by the hundred thousand, so its rows are checked with
plain lookups, written as pre-encoded binary COPY on PostgreSQL, and pipelined with the
next chunk (see service._import_rows).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date
from typing import Any

from siaga.imports import repository
from siaga.imports.bulk import (
    CopyEncoder,
    IdAllocator,
    bulk_update,
    copy_encoded,
    copy_records,
    is_postgres,
    json_snapshot,
    json_text,
)
from siaga.imports.columns import IMPORT_STATUSES
from siaga.imports.kinds.base import (
    YIELD_EVERY,
    Cells,
    Handler,
    ParsedRow,
    RowCheck,
    Write,
    duplicate_row_error,
    parse_number,
    parse_yes_no,
    table_of,
)
from siaga.models import (
    AnswerType,
    AuditEvent,
    ImportKind,
    PeriodState,
    RegionLevel,
    Submission,
    SubmissionStatus,
    SubmissionVersion,
)
from siaga.regions import repository as regions_repository
from siaga.regions.time_zones import deadline_cutoff

# The Indonesian messages name states and levels in Indonesian, not by their codes (an
# operator reads "ditutup", not "closed"); the English ones keep the codes.
_STATE_ID = {PeriodState.PLANNED: "direncanakan", PeriodState.OPEN: "dibuka",
             PeriodState.CLOSED: "ditutup"}  # fmt: skip
_LEVEL_ID = {RegionLevel.PROVINCE: "provinsi", RegionLevel.REGENCY: "kabupaten",
             RegionLevel.CITY: "kota"}  # fmt: skip
_STATUS_ID = {SubmissionStatus.DRAFT: "draf", SubmissionStatus.SUBMITTED: "terkirim",
              SubmissionStatus.VERIFIED: "terverifikasi",
              SubmissionStatus.RETURNED: "dikembalikan"}  # fmt: skip

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
        # Deadlines end at midnight in each region's zone (WITA in Kaltim); the
        # deployment's zone only for a region of unknown province.
        self.zones = await regions_repository.time_zones_by_id(
            session, [rid for rid, _ in self.regions.values()], self.ctx.timezone
        )
        self.late: dict[tuple[date, str], bool] = {}
        self.ids = IdAllocator(table_of(Submission))
        self.parsed: dict[tuple[AnswerType, str], tuple[bool, float | None]] = {}

    @staticmethod
    def _parse_value(kind: AnswerType, raw: str) -> tuple[bool, float | None]:
        """(valid, the stored number); the number is None for an empty cell."""
        if not raw:
            return True, None
        if kind == AnswerType.YES_NO:
            parsed = parse_yes_no(raw)
            return (False, None) if parsed is None else (True, 1.0 if parsed else 0.0)
        number = parse_number(raw)
        if number is None:
            return False, None
        if kind == AnswerType.PERCENT:
            return 0 <= number <= 100, number
        limit = 4 if kind == AnswerType.LEVEL else COUNT_MAX
        return number == int(number) and 0 <= number <= limit, number

    def _value(self, row: RowCheck, indicator: _IndicatorInfo) -> float | None:
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
        row = RowCheck(self.ctx, number, cells)
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
                f"Periode {period_code} tidak sedang dibuka (statusnya {_STATE_ID[period.state]})",
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
                f"Indikator {indicator_code} tidak berlaku untuk {_LEVEL_ID[region[1]]}",
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
            duplicate_row_error(row, "indicator", first, "Jawaban ini", "this answer")
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
                        f"Jawaban {answer.label} berstatus {_STATUS_ID[old.status]} dan tidak "
                        "dapat diubah lewat impor (minta verifikator mengembalikannya dahulu)",
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

    def _late(self, deadline: date, region_id: int) -> bool:
        """Whether a first submission now is late (after the deadline day, local time)."""
        zone = self.zones.get(region_id, self.ctx.timezone)
        late = self.late.get((deadline, zone))
        if late is None:
            late = self.late[(deadline, zone)] = self.ctx.now >= deadline_cutoff(deadline, zone)
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
            late = submitted and self._late(a.deadline, a.key[1])
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
                    else self._late(a.deadline, a.key[1]),
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
                await bulk_update(session, table_of(Submission), changes)
                for encoder, data in encoded:
                    await copy_encoded(session, encoder, data)

            return send

        async def write() -> None:
            await bulk_update(session, table_of(Submission), changes)
            for encoder, rows, constants in tables:
                records = [row + constants for row in rows]
                await copy_records(session, encoder.table, encoder.columns, records)

        return write


# The columns SubmissionsHandler writes: those that vary per row, in the order of its
# tuples, then those the same for a whole chunk.
ANSWER_COPY = CopyEncoder(
    table_of(Submission),
    (
        "id", "period_id", "region_id", "indicator_id", "agency_id", "value", "narrative",
        "status", "is_late", "first_submitted_at", "submitted_at",
    ),
    ("version", "created_at", "updated_at", "verified_at", "created_by_id", "updated_by_id"),
    memo=("period_id", "region_id", "indicator_id", "agency_id", "value", "status"),
)  # fmt: skip
VERSION_COPY = CopyEncoder(
    table_of(SubmissionVersion),
    ("submission_id", "version", "status", "value", "narrative", "evidence_hashes"),
    ("action", "reason", "actor_user_id", "actor_api_key_id", "created_at"),
    memo=("version", "status", "value", "evidence_hashes"),
)
AUDIT_COPY = CopyEncoder(
    table_of(AuditEvent),
    ("entity_id", "region_code", "before", "after"),
    (
        "occurred_at", "actor_user_id", "actor_api_key_id", "actor_label", "action",
        "outcome", "entity_type", "client_addr", "request_id",
    ),
    memo=("region_code",),
)  # fmt: skip
