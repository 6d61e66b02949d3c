"""Agencies (the regional offices that answer), by code, in their region."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import insert

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
    Agency,
    AuditEvent,
    ImportKind,
)

# -- agencies ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Agency:
    """An agency as a row of the file sets it."""

    row: RowCheck
    code: str
    name: str
    region_code: str
    region_id: int
    agency_type_id: int
    is_active: bool


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
        creates: list[_Agency] = []
        # (the stored agency, as imports.repository.agencies reads it; the file's)
        updates: list[tuple[Any, _Agency]] = []
        checked: list[_Agency] = []
        for number, cells in rows:
            row = RowCheck(ctx, number, cells)
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
                    duplicate_row_error(row, "code", first, f"Kode {code}", f"code {code}")
                else:
                    self.seen[code] = number
            if row.failed or not code or not name or region_id is None or type_id is None:
                continue
            checked.append(
                _Agency(row, code, name, region_code or "", region_id, type_id, bool(active))
            )
        # A code outside the scope that exists already cannot be created again here.
        new_codes = [c.code for c in checked if c.code not in self.existing]
        taken = await repository.agency_codes_taken(ctx.session, new_codes)
        for agency in checked:
            row, code = agency.row, agency.code
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
                creates.append(agency)
                ctx.results.outcome(row.number, code, "created")
                continue
            active = agency.is_active if row.has("active") else old.is_active
            if (old.name, old.is_active) == (agency.name, active):
                ctx.results.outcome(row.number, code, "unchanged")
                continue
            updates.append((old, replace(agency, is_active=active)))
            ctx.results.outcome(row.number, code, "updated")
        if ctx.writing and (creates or updates):
            await self._write(creates, updates)

    async def _write(self, creates: list[_Agency], updates: list[tuple[Any, _Agency]]) -> None:
        ctx = self.ctx
        table = table_of(Agency)
        audits: list[Audited] = []
        if creates:
            await ctx.session.execute(
                insert(table),
                [
                    {
                        "code": c.code,
                        "name": c.name,
                        "region_id": c.region_id,
                        "agency_type_id": c.agency_type_id,
                        "is_active": c.is_active,
                    }
                    for c in creates
                ],
            )
            audits += [
                Audited(c.code, c.region_code, None, {"name": c.name, "is_active": c.is_active})
                for c in creates
            ]
        if updates:
            await bulk_update(
                ctx.session,
                table,
                [{"id": old.id, "name": v.name, "is_active": v.is_active} for old, v in updates],
            )
            audits += [
                Audited(
                    old.code,
                    old.region_code,
                    {"name": old.name, "is_active": old.is_active},
                    {"name": v.name, "is_active": v.is_active},
                )
                for old, v in updates
            ]
        await bulk_insert(
            ctx.session, table_of(AuditEvent), ctx.audit_rows("agency.imported", "agency", audits)
        )
