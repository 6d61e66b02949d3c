"""What an import file may hold beyond its byte size: a file small on the wire and huge to
read (a 1.7 KB workbook whose one cell sits at XFD1048576, a line of ten million commas)
is refused with 413 `import_too_large` naming the bound, or 422 when malformed, before it
is read, in bounded memory, dry run or not; nothing is stored."""

from __future__ import annotations

import functools
import io
import json
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import httpx
import pytest
import xlsxwriter
from python_calamine import load_workbook
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.imports import limits, parsing
from siaga.imports.exceptions import ImportFileInvalid, ImportTooLarge
from siaga.models import ImportBatch, ImportKind
from tests.helpers import assert_error
from tests.imports import hostile as h
from tests.imports.conftest import upload

MIB = 1024 * 1024
HEADER = ",".join(h.SUBMISSIONS_HEADER).encode()
LONG = "n" * 10_000


@dataclass(frozen=True)
class Case:
    build: Callable[[], bytes]
    status: int
    code: str
    limit: str | None = None  # the bound named in the error's details

    @property
    def filename(self) -> str:
        return "data.xlsx" if self.content[:2] == b"PK" else "data.csv"

    @functools.cached_property
    def content(self) -> bytes:
        return self.build()


def _rows(count: int, cell: Callable[[int], str]) -> str:
    return "".join(f'<row r="{r}">{cell(r)}</row>' for r in range(2, count + 2))


TOO_LARGE = 413, "import_too_large"
MALFORMED = 422, "import_file_invalid"
CASES: dict[str, Case] = {
    # The review's file: one cell at the sheet's last address.
    "cell_at_XFD1048576": Case(lambda: h.far_cell("XFD1048576"), *TOO_LARGE, "rows"),
    # Half a gigabyte of grid for a thousand rows.
    "cell_at_XFD1000": Case(lambda: h.far_cell("XFD1000"), *TOO_LARGE, "columns"),
    # Within the rows and the columns, not within their product.
    "area_BH20000": Case(lambda: h.far_cell("BH20000"), *TOO_LARGE, "cells"),
    "dimension_declares_the_whole_sheet": Case(
        lambda: h.workbook(h.sheet(h.header_row(), dimension="A1:XFD1048576")),
        *TOO_LARGE,
        "declared_cells",
    ),
    "dimension_understates_the_sheet": Case(
        lambda: h.workbook(
            h.sheet(
                h.header_row() + '<row r="1000"><c r="XFD1000"><v>1</v></c></row>',
                dimension="A1:F2",
            )
        ),
        *TOO_LARGE,
        "columns",
    ),
    # Stored, so the zip-bomb ratio does not catch them first: the sheet's own bounds do.
    "million_empty_rows": Case(
        lambda: h.workbook(h.sheet(h.header_row() + "<row/>" * 1_000_001), stored=True),
        *TOO_LARGE,
        "rows",
    ),
    "one_cell_a_million_times": Case(
        lambda: h.workbook(
            h.sheet(
                h.header_row()
                + '<row r="2">'
                + "".join(f'<c r="A2"><v>{i}</v></c>' for i in range(1_000_001))
                + "</row>"
            )
        ),
        *TOO_LARGE,
        "cell_elements",
    ),
    "shared_strings_declared": Case(
        lambda: h.workbook(
            h.sheet(h.header_row()),
            shared_strings=h.shared_strings("a", declared=4_000_000_000),
        ),
        *TOO_LARGE,
        "shared_strings",
    ),
    "shared_strings_counted": Case(
        lambda: h.workbook(
            h.sheet(h.header_row()),
            shared_strings=h.shared_strings(*(str(i) for i in range(1_000_001)), declared=1),
        ),
        *TOO_LARGE,
        "shared_strings",
    ),
    # 6,000 cells naming one 10,000-character string: 60 million characters once copied.
    "shared_string_copied_into_every_cell": Case(
        lambda: h.workbook(
            h.sheet(h.header_row() + _rows(6000, lambda r: f'<c r="E{r}" t="s"><v>0</v></c>')),
            shared_strings=h.shared_strings(LONG),
        ),
        *TOO_LARGE,
        "cell_text",
    ),
    # calamine reads the index `1&#50;` as 1 (expat would read 12): charged as calamine reads.
    "shared_string_index_with_an_entity": Case(
        lambda: h.workbook(
            h.sheet(h.header_row() + _rows(6000, lambda r: f'<c r="E{r}" t="s"><v>1&#50;</v></c>')),
            shared_strings=h.shared_strings("", LONG, *([""] * 11)),
        ),
        *TOO_LARGE,
        "cell_text",
    ),
    # The headers say 200 bytes; the deflate stream holds a 400,000-row sheet.
    "headers_lie_about_the_size": Case(
        lambda: h.lying_workbook(
            h.sheet(h.header_row() + _rows(400_000, lambda r: f'<c r="A{r}"><v>1</v></c>')),
            h.sheet(h.header_row()),
        ),
        *MALFORMED,
    ),
    "doctype_with_entities": Case(h.billion_laughs, *MALFORMED),
    # expat keeps every open element: a million of them would take 130 MB to refuse.
    "nested_a_million_deep": Case(
        lambda: h.workbook(
            h.sheet(h.header_row() + '<row r="2">' + "<a>" * 10**6 + "</a>" * 10**6 + "</row>"),
            stored=True,
        ),
        *MALFORMED,
    ),
    "central_directory_of_100000_members": Case(
        lambda: h.many_members(100_000), *TOO_LARGE, "members"
    ),
    "csv_ten_million_columns": Case(
        lambda: HEADER + b"\r\n" + b"," * 10_000_000 + b"\r\n", *TOO_LARGE, "record_chars"
    ),
    "csv_65_columns": Case(lambda: HEADER + b",x" * 59 + b"\r\n", *TOO_LARGE, "columns"),
    "csv_one_line_of_20_mb": Case(
        lambda: HEADER + b"\r\n" + b"x" * (20 * MIB), *TOO_LARGE, "record_chars"
    ),
    "csv_million_rows": Case(lambda: HEADER + b"\r\n" + b"\r\n" * 1_000_001, *TOO_LARGE, "rows"),
}


