"""Rows that could not be written because the database was unreachable, kept in memory
and written when it answers again.

Used for the audit trail of refusals during an outage (a login refused with 503 must
still be on record). Each spooled row is also logged at once, so the access log holds
it even if the process ends before the database returns. Bounded: an outage under a
flood of requests drops the oldest rows (and counts them) rather than exhausting memory.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from typing import Any, NamedTuple

from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

_log = logging.getLogger("siaga.spool")

DEFAULT_CAPACITY = 10_000
FLUSH_INTERVAL_SECONDS = 5.0


# A mapped row's column values by attribute name, as the model's constructor takes them.
ColumnValues = dict[str, Any]


class _Spooled(NamedTuple):
    model: type[Any]
    values: ColumnValues


def _columns(row: object) -> ColumnValues:
    mapper = inspect(row).mapper
    return {attr.key: getattr(row, attr.key) for attr in mapper.column_attrs}


class Spool:
    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        # (model class, column values): ORM objects are rebuilt on each try, since a
        # failed flush can leave an instance half-initialised (a default already applied).
        self._rows: deque[_Spooled] = deque(maxlen=capacity)
        self.dropped = 0

    def __len__(self) -> int:
        return len(self._rows)

    def add(self, rows: list[Any], error: BaseException) -> None:
        for row in rows:
            if len(self._rows) == self._rows.maxlen:
                self.dropped += 1
            values = {k: v for k, v in _columns(row).items() if k != "id"}
            self._rows.append(_Spooled(type(row), values))
            _log.warning(
                "spooled until the database is reachable: %s %s",
                type(row).__name__,
                {k: v for k, v in values.items() if v is not None},
                extra={"spooled": True, "error": type(error).__name__},
            )

    async def flush(self, sessionmaker: async_sessionmaker[AsyncSession]) -> int:
        """Write what is spooled; on failure everything stays for the next try."""
        if not self._rows:
            return 0
        batch = list(self._rows)
        self._rows.clear()
        try:
            async with sessionmaker() as session:
                session.add_all([model(**values) for model, values in batch])
                await session.commit()
        except Exception:  # still unreachable: put them back, oldest first, and try later
            room = (self._rows.maxlen or len(batch)) - len(self._rows)
            self.dropped += max(0, len(batch) - room)
            self._rows.extendleft(reversed(batch[len(batch) - max(room, 0) :]))
            return 0
        _log.info("wrote %d spooled rows", len(batch))
        return len(batch)

    async def run(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        interval: float = FLUSH_INTERVAL_SECONDS,
    ) -> None:
        """Flush every `interval` seconds until cancelled (the application's lifespan)."""
        while True:
            await asyncio.sleep(interval)
            await self.flush(sessionmaker)
