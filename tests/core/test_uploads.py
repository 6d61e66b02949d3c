"""Receiving uploads: streaming parse, limits, content typing, safe names."""

from __future__ import annotations

import hashlib
import io
import os
import time
import zipfile
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from pathlib import Path

import pytest

from siaga.core.errors import InvalidInput
from siaga.core.filetypes import (
    DOCX,
    JPEG,
    ODT,
    PDF,
    PNG,
    XLSX,
    FileType,
    content_disposition,
    detect_type,
    sanitize_filename,
)
from siaga.core.types import utcnow
from siaga.core.uploads import TooLarge, receive_file, remove_stale_staging
from tests.evidence import files

HEADERS = {"content-type": files.CONTENT_TYPE}


def _entries(directory: Path) -> list[Path]:
    return list(directory.iterdir())


async def _chunks(data: bytes, size: int = 1000) -> AsyncIterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


class TestDetectType:
    @pytest.mark.parametrize(
        ("make", "expected"),
        [
            (files.pdf, PDF),
            (files.jpeg, JPEG),
            (files.png, PNG),
            (files.xlsx, XLSX),
            (files.docx, DOCX),
            (files.odt, ODT),
        ],
    )
    def test_accepted(
        self, tmp_path: Path, make: Callable[[str], bytes], expected: FileType
    ) -> None:
        path = tmp_path / "f"
        path.write_bytes(make(""))
        assert detect_type(path) is expected

    @pytest.mark.parametrize(
        "content",
        [
            files.html(),
            files.elf(),
            files.pe(),
            files.plain_zip(),
            b"%PD",
            b"PK\x03\x04 but not really a zip",
            b"\x89PNG\r\n",  # a truncated signature
            b"",
        ],
    )
    def test_refused(self, tmp_path: Path, content: bytes) -> None:
        path = tmp_path / "f"
        path.write_bytes(content)
        assert detect_type(path) is None

    def test_odt_needs_the_right_mimetype(self, tmp_path: Path) -> None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
            archive.writestr("content.xml", "<x/>")
        path = tmp_path / "f"
        path.write_bytes(buffer.getvalue())
        assert detect_type(path) is None

    def test_zip_bomb_is_not_extracted(self, tmp_path: Path) -> None:
        # 50 MB of zeros compress to about 50 KB; only the directory is read.
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            with archive.open("word/document.xml", "w") as entry:
                block = b"\x00" * (1 << 20)
                for _ in range(50):
                    entry.write(block)
        path = tmp_path / "f"
        path.write_bytes(buffer.getvalue())
        started = time.perf_counter()
        assert detect_type(path) is DOCX
        assert time.perf_counter() - started < 0.5


class TestSanitizeFilename:
    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("laporan.pdf", "laporan.pdf"),
            ("LAPORAN.PDF", "LAPORAN.pdf"),
            ("/etc/passwd", "passwd.pdf"),
            ("..\\..\\boot.ini", "boot.ini.pdf"),
            ("a\x00b\x7fc\u200bd.pdf", "abcd.pdf"),
            ("\u202efdp.exe", "fdp.exe.pdf"),
            ("\u2066x\u2069.pdf", "x.pdf"),
            ("tab\tand\nnewline.pdf", "tab and newline.pdf"),
            (".hidden.pdf", "hidden.pdf"),
            ("...", "bukti.pdf"),
            ("   ", "bukti.pdf"),
            ("a<b>c:d|e?f*.pdf", "a_b_c_d_e_f_.pdf"),
            # NFD input (macOS) is stored composed.
            ("Cafe\u0301.pdf", "Caf\u00e9.pdf"),
        ],
    )
    def test_pdf_names(self, raw: str, expected: str) -> None:
        assert sanitize_filename(raw, PDF) == expected

    def test_jpeg_aliases_are_kept(self) -> None:
        assert sanitize_filename("foto.JPEG", JPEG) == "foto.jpeg"
        assert sanitize_filename("foto.png", JPEG) == "foto.png.jpg"

    def test_long_name_keeps_extension(self) -> None:
        name = sanitize_filename("x" * 300 + ".docx", DOCX)
        assert len(name) == 200
        assert name == "x" * 195 + ".docx"

    def test_long_name_without_extension(self) -> None:
        name = sanitize_filename("y" * 300, ODT)
        assert name == "y" * 196 + ".odt"


class TestContentDisposition:
    def test_ascii(self) -> None:
        assert content_disposition("Laporan Q4.pdf", PDF) == (
            "attachment; filename=\"Laporan Q4.pdf\"; filename*=UTF-8''Laporan%20Q4.pdf"
        )

    def test_unicode_has_ascii_fallback(self) -> None:
        value = content_disposition("Rekap Désa 東京.xlsx", XLSX)
        assert value == (
            'attachment; filename="Rekap Desa.xlsx"; '
            "filename*=UTF-8''Rekap%20D%C3%A9sa%20%E6%9D%B1%E4%BA%AC.xlsx"
        )

    def test_inline_only_for_previews(self) -> None:
        assert content_disposition("a.png", PNG, inline=True).startswith("inline;")
        assert content_disposition("a.docx", DOCX, inline=True).startswith("attachment;")

    def test_quotes_and_separators_never_reach_the_header(self) -> None:
        value = content_disposition('a"b\\c;d\r\n.pdf', PDF)
        fallback = value.split('filename="', 1)[1].split('"', 1)[0]
        assert fallback == "a_b_c_d__.pdf"
        assert "\r" not in value and "\n" not in value


