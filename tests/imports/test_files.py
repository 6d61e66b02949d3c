"""File-level problems: each is an error in the contract's shape, and nothing is stored."""

from __future__ import annotations

import io
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import xlsxwriter
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.imports import parsing
from siaga.imports.exceptions import ImportFileInvalid, UnsupportedImportFile
from siaga.models import ImportBatch, ImportKind
from tests.helpers import assert_error
from tests.imports.conftest import IMPORTS, World, csv_bytes, upload

MIB = 1024 * 1024


async def _batches(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(ImportBatch)) or 0


def _zip_bomb() -> bytes:
    """A workbook-shaped zip with a 200 MB member of zeros (about 200 KB compressed)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            block = b"\0" * MIB
            for _ in range(200):
                member.write(block)
    return buffer.getvalue()


class TestRefusedFiles:
    @pytest.mark.parametrize(
        ("content", "status", "code"),
        [
            (b"", 422, "invalid_input"),  # the upload itself is empty
            (b"\r\n\r\n", 422, "import_file_empty"),
            (b"period,region,indicator,value,narrative\r\n", 422, "import_file_empty"),
            (
                b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
                415,
                "unsupported_media_type",
            ),
            (b"period,region\xff\xfe,indicator\r\n", 422, "import_file_invalid"),
            (b"PK\x03\x04 not really a zip", 415, "unsupported_media_type"),
        ],
        ids=["empty", "blank-lines", "header-only", "binary", "not-utf8", "broken-zip"],
    )
    async def test_refused(
        self,
        client: httpx.AsyncClient,
        session: AsyncSession,
        world: World,
        content: bytes,
        status: int,
        code: str,
    ) -> None:
        before = await _batches(session)
        response = await upload(client, "submissions", content, filename="data.csv")
        assert_error(response, status, code)
        assert await _batches(session) == before

    async def test_wrong_header_names_the_columns(
        self, client: httpx.AsyncClient, world: World
    ) -> None:
        content = csv_bytes(
            "Period,wilayah,indicator,value,value,catatan", "2023-Q4,64.72,L.01,1,1,"
        )
        error = assert_error(
            await upload(client, "submissions", content), 422, "import_header_invalid"
        )
        detail = error["details"][0]
        assert detail["missing"] == ["region", "narrative"]
        assert detail["unknown"] == ["wilayah", "catatan"]
        assert detail["duplicated"] == ["value"]
        assert "region" in error["message"] and "wilayah" in error["message"]

    async def test_zip_bomb_is_refused_before_inflating(
        self, client: httpx.AsyncClient, session: AsyncSession, world: World
    ) -> None:
        bomb = _zip_bomb()
        assert len(bomb) < 2 * MIB
        response = await upload(client, "submissions", bomb, filename="data.xlsx")
        assert_error(response, 422, "import_file_too_expanded")
        assert await _batches(session) == 0

    async def test_declared_100_mb_is_413_without_reading(
        self, client: httpx.AsyncClient, world: World
    ) -> None:
        sent = 0

        async def body() -> AsyncIterator[bytes]:
            nonlocal sent
            chunk = b"x" * MIB
            for _ in range(100):
                sent += len(chunk)
                yield chunk

        response = await client.post(
            IMPORTS,
            params={"kind": "submissions"},
            content=body(),
            headers={
                "Content-Type": "multipart/form-data; boundary=b",
                "Content-Length": str(100 * MIB),
            },
        )
        assert_error(response, 413, "too_large")
        assert sent < 100 * MIB

    async def test_streamed_100_mb_is_413_at_the_limit(
        self, client: httpx.AsyncClient, world: World
    ) -> None:
        """Without a declared length the body is counted as it arrives and cut at 50 MB."""
        sent = 0

        async def body() -> AsyncIterator[bytes]:
            nonlocal sent
            yield (
                b'--b\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n'
                b"Content-Type: text/csv\r\n\r\nperiod,region,indicator,value,narrative\r\n"
            )
            line = b"2023-Q4,64.72,L.01,1," + b"n" * 1000 + b"\r\n"
            chunk = line * 1024  # about 1 MB
            for _ in range(100):
                sent += len(chunk)
                yield chunk
            yield b"\r\n--b--\r\n"

        response = await client.post(
            IMPORTS,
            params={"kind": "submissions"},
            content=body(),
            headers={"Content-Type": "multipart/form-data; boundary=b"},
        )
        assert_error(response, 413, "too_large")
        assert sent <= 60 * MIB


class TestParsing:
    def _write(self, tmp_path: Path, content: bytes, name: str = "f.csv") -> Path:
        path = tmp_path / name
        path.write_bytes(content)
        return path

    def test_semicolon_with_bom(self, tmp_path: Path) -> None:
        path = self._write(
            tmp_path, csv_bytes("CODE ; name;Level", "64;Kalimantan Timur;province", bom=True)
        )
        header, rows = parsing.read_rows(ImportKind.REGIONS, path)
        assert header.index == {"code": 0, "name": 1, "level": 2}
        assert list(rows) == [(2, ["64", "Kalimantan Timur", "province"])]

    def test_comma_with_quoted_semicolons(self, tmp_path: Path) -> None:
        path = self._write(tmp_path, csv_bytes("code,name,level", '64,"A; B",province'))
        _, rows = parsing.read_rows(ImportKind.REGIONS, path)
        assert list(rows) == [(2, ["64", "A; B", "province"])]

    def test_binary_named_csv(self, tmp_path: Path) -> None:
        path = self._write(tmp_path, b"code,name\x00\x01\x02,level\r\n")
        with pytest.raises(UnsupportedImportFile):
            parsing.read_rows(ImportKind.REGIONS, path)

    def test_invalid_utf8_after_the_sniffed_part(self, tmp_path: Path) -> None:
        body = (
            b"code,name,level\r\n" + b"64,Kaltim,province\r\n" * 5000 + b"65,\xff\xff,province\r\n"
        )
        path = self._write(tmp_path, body)
        _, rows = parsing.read_rows(ImportKind.REGIONS, path)
        with pytest.raises(ImportFileInvalid):
            list(rows)

    def test_xlsx_rows_and_numbers(self, tmp_path: Path) -> None:
        buffer = io.BytesIO()
        workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
        sheet = workbook.add_worksheet()
        sheet.write_row(0, 0, ["Code", "Name", "Level", "bps_code"])
        sheet.write_row(1, 0, ["64", "Kalimantan Timur", "province", 64])
        sheet.write_row(2, 0, ["64.72", "Kota Samarinda", "city", 6472.0])
        workbook.close()
        path = self._write(tmp_path, buffer.getvalue(), "f.xlsx")
        header, rows = parsing.read_rows(ImportKind.REGIONS, path)
        assert header.index == {"code": 0, "name": 1, "level": 2, "bps_code": 3}
        assert list(rows) == [
            (2, ["64", "Kalimantan Timur", "province", "64"]),
            (3, ["64.72", "Kota Samarinda", "city", "6472"]),
        ]

    def test_zip_that_is_not_a_workbook(self, tmp_path: Path) -> None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("word/document.xml", "<w/>")
        path = self._write(tmp_path, buffer.getvalue(), "f.xlsx")
        with pytest.raises(UnsupportedImportFile):
            parsing.read_rows(ImportKind.REGIONS, path)

    def test_zip_bomb(self, tmp_path: Path) -> None:
        path = self._write(tmp_path, _zip_bomb(), "f.xlsx")
        with pytest.raises(ImportFileInvalid) as caught:
            parsing.check_zip(path)
        assert caught.value.code == "import_file_too_expanded"
