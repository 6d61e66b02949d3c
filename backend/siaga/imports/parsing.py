"""Reading an import file row by row: CSV (UTF-8 with or without BOM, comma or semicolon) or
XLSX (python-calamine), with the header checked against the kind's columns.

Every problem with the file as a whole is an `ImportFileInvalid` naming what is wrong; rows
come out as lists of trimmed strings, numbered as the user sees them (the header is row 1).
"""

from __future__ import annotations

import codecs
import csv
import io
import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from siaga.imports import limits
from siaga.imports.columns import COLUMNS
from siaga.imports.exceptions import ImportFileInvalid, UnsupportedImportFile, file_invalid
from siaga.imports.xlsx_bounds import bounded_copy
from siaga.imports.xlsx_bounds import check_zip as check_zip
from siaga.models import ImportKind

# A spreadsheet cell longer than this is not data we import (narratives are short texts);
# it also bounds what one row can cost in memory.
MAX_CELL = 10_000
_SNIFF_BYTES = 64 * 1024
_ZIP_SIGNATURE = b"PK\x03\x04"

csv.field_size_limit(MAX_CELL * 4)


@dataclass(frozen=True)
class Header:
    """The file's columns: each known column name -> index in the row."""

    index: dict[str, int]
    width: int


Row = tuple[int, list[str]]


def is_xlsx(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(4) == _ZIP_SIGNATURE


def check_header(kind: ImportKind, cells: list[str]) -> Header:
    """Match header cells to the kind's columns (case-insensitive, trimmed), or refuse."""
    columns = COLUMNS[kind]
    known = {c.name for c in columns}
    names = [cell.strip().lower() for cell in cells]
    if not any(names):
        raise file_invalid(
            "Baris pertama (header) kosong", "the first row (header) is empty", columns=[]
        )
    index: dict[str, int] = {}
    unknown: list[str] = []
    duplicated: list[str] = []
    for position, name in enumerate(names):
        if not name:
            continue  # spreadsheet programs leave empty trailing header cells
        if name not in known:
            unknown.append(cells[position].strip())
        elif name in index:
            duplicated.append(name)
        else:
            index[name] = position
    missing = [c.name for c in columns if c.required and c.name not in index]
    if unknown or duplicated or missing:
        problems_id, problems_en = [], []
        if missing:
            problems_id.append("kolom wajib tidak ada: " + ", ".join(missing))
            problems_en.append("missing required columns: " + ", ".join(missing))
        if unknown:
            problems_id.append("kolom tidak dikenal: " + ", ".join(unknown))
            problems_en.append("unknown columns: " + ", ".join(unknown))
        if duplicated:
            problems_id.append("kolom ganda: " + ", ".join(duplicated))
            problems_en.append("duplicated columns: " + ", ".join(duplicated))
        raise ImportFileInvalid(
            f"Header tidak sesuai: {'; '.join(problems_id)} "
            f"(wrong header: {'; '.join(problems_en)}); "
            f"expected: {', '.join(c.name for c in columns)}",
            code="import_header_invalid",
            details=[
                {
                    "missing": missing,
                    "unknown": unknown,
                    "duplicated": duplicated,
                    "expected": [c.name for c in columns],
                }
            ],
        )
    return Header(index=index, width=len(names))


# -- CSV ---------------------------------------------------------------------------------


def _sniff_delimiter(header_line: str) -> str:
    # Indonesian Excel writes `;` (the decimal separator is a comma); count outside quotes.
    commas = semicolons = 0
    quoted = False
    for ch in header_line:
        if ch == '"':
            quoted = not quoted
        elif not quoted:
            commas += ch == ","
            semicolons += ch == ";"
    return ";" if semicolons > commas else ","


def _check_text(head: bytes) -> None:
    if b"\x00" in head:
        raise UnsupportedImportFile()
    try:
        # An incremental decoder tolerates a multi-byte character cut at the sniff limit.
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        raise file_invalid(
            "Berkas bukan teks UTF-8; simpan sebagai CSV UTF-8",
            "the file is not UTF-8 text; save it as CSV UTF-8",
        ) from None


def _lines(text: io.TextIOWrapper, record: list[int]) -> Iterator[str]:
    """The file's lines for the CSV reader, each record (`record[0]` characters so far,
    reset by the caller at each record's end) bounded before it is split into fields: a
    line of a million commas would otherwise become a million fields at once."""
    most = limits.CSV_RECORD_CHARS.maximum
    while line := text.readline(most + 1):
        record[0] += len(line)
        if record[0] > most:
            limits.CSV_RECORD_CHARS.check(record[0])
        yield line


def _csv_rows(path: Path) -> Iterator[list[str]]:
    with path.open("rb") as raw:
        head = raw.read(_SNIFF_BYTES)
        _check_text(head)
        first_line = head.decode("utf-8", errors="ignore").lstrip("\ufeff").split("\n", 1)[0]
        delimiter = _sniff_delimiter(first_line)
        raw.seek(0)
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="strict", newline="")
        record = [0]
        try:
            for cells in csv.reader(_lines(text, record), delimiter=delimiter, strict=False):
                record[0] = 0
                yield cells
        except UnicodeDecodeError:
            raise file_invalid(
                "Berkas memuat byte yang bukan UTF-8; simpan sebagai CSV UTF-8",
                "the file contains bytes that are not UTF-8; save it as CSV UTF-8",
            ) from None
        except csv.Error as exc:
            raise file_invalid(
                "Berkas CSV rusak", f"malformed CSV: {exc}", reason=str(exc)
            ) from None


