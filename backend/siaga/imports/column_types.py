"""The vocabulary the import columns are described in: a column, and where a coded
column's allowed values come from."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class CodeList(enum.StrEnum):
    """Where a coded column's allowed values come from (templates turn these into drop-downs)."""

    PERIODS = "periods"  # period codes, e.g. 2023-Q4
    REGIONS = "regions"  # Kemendagri region codes in the importer's scope, e.g. 64.72
    AGENCIES = "agencies"  # agency codes, e.g. 64.72.kesbangpol
    AGENCY_TYPES = "agency_types"  # kesbangpol, bpkad, ...
    INDICATORS = "indicators"  # indicator codes of the period's framework, e.g. K1.01
    FRAMEWORKS = "frameworks"  # framework codes, e.g. PEMILU2024
    DIMENSIONS = "dimensions"  # dimension codes of the framework, e.g. K1
    YES_NO = "yes_no"  # ya/tidak (also yes/no, true/false, 1/0)
    STATUSES = "statuses"  # answer status on import: draft or submitted
    ROLES = "roles"  # admin, verifier, coordinator, operator, viewer
    REGION_LEVELS = "region_levels"  # province, regency, city
    TIME_ZONES = "time_zones"  # Asia/Jakarta (WIB), Asia/Makassar (WITA), Asia/Jayapura (WIT)
    ANSWER_TYPES = "answer_types"  # level, yes_no, percent, count


# Fixed code lists (the others are read from the database).
YES_VALUES = ("ya", "yes", "true", "1")
NO_VALUES = ("tidak", "no", "false", "0")
IMPORT_STATUSES = ("draft", "submitted")
FIXED_CODES: dict[CodeList, tuple[str, ...]] = {
    CodeList.YES_NO: ("ya", "tidak"),
    CodeList.STATUSES: IMPORT_STATUSES,
    CodeList.ROLES: ("admin", "verifier", "coordinator", "operator", "viewer"),
    CodeList.REGION_LEVELS: ("province", "regency", "city"),
    CodeList.TIME_ZONES: ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"),
    CodeList.ANSWER_TYPES: ("level", "yes_no", "percent", "count"),
}


@dataclass(frozen=True, slots=True)
class Column:
    """One column of an import file.

    `required`: the header must contain the column (a file without it is refused); its
    cells may still be empty where the description says so (`narrative`, or `value` of a
    draft answer). Optional columns may be left out of the header altogether: on update,
    a left-out column keeps the stored value; on create, the default applies.
    `multiline`: free text whose cells may hold tabs and line breaks (see clean_cells).
    """

    name: str
    required: bool
    description_id: str
    description_en: str
    codes: CodeList | None = None
    # A value shown in templates and examples.
    example: str = ""
    multiline: bool = False
