"""Table writers shared by every export: CSV lines and XLSX workbooks from one column list.

Both formats come from the same column list, so a column cannot exist in one and not the
other, and every text cell goes through the formula neutraliser in both. Score, answer
and audit exports all write through here.
"""

from __future__ import annotations

import asyncio
import io
import tempfile
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import IO, Any, Literal

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from siaga.core.csvstyle import RFC4180, CsvStyle
from siaga.exports.safety import neutralise

Kind = Literal["text", "number", "integer", "datetime", "bool", "value"]
_FILE_CHUNK = 64 * 1024


@dataclass(frozen=True)
class Column:
    header: str
    kind: Kind
    width: float = 12


# --- cells -------------------------------------------------------------------------------


def _number_text(value: float) -> str:
    # Whole numbers without ".0" (level 3, count 12), others as Python prints them.
    return str(int(value)) if value == int(value) else repr(value)


def _utc_text(value: datetime) -> str:
    return value.astimezone(UTC).replace(microsecond=0, tzinfo=None).isoformat() + "Z"


# One formatter per kind, looked up once per column: a national export formats ~2M cells.
# Only numbers take the style's decimal sign: codes such as `64.72` are text and dates
# are ISO, so neither changes.
def _csv_formats(style: CsvStyle) -> dict[Kind, Callable[[Any], str]]:
    number = style.number
    return {
        "text": lambda value: neutralise(str(value)),
        "number": lambda value: number(f"{value:.2f}"),
        "integer": lambda value: str(int(value)),
        "datetime": _utc_text,
        "bool": lambda value: "true" if value else "false",
        "value": lambda value: (
            neutralise(value) if isinstance(value, str) else number(_number_text(float(value)))
        ),
    }


def csv_lines(
    columns: Sequence[Column], rows: Iterable[Sequence[Any]], style: CsvStyle = RFC4180
) -> bytes:
    formats = [_csv_formats(style)[c.kind] for c in columns]
    buffer = io.StringIO()
    style.writer(buffer).writerows(
        ["" if v is None else f(v) for f, v in zip(formats, row, strict=True)] for row in rows
    )
    return buffer.getvalue().encode("utf-8")


def csv_header(columns: Sequence[Column], style: CsvStyle = RFC4180) -> bytes:
    buffer = io.StringIO()
    buffer.write(style.bom)
    style.writer(buffer).writerow([c.header for c in columns])
    return buffer.getvalue().encode("utf-8")


class _Sheet:
    """One worksheet written row by row (xlsxwriter's constant_memory mode)."""

    def __init__(self, target: IO[bytes], title: str, columns: Sequence[Column]) -> None:
        self.columns = columns
        self.book = xlsxwriter.Workbook(
            target,
            {
                "constant_memory": True,
                "remove_timezone": True,
                # Belt and braces: cells are written with typed calls, never `write()`.
                "strings_to_formulas": False,
                "strings_to_urls": False,
            },
        )
        self.sheet: Worksheet = self.book.add_worksheet(title)
        bold = self.book.add_format({"bold": True, "bg_color": "#E8E8E8", "bottom": 1})
        self.formats = {
            "number": self.book.add_format({"num_format": "0.00"}),
            "integer": self.book.add_format({"num_format": "0"}),
            "datetime": self.book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"}),
        }
        for index, column in enumerate(columns):
            self.sheet.set_column(index, index, column.width)
            self.sheet.write_string(0, index, column.header, bold)
        self.sheet.freeze_panes(1, 0)
        self.rows = 1

    def write(self, rows: Iterable[Sequence[Any]]) -> None:
        sheet, formats = self.sheet, self.formats
        for row in rows:
            r = self.rows
            for c, (column, value) in enumerate(zip(self.columns, row, strict=True)):
                if value is None:
                    continue
                kind = column.kind
                if kind in ("number", "integer"):
                    sheet.write_number(r, c, value, formats[kind])
                elif kind == "datetime":
                    sheet.write_datetime(r, c, value, formats["datetime"])
                elif kind == "bool":
                    sheet.write_boolean(r, c, bool(value))
                elif kind == "value" and not isinstance(value, str):
                    sheet.write_number(r, c, value)
                else:
                    # write_string, never write(): a neutralised text stays text.
                    sheet.write_string(r, c, neutralise(str(value)))
            self.rows += 1

    def close(self) -> None:
        self.sheet.autofilter(0, 0, max(self.rows - 1, 1), len(self.columns) - 1)
        self.book.close()


async def _file_chunks(handle: IO[bytes]) -> AsyncIterator[bytes]:
    try:
        handle.seek(0)
        while chunk := await asyncio.to_thread(handle.read, _FILE_CHUNK):
            yield chunk
    finally:
        handle.close()


async def xlsx(
    title: str, columns: Sequence[Column], pages: AsyncIterator[Sequence[Sequence[Any]]]
) -> AsyncIterator[bytes]:
    """Build the workbook in an anonymous temporary file, then stream it.

    An XLSX is a zip whose directory comes last, so it cannot be streamed while rows
    are still being read; the file keeps memory flat instead. Writing runs in a thread
    so the event loop keeps serving other requests during a national export.
    """
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - closed by _file_chunks
    try:
        sheet = await asyncio.to_thread(_Sheet, handle, title, columns)
        async for page in pages:
            await asyncio.to_thread(sheet.write, page)
        await asyncio.to_thread(sheet.close)
    except BaseException:
        handle.close()
        raise
    return _file_chunks(handle)


async def one_page(rows: list[list[Any]]) -> AsyncIterator[Sequence[Sequence[Any]]]:
    yield rows


async def iterate(chunks: list[bytes]) -> AsyncIterator[bytes]:
    for chunk in chunks:
        yield chunk