# -- XLSX --------------------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isfinite(value) and value == int(value) and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


def _xlsx_rows(path: Path) -> Iterator[list[str]]:
    from python_calamine import CalamineError, load_workbook

    # calamine reads the checked copy whole (the copy is removed once it has); its limits
    # keep that small. See xlsx_bounds.
    with bounded_copy(path) as copy:
        if copy is None:
            return
        try:
            workbook = load_workbook(str(copy))
            try:
                if not workbook.sheet_names:
                    return
                sheet = workbook.get_sheet_by_index(0)
            finally:
                workbook.close()
        except (CalamineError, ValueError, OSError) as exc:
            raise _unreadable(exc) from None
    try:
        # Rows are converted one at a time; empty leading rows are kept so row numbers
        # match what the user sees.
        for values in sheet.iter_rows():
            yield [_cell_text(v) for v in values]
    except (CalamineError, ValueError) as exc:
        raise _unreadable(exc) from None


def _unreadable(exc: Exception) -> ImportFileInvalid:
    return file_invalid("Berkas XLSX tidak dapat dibaca", f"the XLSX cannot be read: {exc}"[:300])


# -- both --------------------------------------------------------------------------------


def read_rows(kind: ImportKind, path: Path) -> tuple[Header, Iterator[Row]]:
    """The checked header and an iterator over the data rows (blank rows skipped)."""
    source = _bounded(_xlsx_rows(path) if is_xlsx(path) else _csv_rows(path))
    first = next(source, None)
    if first is None or not any(c.strip() for c in first):
        if first is None or not any(any(c.strip() for c in cells) for cells in source):
            raise ImportFileInvalid(
                "Berkas kosong (the file is empty)", code="import_file_empty", details=[]
            )
        raise file_invalid(
            "Baris pertama harus berisi header", "the first row must hold the header"
        )
    header = check_header(kind, first)
    return header, _data_rows(source)


def _bounded(source: Iterator[list[str]]) -> Iterator[list[str]]:
    # Every row counts, blank ones too: stepping over them costs time as well.
    rows, columns = limits.ROWS.maximum, limits.COLUMNS.maximum
    for number, cells in enumerate(source, start=1):
        if number > rows or len(cells) > columns:
            limits.ROWS.check(number)
            limits.COLUMNS.check(len(cells))
        yield cells


def _data_rows(source: Iterator[list[str]]) -> Iterator[Row]:
    number = 1
    for cells in source:
        number += 1
        stripped = [c.strip() for c in cells]
        if not any(stripped):
            continue
        yield number, stripped
