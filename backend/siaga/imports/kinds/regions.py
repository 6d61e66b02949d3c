"""Regions (provinces, regencies, cities) by Kemendagri code."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import insert

from siaga.core.jsontypes import JsonObject
from siaga.core.security import in_subtree
from siaga.imports import repository
from siaga.imports.bulk import (
    bulk_insert,
    bulk_update,
)
from siaga.imports.kinds.base import (
    Audited,
    Handler,
    ParsedRow,
    RowCheck,
    duplicate_row_error,
    table_of,
)
from siaga.models import (
    AuditEvent,
    ImportKind,
    Region,
    RegionLevel,
)
from siaga.regions import time_zones

# -- regions -----------------------------------------------------------------------------

_PROVINCE_CODE = re.compile(r"^\d{2}$")
_CHILD_CODE = re.compile(r"^\d{2}\.\d{2}$")


@dataclass(frozen=True, slots=True)
class _Region:
    """A region as a row of the file sets it."""

    code: str
    name: str
    level: RegionLevel
    bps_code: str | None
    time_zone: str | None
    parent_code: str | None

    def audited(self) -> JsonObject:
        return {
            "name": self.name,
            "level": self.level.value,
            "bps_code": self.bps_code,
            "time_zone": self.time_zone,
        }


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
        creates: list[_Region] = []
        # (the stored region, as imports.repository.regions reads it; the file's)
        updates: list[tuple[Any, _Region]] = []
        for number, cells in rows:
            row = RowCheck(ctx, number, cells)
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
            zone = self._time_zone(row)
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
                duplicate_row_error(row, "code", first, f"Kode {code}", f"code {code}")
            else:
                self.seen[code] = number
            if row.failed or level is None or name is None:
                continue
            old = self.regions.get(code)
            if zone is None and level == RegionLevel.PROVINCE:
                # A province without a zone takes its code's; children inherit theirs.
                zone = time_zones.province_zone(code)
            values = _Region(code, name, level, bps, zone, parent_code)
            if old is None:
                self.pending.add(code)
                creates.append(values)
                ctx.results.outcome(number, code, "created")
                continue
            if not row.has("bps_code"):
                values = replace(values, bps_code=old.bps_code)
            if not row.has("time_zone"):
                values = replace(values, time_zone=old.time_zone)
            if (old.name, old.level, old.bps_code, old.time_zone) == (
                name,
                level,
                values.bps_code,
                values.time_zone,
            ):
                ctx.results.outcome(number, code, "unchanged")
                continue
            updates.append((old, values))
            ctx.results.outcome(number, code, "updated")
        if ctx.writing and (creates or updates):
            await self._write(creates, updates)

    def _time_zone(self, row: RowCheck) -> str | None:
        raw = row.get("time_zone")
        if not raw:
            return None
        zone = time_zones.parse(raw)
        if zone is None:
            row.error(
                "time_zone",
                "invalid_time_zone",
                f"Zona waktu {raw!r} tidak sah: Asia/Jakarta (WIB), Asia/Makassar (WITA) "
                "atau Asia/Jayapura (WIT)",
                f"time zone {raw!r} is not valid: Asia/Jakarta (WIB), Asia/Makassar (WITA) "
                "or Asia/Jayapura (WIT)",
            )
        return zone

    async def _write(self, creates: list[_Region], updates: list[tuple[Any, _Region]]) -> None:
        ctx = self.ctx
        table = table_of(Region)
        audits: list[Audited] = []
        # Provinces first, so their children in the same chunk find their ids.
        for depth in (0, 1):
            batch = [c for c in creates if c.code.count(".") == depth]
            if not batch:
                continue
            params = [
                {
                    "code": c.code,
                    "name": c.name,
                    "level": c.level.value,
                    "bps_code": c.bps_code,
                    "time_zone": c.time_zone,
                    "parent_id": self.ids.get(c.parent_code) if c.parent_code else None,
                }
                for c in batch
            ]
            result = await ctx.session.execute(
                insert(table).returning(table.c.id, sort_by_parameter_order=True), params
            )
            for c, (new_id,) in zip(batch, result.all(), strict=True):
                self.ids[c.code] = new_id
                audits.append(Audited(c.code, c.code, None, c.audited()))
        if updates:
            await bulk_update(
                ctx.session,
                table,
                [
                    {
                        "id": old.id,
                        "name": v.name,
                        "level": v.level.value,
                        "bps_code": v.bps_code,
                        "time_zone": v.time_zone,
                    }
                    for old, v in updates
                ],
            )
            for old, v in updates:
                before = {
                    "name": old.name,
                    "level": old.level.value,
                    "bps_code": old.bps_code,
                    "time_zone": old.time_zone,
                }
                audits.append(Audited(old.code, old.code, before, v.audited()))
        await bulk_insert(
            ctx.session, table_of(AuditEvent), ctx.audit_rows("region.imported", "region", audits)
        )
