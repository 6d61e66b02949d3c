"""Bulk writes for imports: the fastest statement each database has, inside the import's
own transaction (and savepoint), so an import stays all or nothing.

PostgreSQL gets COPY (binary, through the session's own asyncpg connection), the protocol a
raw bulk load uses; SQLite gets executemany, which its driver runs in C. Rows are tuples in
a fixed column order where speed matters (answers: three tables per imported row), dicts
where it does not (reference data).
"""

from __future__ import annotations

import asyncio
import json
import struct
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Enum,
    Float,
    Integer,
    String,
    Table,
    Text,
    bindparam,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.types import TypeDecorator

# The C encoder behind json.dumps for strings, so the JSON written here is byte for byte
# what json.dumps would write.
_json_string = json.encoder.encode_basestring_ascii


def json_text(value: Any) -> str:
    """JSON text of a value for a JSON column written as text (COPY, executemany)."""
    return json.dumps(value)


def json_snapshot(
    value: float | None, narrative: str, status: str, version: int, batch: int | None = None
) -> str:
    """workflow.snapshot of an answer (with its import batch) as JSON text, written out
    directly: a general `json.dumps` of a dict costs more than the rest of the row on a
    100,000-row import. The two are one format (tests/imports/test_submissions_workflow.py
    checks any answer)."""
    number = "null" if value is None else repr(float(value))
    tail = "" if batch is None else f', "import_batch": {int(batch)}'
    return (
        f'{{"value": {number}, "narrative": {_json_string(narrative)}, '
        f'"status": {_json_string(status)}, "version": {int(version)}{tail}}}'
    )


