"""Shared parts of the import handlers: results, the per-import context, cell checks and
the three steps every handler takes per chunk.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, NamedTuple, TypeAlias

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.audit.actions import checked
from siaga.audit.service import Actor
from siaga.core.jsontypes import JsonObject
from siaga.core.security import Principal
from siaga.imports.column_types import NO_VALUES, YES_VALUES
from siaga.models import (
    ImportKind,
)

# Outcomes listed in the response (and kept with the batch); counts are always complete.
MAX_LISTED_ROWS = 1000
# Errors kept with the batch (and in errors.csv); a file this broken says enough.
MAX_STORED_ERRORS = 100_000


# One parameter set of an executemany or a COPY (imports.bulk): column name -> value, the
# form SQLAlchemy's insert() and update() take.
Params: TypeAlias = dict[str, Any]
Action = Literal["created", "updated", "unchanged"]


class Outcome(NamedTuple):
    """What happened to one row without errors, as listed with the batch."""

    row: int
    key: str
    action: Action


class Audited(NamedTuple):
    """One imported entity's audit event: the snapshots before (None: created) and after."""

    entity_id: str
    region_code: str | None
    before: JsonObject | None
    after: JsonObject


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
    listed: list[Outcome] = field(default_factory=list)

    def error(self, row: int, column: str | None, code: str, message: str, message_en: str) -> None:
        self.error_count += 1
        self.error_rows.add(row)
        if len(self.errors) < MAX_STORED_ERRORS:
            self.errors.append(RowError(row, column, code, message, message_en))

    def outcome(self, row: int, key: str, action: Action) -> None:
        if action == "created":
            self.created += 1
        elif action == "updated":
            self.updated += 1
        else:
            self.unchanged += 1
        if len(self.listed) < MAX_LISTED_ROWS:
            self.listed.append(Outcome(row, key, action))


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
        items: list[Audited],
    ) -> list[Params]:
        """Audit rows for (entity_id, region_code, before, after), with the batch id."""
        actor, action = self.actor, checked(action)
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


def table_of(model: type[Any]) -> Table:
    # Core statements on the mapped table: executemany without ORM bookkeeping per row.
    table: Table = model.__table__
    return table


Cells = dict[str, str]
ParsedRow = tuple[int, Cells]


# -- shared cell checks ------------------------------------------------------------------


def parse_yes_no(value: str) -> bool | None:
    lowered = value.strip().lower()
    if lowered in YES_VALUES:
        return True
    if lowered in NO_VALUES:
        return False
    return None


def parse_number(value: str) -> float | None:
    text = value.strip()
    # Indonesian spreadsheets write decimals with a comma (75,5); no thousands separators.
    if "," in text and "." not in text and text.count(",") == 1:
        text = text.replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


class RowCheck:
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
        parsed = parse_yes_no(value)
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


def duplicate_row_error(row: RowCheck, column: str, first: int, what_id: str, what_en: str) -> None:
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
