"""The file fed to a handler in chunks, as a pipeline.

Per chunk: check (Python), look up (the database), plan (Python), write (the database). A
chunk's writes run as a task while the next chunk is checked, looked up (its keys never
overlap the previous chunk's) and planned, so on a 2-core server PostgreSQL stores one
chunk while Python prepares the next. The session is used by one step at a time: a lookup
waits for the previous write to finish.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterable, Iterator

from siaga.imports.columns import clean_cells
from siaga.imports.kinds import YIELD_EVERY, Handler, ParsedRow, Write
from siaga.imports.kinds.base import Results
from siaga.imports.parsing import Header

Progress = Callable[[int], None]
# (row number, cells) as parsing reads them.
Rows = Iterable[tuple[int, list[str]]]


class _Chunks:
    """The check-lookup-plan steps of successive chunks, with one write in flight."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.writing: asyncio.Future[None] | None = None
        self.ready: Write | None = None

    async def step(self, chunk: list[ParsedRow]) -> None:
        handler = self.handler
        checked = await handler.check(chunk)
        await self._wait()
        found = await handler.lookup(checked)
        if self.ready is not None and handler.ctx.writing:
            self.writing = asyncio.ensure_future(self.ready())
        self.ready = await handler.plan(checked, found)

    async def finish(self) -> None:
        await self._wait()
        if self.ready is not None and self.handler.ctx.writing:
            await self.ready()

    async def settle(self) -> None:
        # Something failed while a write was in flight: let it finish (or fail) before the
        # caller rolls the savepoint back on the same connection.
        if self.writing is not None:
            with contextlib.suppress(BaseException):
                await self.writing

    async def _wait(self) -> None:
        if self.writing is not None:
            await self.writing
            self.writing = None


def _cells_by_name(header: Header) -> list[str]:
    # Each cell under its column's name (a blank header cell names its column ""); a short
    # row's missing cells are absent, which handlers read as empty.
    names = [""] * header.width
    for name, i in header.index.items():
        names[i] = name
    return names


def _clean_rows(handler: Handler, header: Header, rows: Rows) -> Iterator[ParsedRow]:
    """The rows that pass the file-wide checks, counted; the others become row errors."""
    results: Results = handler.ctx.results
    width, names = header.width, _cells_by_name(header)
    for number, cells in rows:
        results.rows += 1
        if len(cells) > width and any(cells[width:]):
            results.error(
                number,
                None,
                "extra_cells",
                "Baris berisi sel di luar kolom header",
                "the row has cells beyond the header's columns",
            )
            continue
        row = dict(zip(names, cells, strict=False))
        if refused := clean_cells(handler.kind, row):
            for column, refusal in refused:
                results.error(
                    number, column, "invalid_text", refusal.message_id, refusal.message_en
                )
            continue
        yield number, row


async def feed(
    handler: Handler,
    header: Header,
    rows: Rows,
    progress: Progress | None,
    *,
    first_chunk: int,
    chunk_rows: int,
) -> None:
    """Feed every row to the handler; a small first chunk starts the writing sooner."""
    results = handler.ctx.results
    chunks = _Chunks(handler)
    try:
        chunk: list[ParsedRow] = []
        size = first_chunk
        for row in _clean_rows(handler, header, rows):
            chunk.append(row)
            if len(chunk) >= size:
                await chunks.step(chunk)
                chunk, size = [], chunk_rows
            elif len(chunk) % YIELD_EVERY == 0:
                await asyncio.sleep(0)
                if progress is not None:
                    progress(results.rows)
        if chunk:
            await chunks.step(chunk)
        await chunks.finish()
        if progress is not None:
            progress(results.rows)
    finally:
        await chunks.settle()
