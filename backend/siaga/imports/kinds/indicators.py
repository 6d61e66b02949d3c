"""Indicators of a framework: national reference data, imported by national admins only."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import insert

from siaga.core.jsontypes import JsonObject
from siaga.frameworks import rules
from siaga.imports import repository
from siaga.imports.bulk import (
    bulk_insert,
    bulk_update,
)
from siaga.imports.kinds.base import (
    Audited,
    Handler,
    Params,
    ParsedRow,
    RowCheck,
    duplicate_row_error,
    parse_number,
    table_of,
)
from siaga.models import (
    AnswerType,
    AuditEvent,
    ImportKind,
    Indicator,
    RegionLevel,
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
# Left out of the header: an update keeps the stored value.
_OPTIONAL_FIELDS = ("guidance", "evidence_guidance", "position")


@dataclass(frozen=True, slots=True)
class _Indicator:
    """An indicator as a row of the file sets it (the fields of _INDICATOR_FIELDS)."""

    framework_id: int
    code: str
    dimension_id: int | None
    name: str | None
    guidance: str
    answer_type: AnswerType | None
    target: float | None
    weight: float | None
    agency_type_id: int | None
    applies_province: bool
    applies_regency: bool
    applies_city: bool
    evidence_required: bool | None
    evidence_guidance: str
    position: int


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
        self.published = await repository.published_framework_ids(session)
        self.dimensions = await repository.dimensions(session)
        self.types = await repository.agency_types(session)
        self.existing = {(r.framework_id, r.code): r for r in await repository.indicators(session)}
        self.answered = await repository.answered_indicator_ids(session)
        self.framework_codes = {v: k for k, v in self.frameworks.items()}
        self.seen: dict[tuple[int, str], int] = {}

    def _values(self, row: RowCheck, framework_id: int, code: str) -> _Indicator | None:
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
        # Cells that are not numbers are the file's problem; what the numbers must be is
        # frameworks/rules.py, shared with the framework editor.
        target = None
        if row.get("target"):
            target = parse_number(row.get("target"))
            if target is None:
                row.error(
                    "target", "invalid_target", "Target harus angka > 0", "target must be > 0"
                )
        weight_raw = row.required("weight")
        weight = parse_number(weight_raw) if weight_raw else None
        if weight_raw and weight is None:
            row.error("weight", "invalid_weight", "Bobot harus angka > 0", "weight must be > 0")
        findings = []
        if target is not None or not row.get("target"):
            findings.append(rules.target(answer_type, target))
        if weight is not None:
            findings.append(rules.weight(weight))
        for finding in findings:
            if finding is not None:
                row.error(finding.field, finding.code, finding.message, finding.message_en)
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
            number = parse_number(row.get("position"))
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
        return _Indicator(
            framework_id=framework_id,
            code=code,
            dimension_id=dimension_id,
            name=name,
            guidance=row.get("guidance"),
            answer_type=answer_type,
            target=target,
            weight=weight,
            agency_type_id=type_id,
            applies_province=RegionLevel.PROVINCE in levels,
            applies_regency=RegionLevel.REGENCY in levels,
            applies_city=RegionLevel.CITY in levels,
            evidence_required=evidence_required,
            evidence_guidance=row.get("evidence_guidance"),
            position=position,
        )

    def _published(self, row: RowCheck, framework_id: int, code: str | None) -> bool:
        """A published version never changes (as PUT answers 409): rows that would
        change one are refused; the same rows again are merely unchanged."""
        if framework_id not in self.published:
            return False
        row.error(
            "framework",
            "framework_published",
            f"Kerangka {code} sudah diterbitkan dan tidak dapat diubah; salin menjadi draf",
            f"framework {code} is published and cannot change; copy it into a draft",
        )
        return True

    async def process(self, rows: list[ParsedRow]) -> None:
        ctx = self.ctx
        creates: list[_Indicator] = []
        # (the stored indicator, as imports.repository.indicators reads it; the file's)
        updates: list[tuple[Any, _Indicator]] = []
        for number, cells in rows:
            row = RowCheck(ctx, number, cells)
            framework_code = row.required("framework")
            code = row.required("code")
            row.max_length("code", 40)
            framework_id = self.frameworks.get(framework_code) if framework_code else None
            if framework_code and framework_id is None:
                row.unknown("framework", framework_code, "Kerangka", "framework")
            values = (
                self._values(row, framework_id, code or "") if framework_id is not None else None
            )
            if framework_id is None or code is None:
                continue
            first = self.seen.get((framework_id, code))
            if first is not None:
                duplicate_row_error(row, "code", first, f"Indikator {code}", f"indicator {code}")
                continue
            self.seen[(framework_id, code)] = number
            if values is None or row.failed:
                continue
            old = self.existing.get((framework_id, code))
            label = f"{framework_code}/{code}"
            if old is None:
                if self._published(row, framework_id, framework_code):
                    continue
                creates.append(values)
                ctx.results.outcome(number, label, "created")
                continue
            kept = {f: getattr(old, f) for f in _OPTIONAL_FIELDS if not row.has(f)}
            values = replace(values, **kept)
            if values.answer_type != old.answer_type and old.id in self.answered:
                row.error(
                    "answer_type",
                    "answer_type_locked",
                    f"Jenis jawaban {code} tidak dapat diubah karena sudah ada jawaban",
                    f"the answer type of {code} cannot change: it already has answers",
                )
                continue
            if all(getattr(old, f) == getattr(values, f) for f in _INDICATOR_FIELDS):
                ctx.results.outcome(number, label, "unchanged")
                continue
            if self._published(row, framework_id, framework_code):
                continue
            updates.append((old, values))
            ctx.results.outcome(number, label, "updated")
        if ctx.writing and (creates or updates):
            await self._write(creates, updates)

    async def _write(
        self, creates: list[_Indicator], updates: list[tuple[Any, _Indicator]]
    ) -> None:
        ctx = self.ctx
        table = table_of(Indicator)
        audits: list[Audited] = []
        if creates:
            await ctx.session.execute(
                insert(table),
                [{"framework_id": c.framework_id, "code": c.code, **_columns(c)} for c in creates],
            )
            for c in creates:
                label = f"{self.framework_codes[c.framework_id]}/{c.code}"
                audits.append(Audited(label, None, None, _snapshot(c)))
        if updates:
            await bulk_update(
                ctx.session, table, [{"id": old.id, **_columns(v)} for old, v in updates]
            )
            for old, v in updates:
                label = f"{self.framework_codes[old.framework_id]}/{old.code}"
                audits.append(Audited(label, None, _snapshot(old), _snapshot(v)))
        await bulk_insert(
            ctx.session,
            table_of(AuditEvent),
            ctx.audit_rows("indicator.imported", "indicator", audits),
        )


def _columns(indicator: _Indicator) -> Params:
    """The indicator's _INDICATOR_FIELDS as statement parameters."""
    values = {f: getattr(indicator, f) for f in _INDICATOR_FIELDS}
    answer_type = values["answer_type"]
    values["answer_type"] = None if answer_type is None else answer_type.value
    return values


def _snapshot(indicator: Any) -> JsonObject:
    """The audit snapshot of a stored indicator (a repository row) or of a file's."""
    out = {f: getattr(indicator, f) for f in _INDICATOR_FIELDS}
    out["answer_type"] = str(out["answer_type"])
    return out