async def _batches(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(ImportBatch)) or 0


class TestRefusedOverHttp:
    @pytest.mark.parametrize("name", list(CASES))
    async def test_dry_run(
        self, client: httpx.AsyncClient, session: AsyncSession, name: str
    ) -> None:
        case = CASES[name]
        before = await _batches(session)
        response = await upload(
            client, "submissions", case.content, filename=case.filename, dry_run=True
        )
        error = assert_error(response, case.status, case.code)
        # Bilingual: "Indonesian (english)", and the details say which bound.
        assert error["message"].endswith(")") and " (" in error["message"]
        if case.limit is not None:
            detail = error["details"][0]
            assert detail["limit"] == case.limit
            assert detail["found"] > detail["maximum"]
            assert detail["message"] and detail["message_en"]
        assert await _batches(session) == before

    @pytest.mark.parametrize(
        "name", ["cell_at_XFD1048576", "shared_string_copied_into_every_cell", "csv_million_rows"]
    )
    async def test_real_import_is_refused_alike(
        self, client: httpx.AsyncClient, session: AsyncSession, name: str
    ) -> None:
        case = CASES[name]
        before = await _batches(session)
        response = await upload(client, "submissions", case.content, filename=case.filename)
        assert_error(response, case.status, case.code)
        assert await _batches(session) == before


# Parses each file given on the command line in this fresh process and reports, per file,
# how it ended and how far the process's peak memory has grown over the warmed-up
# baseline. A file that kills the process (the old reader did) ends the report early.
_MEASURE = """
import json, resource, sys
from pathlib import Path
from siaga.core.errors import AppError
from siaga.imports.parsing import read_rows
from siaga.models import ImportKind

def parse(path):
    try:
        _, rows = read_rows(ImportKind.SUBMISSIONS, Path(path))
        for _ in rows:
            pass
    except AppError as exc:
        return exc.code
    return "accepted"

paths = json.loads(sys.argv[1])
for warm in paths.pop("warm"):
    assert parse(warm) == "accepted", warm
baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
for name, path in paths.items():
    code = parse(path)
    growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - baseline
    print(json.dumps({"name": name, "code": code, "growth_kib": growth}), flush=True)
"""

