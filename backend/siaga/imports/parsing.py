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
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from siaga.imports.columns import COLUMNS
from siaga.imports.exceptions import ImportFileInvalid, UnsupportedImportFile
from siaga.models import ImportKind

# A spreadsheet cell longer than this is not data we import (narratives are short texts);
# it also bounds what one row can cost in memory.
MAX_CELL = 10_000
# An XLSX whose members would expand beyond this, or any large member compressed more
# than MAX_RATIO times, is refused before a byte of it is inflated: a zip bomb.
MAX_XLSX_UNCOMPRESSED = 256 * 1024 * 1024
MAX_RATIO = 200
_RATIO_FLOOR = 1024 * 1024  # small members (styles, themes) may compress very well
_SNIFF_BYTES = 64 * 1024
_ZIP_SIGNATURE = b"PK\x03\x04"

csv.field_size_limit(MAX_CELL * 4)


@dataclass(frozen=True)
class Header:
    """The file's columns: each known column name -> index in the row."""

    index: dict[str, int]
    width: int


Row = tuple[int, list[str]]


def _file_error(message_id: str, message_en: str, **detail: Any) -> ImportFileInvalid:
    return ImportFileInvalid(
        f"{message_id} ({message_en})",
        details=[{"message": message_id, "message_en": message_en, **detail}],
    )


def is_xlsx(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(4) == _ZIP_SIGNATURE


def check_header(kind: ImportKind, cells: list[str]) -> Header:
    """Match header cells to the kind's columns (case-insensitive, trimmed), or refuse."""
    columns = COLUMNS[kind]
    known = {c.name for c in columns}
    names = [cell.strip().lower() for cell in cells]
    if not any(names):
        raise _file_error(
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
        raise _file_error(
            "Berkas bukan teks UTF-8; simpan sebagai CSV UTF-8",
            "the file is not UTF-8 text; save it as CSV UTF-8",
        ) from None


def _csv_rows(path: Path) -> Iterator[list[str]]:
    with path.open("rb") as raw:
        head = raw.read(_SNIFF_BYTES)
        _check_text(head)
        first_line = head.decode("utf-8", errors="ignore").lstrip("\ufeff").split("\n", 1)[0]
        delimiter = _sniff_delimiter(first_line)
        raw.seek(0)
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="strict", newline="")
        try:
            yield from csv.reader(text, delimiter=delimiter, strict=False)
        except UnicodeDecodeError:
            raise _file_error(
                "Berkas memuat byte yang bukan UTF-8; simpan sebagai CSV UTF-8",
                "the file contains bytes that are not UTF-8; save it as CSV UTF-8",
            ) from None
        except csv.Error as exc:
            raise _file_error(
                "Berkas CSV rusak", f"malformed CSV: {exc}", reason=str(exc)
            ) from None


# -- XLSX --------------------------------------------------------------------------------


def check_zip(path: Path) -> None:
    """Refuse an XLSX that is not a real zip or would inflate beyond our bounds."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                raise UnsupportedImportFile()
            total = 0
            for info in infos:
                total += info.file_size
                ratio = info.file_size / max(info.compress_size, 1)
                if info.file_size > _RATIO_FLOOR and ratio > MAX_RATIO:
                    raise _zip_bomb(total=total)
            if total > MAX_XLSX_UNCOMPRESSED:
                raise _zip_bomb(total=total)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError):
        raise UnsupportedImportFile() from None


def _zip_bomb(total: int) -> ImportFileInvalid:
    limit_mb = MAX_XLSX_UNCOMPRESSED // (1024 * 1024)
    return ImportFileInvalid(
        f"Isi XLSX terlalu besar setelah diekstrak (batas {limit_mb} MB) "
        f"(the XLSX would expand beyond the {limit_mb} MB limit or is compressed "
        "suspiciously well: refused as a possible zip bomb)",
        code="import_file_too_expanded",
        details=[{"uncompressed_bytes_seen": total, "limit_bytes": MAX_XLSX_UNCOMPRESSED}],
    )


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

    check_zip(path)
    try:
        workbook = load_workbook(str(path))
        if not workbook.sheet_names:
            return
        sheet = workbook.get_sheet_by_index(0)
        # Rows are converted one at a time; empty leading rows and columns are kept so
        # row numbers match what the user sees.
        for values in sheet.iter_rows():
            yield [_cell_text(v) for v in values]
    except (CalamineError, ValueError, OSError) as exc:
        raise _file_error(
            "Berkas XLSX tidak dapat dibaca", f"the XLSX cannot be read: {exc}"[:300]
        ) from None


# -- both --------------------------------------------------------------------------------


def read_rows(kind: ImportKind, path: Path) -> tuple[Header, Iterator[Row]]:
    """The checked header and an iterator over the data rows (blank rows skipped)."""
    source = _xlsx_rows(path) if is_xlsx(path) else _csv_rows(path)
    first = next(source, None)
    if first is None or not any(c.strip() for c in first):
        if first is None or not any(any(c.strip() for c in cells) for cells in source):
            raise ImportFileInvalid(
                "Berkas kosong (the file is empty)", code="import_file_empty", details=[]
            )
        raise _file_error("Baris pertama harus berisi header", "the first row must hold the header")
    header = check_header(kind, first)
    return header, _data_rows(source)


def _data_rows(source: Iterator[list[str]]) -> Iterator[Row]:
    number = 1
    for cells in source:
        number += 1
        stripped = [c.strip() for c in cells]
        if not any(stripped):
            continue
        yield number, stripped
