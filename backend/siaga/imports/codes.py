"""The code lists behind the import templates' drop-downs, read once per template request.

Only the lists a kind's columns draw from are read (a submissions template must not pay for
7,000 agency codes), and region-bound lists are cut to the importer's subtree, so a
template never shows a provincial administrator another province's codes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.imports.column_types import FIXED_CODES, CodeList
from siaga.imports.columns import COLUMNS
from siaga.models import (
    Agency,
    AgencyType,
    Dimension,
    Framework,
    ImportKind,
    Indicator,
    Period,
    PeriodState,
    Region,
)
from siaga.regions.repository import subtree_filter

# Excel shows at most 255 characters of a cell in a drop-down; longer names are cut there
# anyway, and indicator names can run to a paragraph.
MAX_LABEL = 200

# Labels of the fixed lists, so the hidden sheet reads as a glossary too.
_FIXED_LABELS: dict[str, str] = {
    "ya": "ya (yes)",
    "tidak": "tidak (no)",
    "draft": "draf (draft)",
    "submitted": "diajukan (submitted)",
    "admin": "administrator",
    "verifier": "verifikator (verifier)",
    "coordinator": "koordinator (coordinator)",
    "operator": "operator perangkat daerah",
    "viewer": "pemantau (viewer)",
    "province": "provinsi (province)",
    "regency": "kabupaten (regency)",
    "city": "kota (city)",
    "Asia/Jakarta": "WIB (Asia/Jakarta)",
    "Asia/Makassar": "WITA (Asia/Makassar)",
    "Asia/Jayapura": "WIT (Asia/Jayapura)",
    "level": "tingkat 0-4 (level)",
    "yes_no": "ya/tidak (yes/no)",
    "percent": "persen 0-100 (percent)",
    "count": "jumlah (count)",
}

Code = tuple[str, str]  # (code, label)


@dataclass(frozen=True)
class TemplateCodes:
    """Allowed values per code list, each as (code, label), in display order."""

    lists: dict[CodeList, list[Code]] = field(default_factory=dict)

    def get(self, code_list: CodeList) -> list[Code]:
        return self.lists.get(code_list, [])


def fixed_codes() -> TemplateCodes:
    """The lists that do not depend on the database (yes/no, statuses, roles, levels...)."""
    return TemplateCodes(
        {
            code_list: [(value, _FIXED_LABELS.get(value, value)) for value in values]
            for code_list, values in FIXED_CODES.items()
        }
    )


def needed_lists(kind: ImportKind) -> set[CodeList]:
    return {c.codes for c in COLUMNS[kind] if c.codes is not None}


async def load_codes(
    session: AsyncSession, kind: ImportKind, *, scope: str | None
) -> TemplateCodes:
    """The code lists `kind`'s columns draw from; `scope` is the importer's region subtree."""
    lists = dict(fixed_codes().lists)
    for code_list in needed_lists(kind) - lists.keys():
        stmt = _QUERIES[code_list](scope)
        rows = (await session.execute(stmt)).all()
        seen: set[str] = set()
        values: list[Code] = []
        for code, label in rows:
            # Indicator and dimension codes repeat across framework versions; one entry each.
            if code in seen:
                continue
            seen.add(code)
            values.append((code, (label or "")[:MAX_LABEL]))
        lists[code_list] = values
    return TemplateCodes(lists)


def _open_framework_ids() -> Select[*tuple[Any, ...]]:
    return select(Period.framework_id).where(Period.state == PeriodState.OPEN)


def _periods(_scope: str | None) -> Select[*tuple[Any, ...]]:
    # Answers can be imported into open periods only; listing others would invite errors.
    return (
        select(Period.code, Period.name)
        .where(Period.state == PeriodState.OPEN)
        .order_by(Period.start_date, Period.code)
    )


def _regions(scope: str | None) -> Select[*tuple[Any, ...]]:
    stmt = select(Region.code, Region.name).order_by(Region.code)
    return stmt if scope is None else stmt.where(subtree_filter(scope))


def _agencies(scope: str | None) -> Select[*tuple[Any, ...]]:
    stmt = (
        select(Agency.code, Agency.name)
        .join(Region, Agency.region_id == Region.id)
        .where(Agency.is_active.is_(True))
        .order_by(Agency.code)
    )
    return stmt if scope is None else stmt.where(subtree_filter(scope))


def _agency_types(_scope: str | None) -> Select[*tuple[Any, ...]]:
    return select(AgencyType.code, AgencyType.name).order_by(AgencyType.code)


def _indicators(_scope: str | None) -> Select[*tuple[Any, ...]]:
    # The indicators answerable now: those of the open periods' frameworks.
    return (
        select(Indicator.code, Indicator.name)
        .join(Dimension, Indicator.dimension_id == Dimension.id)
        .where(Indicator.framework_id.in_(_open_framework_ids()))
        .order_by(Dimension.position, Indicator.position, Indicator.code)
    )


def _frameworks(_scope: str | None) -> Select[*tuple[Any, ...]]:
    return select(Framework.code, Framework.name).order_by(
        Framework.is_active.desc(), Framework.code
    )


def _dimensions(_scope: str | None) -> Select[*tuple[Any, ...]]:
    return (
        select(Dimension.code, Dimension.name)
        .join(Framework, Dimension.framework_id == Framework.id)
        .order_by(Framework.is_active.desc(), Dimension.position, Dimension.code)
    )


_QUERIES = {
    CodeList.PERIODS: _periods,
    CodeList.REGIONS: _regions,
    CodeList.AGENCIES: _agencies,
    CodeList.AGENCY_TYPES: _agency_types,
    CodeList.INDICATORS: _indicators,
    CodeList.FRAMEWORKS: _frameworks,
    CodeList.DIMENSIONS: _dimensions,
}