def is_postgres(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


async def _driver(session: AsyncSession) -> Any:
    connection = await session.connection()
    driver = (await connection.get_raw_connection()).driver_connection
    assert driver is not None
    return driver


async def copy_records(
    session: AsyncSession,
    table: Table,
    columns: Sequence[str],
    records: Sequence[tuple[Any, ...]],
) -> None:
    """Insert `records` (tuples in `columns` order; JSON columns already as JSON text).

    Columns left out take their defaults (ids from the table's sequence).
    """
    if not records:
        return
    if is_postgres(session):
        driver = await _driver(session)
        await driver.copy_records_to_table(table.name, records=records, columns=list(columns))
        return
    # JSON columns are bound as the text they already are (the JSON type would encode the
    # text once more); the other columns keep their types' bind processing.
    keys = [f"b_{name}" for name in columns]
    stmt = insert(table).values(
        {
            name: bindparam(
                key, type_=Text() if isinstance(table.c[name].type, JSON) else table.c[name].type
            )
            for name, key in zip(columns, keys, strict=True)
        }
    )
    await session.execute(stmt, [dict(zip(keys, record, strict=True)) for record in records])


async def bulk_insert(session: AsyncSession, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert `rows` (dicts with the same keys; JSON columns as Python values)."""
    if not rows:
        return
    if not is_postgres(session):
        await session.execute(insert(table), rows)
        return
    columns = list(rows[0])
    json_columns = {name for name in columns if isinstance(table.c[name].type, JSON)}
    records = [
        tuple(
            json_text(row[name]) if name in json_columns and row[name] is not None else row[name]
            for name in columns
        )
        for row in rows
    ]
    await copy_records(session, table, columns, records)


async def bulk_update(session: AsyncSession, table: Table, changes: list[dict[str, Any]]) -> None:
    """UPDATE `table` row by row by `id` in one executemany: each change is a dict of the
    same columns, `id` included (bound as `b_<column>`, which never clashes with the
    columns' own names)."""
    if not changes:
        return
    columns = [name for name in changes[0] if name != "id"]
    stmt = (
        update(table)
        .where(table.c.id == bindparam("b_id"))
        .values({name: bindparam(f"b_{name}") for name in columns})
        .execution_options(synchronize_session=False)
    )
    await session.execute(stmt, [{f"b_{k}": v for k, v in change.items()} for change in changes])


class IdAllocator:
    """Primary keys for rows inserted in bulk before the rows that reference them.

    PostgreSQL: drawn from the table's own sequence, as its default would have taken them,
    so concurrent writers never collide. SQLite: counted on from the largest id, once per
    import; SQLite has one writer and the import holds the write lock from its first
    statement (the batch row) to its commit, so nobody else can take these ids meanwhile,
    and counting locally keeps ids handed out ahead of an unfinished write apart.
    """

    def __init__(self, table: Table) -> None:
        self.table = table
        self._top: int | None = None
        self._sequence: int | None = None

    async def take(self, session: AsyncSession, count: int) -> list[int]:
        if count <= 0:
            return []
        if is_postgres(session):
            driver = await _driver(session)
            if self._sequence is None:
                # Resolved once: per id, the name lookup costs 8x the nextval itself.
                self._sequence = await driver.fetchval(
                    "SELECT pg_get_serial_sequence($1, 'id')::regclass::oid", self.table.name
                )
            ids = await driver.fetchval(
                "SELECT array_agg(nextval($1::oid::regclass)) FROM generate_series(1, $2::int)",
                self._sequence,
                count,
            )
            return list(ids)
        if self._top is None:
            top = await session.scalar(select(func.coalesce(func.max(self.table.c.id), 0)))
            self._top = int(top or 0)
        start = self._top + 1
        self._top += count
        return list(range(start, start + count))


# -- binary COPY, encoded ahead -------------------------------------------------------------
#
# asyncpg encodes records only once the COPY has started, and sends nothing before 512 KiB
# are encoded, so PostgreSQL would wait for every chunk's encoding. Encoding the data
# ourselves, while the previous chunk is being written, leaves the connection only the
# sending. Format: https://www.postgresql.org/docs/current/sql-copy.html (binary format).

_COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack("!ii", 0, 0)
_COPY_TRAILER = struct.pack("!h", -1)
_NULL = struct.pack("!i", -1)
_INT4 = struct.Struct("!ii").pack
_INT8 = struct.Struct("!iq").pack
_FLOAT8 = struct.Struct("!id").pack
_LENGTH = struct.Struct("!i").pack
_TRUE, _FALSE = _LENGTH(1) + b"\x01", _LENGTH(1) + b"\x00"
_PG_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
# Distinct values remembered per column while encoding one chunk: ids of periods, regions
# and indicators, statuses, timestamps and small numbers repeat row after row.
_MEMO_LIMIT = 4096

Segment = Callable[[Any], bytes]


def _int4(value: int) -> bytes:
    return _INT4(4, value)


def _int8(value: int) -> bytes:
    return _INT8(8, value)


def _float8(value: float) -> bytes:
    return _FLOAT8(8, value)


def _bool(value: bool) -> bytes:
    return _TRUE if value else _FALSE


def _text(value: str) -> bytes:
    data = value.encode()
    return _LENGTH(len(data)) + data


def _timestamptz(value: datetime) -> bytes:
    if value.tzinfo is None:
        raise ValueError("naive datetime in a timestamptz column")
    return _INT8(8, (value - _PG_EPOCH) // _MICROSECOND)


def _segment_for(column: Any) -> Segment:
    kind = column.type
    if isinstance(kind, TypeDecorator):
        kind = kind.impl_instance  # UTCDateTime
    if isinstance(kind, BigInteger):
        return _int8
    if isinstance(kind, Integer):
        return _int4
    if isinstance(kind, Float):
        return _float8
    if isinstance(kind, Boolean):
        return _bool
    if isinstance(kind, DateTime):
        return _timestamptz
    if isinstance(kind, JSON | String | Text | Enum):
        return _text  # JSON columns get their text already serialised
    raise TypeError(f"no binary COPY encoding for {column.table.name}.{column.name} ({kind!r})")


class CopyEncoder:
    """Rows of one table to PostgreSQL's binary COPY data.

    A row is a tuple of the `varying` columns' values; the `constant` columns' values are
    given once per call and encoded once, after each row's own (a COPY names its columns
    in any order). Varying columns listed in `memo` repeat across rows (foreign keys,
    statuses, small numbers): their encodings are reused instead of made again.
    """

    def __init__(
        self,
        table: Table,
        varying: Sequence[str],
        constant: Sequence[str],
        memo: Sequence[str] = (),
    ) -> None:
        self.table = table
        self.columns = [*varying, *constant]
        self._varying = [(_segment_for(table.c[name]), name in memo) for name in varying]
        self._constant = [_segment_for(table.c[name]) for name in constant]
        self._row_head = struct.pack("!h", len(self.columns))

    async def encode(
        self,
        rows: Sequence[tuple[Any, ...]],
        constants: tuple[Any, ...],
        yield_every: int = 0,
    ) -> bytes:
        tail = b"".join(
            _NULL if value is None else segment(value)
            for segment, value in zip(self._constant, constants, strict=True)
        )
        # A fresh memo per call (per chunk), so it never grows past one chunk's values.
        columns: list[tuple[Segment, dict[Any, bytes] | None]] = [
            (segment, {} if memo else None) for segment, memo in self._varying
        ]
        parts = [_COPY_HEADER]
        append = parts.append
        head = self._row_head
        for n, row in enumerate(rows, 1):
            append(head)
            for (segment, memo), value in zip(columns, row, strict=True):
                if value is None:
                    append(_NULL)
                elif memo is None:
                    append(segment(value))
                else:
                    data = memo.get(value)
                    if data is None:
                        data = segment(value)
                        if len(memo) < _MEMO_LIMIT:
                            memo[value] = data
                    append(data)
            append(tail)
            if yield_every and n % yield_every == 0:
                await asyncio.sleep(0)
        append(_COPY_TRAILER)
        return b"".join(parts)


async def copy_encoded(session: AsyncSession, encoder: CopyEncoder, data: bytes) -> None:
    """Send binary COPY data made by `encoder` (PostgreSQL only)."""
    driver = await _driver(session)
    # A memoryview: asyncpg would take bytes for a file name.
    await driver.copy_to_table(
        encoder.table.name, source=memoryview(data), columns=encoder.columns, format="binary"
    )