MEASURED = [
    "cell_at_XFD1048576",
    "cell_at_XFD1000",
    "area_BH20000",
    "dimension_declares_the_whole_sheet",
    "million_empty_rows",
    "shared_strings_declared",
    "shared_strings_counted",
    "shared_string_copied_into_every_cell",
    "headers_lie_about_the_size",
    "doctype_with_entities",
    "nested_a_million_deep",
    "csv_ten_million_columns",
    "csv_one_line_of_20_mb",
]


def test_memory_stays_bounded(tmp_path: Path) -> None:
    """Each hostile file is refused with the process's peak memory grown by under 100 MiB
    (the old reader aborted on the first file and took 512 MB on the second)."""
    valid = h.workbook(
        h.sheet(h.header_row() + '<row r="2">' + h.inline("A2", "2023-Q4") + "</row>")
    )
    warm: list[str] = []
    for name, content in [
        ("warm.xlsx", valid),
        ("warm.csv", HEADER + b"\r\n2023-Q4,64.72,C.01,1,,draft\r\n"),
    ]:
        (tmp_path / name).write_bytes(content)
        warm.append(str(tmp_path / name))
    paths: dict[str, object] = {"warm": warm}
    # A million members: 47 MB that ZipFile would turn into 300 MB of objects.
    (tmp_path / "members").write_bytes(h.many_members(1_000_000))
    paths["central_directory_of_1000000_members"] = str(tmp_path / "members")
    for name in MEASURED:
        (tmp_path / name).write_bytes(CASES[name].content)
        paths[name] = str(tmp_path / name)
    result = subprocess.run(  # noqa: S603 - our interpreter, our script
        [sys.executable, "-c", _MEASURE, json.dumps(paths)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    reports = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.returncode == 0, (reports, result.stderr[-2000:])
    assert [r["name"] for r in reports] == [n for n in paths if n != "warm"]
    for report in reports:
        assert report["code"] != "accepted", report
        assert report["growth_kib"] < 100 * 1024, report


class TestBoundsWhileParsing:
    def _read(self, tmp_path: Path, content: bytes, name: str = "f.xlsx") -> list[list[str]]:
        path = tmp_path / name
        path.write_bytes(content)
        _, rows = parsing.read_rows(ImportKind.SUBMISSIONS, path)
        return [cells for _, cells in rows]

    def test_limits_are_inclusive(self, tmp_path: Path) -> None:
        # Column 64 (BL) is allowed, 65 (BM) is not; the same for CSV.
        assert self._read(tmp_path, h.far_cell("BL2"))[0][-1] == "1"
        with pytest.raises(ImportTooLarge):
            self._read(tmp_path, h.far_cell("BM2"))
        wide = HEADER + b"," * 58 + b"\r\n2023-Q4" + b"," * 63 + b"x\r\n"
        assert len(self._read(tmp_path, wide, "f.csv")[0]) == limits.COLUMNS.maximum
        with pytest.raises(ImportTooLarge):
            self._read(tmp_path, wide.replace(b"x\r\n", b",x\r\n"), "f.csv")
        # A million rows after the header, blank ones included, and not one more.
        rows = HEADER + b"\r\n" + b"\r\n" * 999_999 + b"2023-Q4\r\n"
        assert len(self._read(tmp_path, rows, "f.csv")) == 1
        with pytest.raises(ImportTooLarge):
            self._read(tmp_path, rows + b"\r\n", "f.csv")

    def test_a_long_narrative_is_not_a_long_row(self, tmp_path: Path) -> None:
        # A quoted field may span lines; the bound is on the whole row, reset per row.
        narrative = "\n".join(["baris"] * 2000)
        content = HEADER + f'\r\n2023-Q4,64.72,C.01,1,"{narrative}",draft\r\n'.encode() * 300
        rows = self._read(tmp_path, content, "f.csv")
        assert len(rows) == 300 and rows[0][4] == narrative

    def test_cells_without_references_are_placed_as_calamine_places_them(
        self, tmp_path: Path
    ) -> None:
        row = "<row>" + "<c><v>1</v></c>" * 6 + "</row>"
        assert self._read(tmp_path, h.workbook(h.sheet(h.header_row() + row))) == [["1"] * 6]
        wide = "<row>" + "<c><v>1</v></c>" * 65 + "</row>"
        with pytest.raises(ImportTooLarge) as caught:
            self._read(tmp_path, h.workbook(h.sheet(h.header_row() + wide)))
        assert caught.value.details[0]["limit"] == "columns"

    def test_a_shared_string_is_charged_as_calamine_reads_its_index(self, tmp_path: Path) -> None:
        strings = h.shared_strings("", LONG, *([""] * 11))
        # What the scan relies on: an empty <si/> is a string of its own, and an index
        # ends at its first entity reference.
        path = tmp_path / "pin.xlsx"
        cells = '<c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1&#50;</v></c>'
        path.write_bytes(h.workbook(h.sheet(f'<row r="1">{cells}</row>'), shared_strings=strings))
        assert load_workbook(str(path)).get_sheet_by_index(0).to_python() == [["", LONG]]
        # Six thousand cells naming the empty string cost nothing (and are blank rows).
        empty = _rows(6000, lambda r: f'<c r="E{r}" t="s"><v>0</v></c>')
        content = h.workbook(h.sheet(h.header_row() + empty), shared_strings=strings)
        assert self._read(tmp_path, content) == []

    def test_processing_instructions_and_comments_are_refused(self, tmp_path: Path) -> None:
        for before in ("<!-- a comment -->", "<?pi x?>"):
            content = h.workbook(h.sheet(h.header_row() + f"<row>{before}</row>"))
            with pytest.raises(ImportFileInvalid):
                self._read(tmp_path, content)

    def test_the_checked_copy_is_removed(self, tmp_path: Path) -> None:
        self._read(tmp_path, h.far_cell("B2"))
        with pytest.raises(ImportTooLarge):
            self._read(tmp_path, h.far_cell("XFD1000"))
        assert sorted(p.name for p in tmp_path.iterdir()) == ["f.xlsx"]


def _spreadsheet(date1904: bool) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "date_1904": date1904})
    sheet = workbook.add_worksheet("Isian")
    dates = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 1, ["code", "name", "level", "bps_code"])  # from B1: column A blank
    sheet.write_row(1, 1, ["64", "Kalimantan Timur", "province", 64])
    sheet.write_row(2, 1, ["64.72", "Kota Samarinda", True, 6472.5])
    sheet.write_datetime(3, 1, datetime(2023, 12, 31), dates)
    sheet.write_formula(3, 4, "=1+2", None, 3)
    workbook.add_worksheet("Kode").write_row(0, 0, ["not", "read"])
    workbook.close()
    return buffer.getvalue()


@pytest.mark.parametrize("date1904", [False, True])
def test_rows_are_what_calamine_reads_from_the_original(tmp_path: Path, date1904: bool) -> None:
    path = tmp_path / "original.xlsx"
    path.write_bytes(_spreadsheet(date1904))
    original = load_workbook(str(path)).get_sheet_by_index(0)
    expected = [
        [parsing._cell_text(v).strip() for v in values]
        for values in original.iter_rows()
        if any(parsing._cell_text(v).strip() for v in values)
    ]
    header, rows = parsing.read_rows(ImportKind.REGIONS, path)
    assert header.index == {"code": 0, "name": 1, "level": 2, "bps_code": 3}
    assert [cells for _, cells in rows] == expected[1:]
    assert expected[3][0] == "2023-12-31"  # a date still reads as that date