class TestReceiveFile:
    async def test_streams_hashes_and_counts(self, tmp_path: Path) -> None:
        content = os.urandom(300_000)
        staged = await receive_file(
            HEADERS, _chunks(files.multipart(content, "x.pdf"), 7000), tmp_path, 1 << 20
        )
        assert staged.path.parent == tmp_path
        assert staged.path.read_bytes() == content
        assert staged.sha256 == hashlib.sha256(content).hexdigest()
        assert staged.size == len(content)
        assert staged.filename == "x.pdf"

    async def test_other_fields_are_ignored(self, tmp_path: Path) -> None:
        body = files.multipart_parts(("note", "", b"catatan"), ("file", "f.pdf", b"%PDF-x"))
        staged = await receive_file(HEADERS, _chunks(body), tmp_path, 1 << 20)
        assert staged.path.read_bytes() == b"%PDF-x"

    async def test_utf8_filename(self, tmp_path: Path) -> None:
        body = files.multipart(b"%PDF-", "Bukti Désa.pdf")
        staged = await receive_file(HEADERS, _chunks(body), tmp_path, 1 << 20)
        assert staged.filename == "Bukti Désa.pdf"

    @pytest.mark.parametrize(
        "body",
        [
            files.multipart_parts(("note", "", b"x")),
            files.multipart_parts(("file", "a.pdf", b"%PDF-a"), ("file", "b.pdf", b"%PDF-b")),
            files.multipart_parts(("other", "a.pdf", b"%PDF-a")),
            files.multipart(b"", "empty.pdf"),
            files.multipart(b"%PDF-", "a.pdf")[:-10],
            b"garbage without boundaries",
        ],
        ids=["no-file", "two-files", "wrong-field", "empty", "truncated", "garbage"],
    )
    async def test_malformed_is_422_and_leaves_nothing(self, tmp_path: Path, body: bytes) -> None:
        with pytest.raises(InvalidInput):
            await receive_file(HEADERS, _chunks(body), tmp_path, 1 << 20)
        assert _entries(tmp_path) == []

    @pytest.mark.parametrize(
        "content_type",
        ["", "application/pdf", "multipart/form-data", "multipart/mixed; boundary=x"],
    )
    async def test_content_type_must_be_multipart_with_boundary(
        self, tmp_path: Path, content_type: str
    ) -> None:
        with pytest.raises(InvalidInput):
            await receive_file({"content-type": content_type}, _chunks(b"x"), tmp_path, 1 << 20)

    async def test_over_limit_stops_reading(self, tmp_path: Path) -> None:
        pulled = 0

        async def endless() -> AsyncIterator[bytes]:
            nonlocal pulled
            yield files.part_header("big.pdf")
            while True:
                pulled += 1
                yield b"%PDF-" + b"x" * 995

        with pytest.raises(TooLarge) as raised:
            await receive_file(HEADERS, endless(), tmp_path, 10_000)
        assert raised.value.status_code == 413
        assert raised.value.details == [{"limit_bytes": 10_000}]
        assert pulled == 11
        assert _entries(tmp_path) == []

    async def test_declared_length_over_limit_reads_nothing(self, tmp_path: Path) -> None:
        async def never() -> AsyncIterator[bytes]:
            raise AssertionError("the body must not be read")
            yield b""  # pragma: no cover

        headers = {**HEADERS, "content-length": str(10 * 1024 * 1024)}
        with pytest.raises(TooLarge):
            await receive_file(headers, never(), tmp_path, 1024 * 1024)

    async def test_bad_content_length_is_422(self, tmp_path: Path) -> None:
        with pytest.raises(InvalidInput):
            await receive_file(
                {**HEADERS, "content-length": "many"}, _chunks(b""), tmp_path, 1 << 20
            )

    async def test_large_body_of_small_fields_is_refused(self, tmp_path: Path) -> None:
        body = files.multipart_parts(("padding", "", b"p" * 200_000), ("file", "a.pdf", b"%PDF-"))
        with pytest.raises(TooLarge):
            await receive_file(HEADERS, _chunks(body, 10_000), tmp_path, 100_000)
        assert _entries(tmp_path) == []


def test_remove_stale_staging(tmp_path: Path) -> None:
    old, new = tmp_path / "upload-old", tmp_path / "upload-new"
    old.write_bytes(b"crashed")
    new.write_bytes(b"in flight")
    past = time.time() - 7200
    os.utime(old, (past, past))
    assert remove_stale_staging(tmp_path, utcnow() - timedelta(hours=1)) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["upload-new"]
    assert remove_stale_staging(tmp_path / "missing", utcnow()) == 0
