"""Small valid files of every accepted type, and impostors, made in memory."""

from __future__ import annotations

import io
import zipfile
from collections.abc import AsyncIterator

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def pdf(salt: str = "") -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n"
        + f"% {salt}\n".encode()
        + b"trailer << /Root 1 0 R >>\n%%EOF\n"
    )


def drawn_pdf(pages: int = 1, salt: str = "") -> bytes:
    """A well-formed PDF whose pages (200 x 100 pt) are white with a black box in their
    left half, so a rendering can be checked by its pixels."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(pages))
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode())
    for i in range(pages):
        page = "/Type /Page /Parent 2 0 R /MediaBox [0 0 200 100]"
        objects.append(f"<< {page} /Contents {4 + 2 * i} 0 R >>".encode())
        stream = f"% {salt} page {i + 1}\n0 0 0 rg 10 10 80 80 re f\n".encode()
        objects.append(b"<< /Length %d >>\nstream\n%sendstream" % (len(stream), stream))
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer << /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return out


def jpeg(salt: str = "") -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00" + salt.encode() + b"\xff\xd9"


def png(salt: str = "") -> bytes:
    return PNG_SIGNATURE + b"\x00\x00\x00\rIHDR" + salt.encode() + b"\x00" * 17


def _zip(entries: list[tuple[str, bytes]], *, stored_first: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, (name, data) in enumerate(entries):
            kind = zipfile.ZIP_STORED if stored_first and index == 0 else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=kind)
    return buffer.getvalue()


def xlsx(salt: str = "") -> bytes:
    return _zip(
        [
            ("[Content_Types].xml", b"<Types/>"),
            ("_rels/.rels", b"<Relationships/>"),
            ("xl/workbook.xml", f"<workbook><!-- {salt} --></workbook>".encode()),
            ("xl/worksheets/sheet1.xml", b"<worksheet/>"),
        ]
    )


def docx(salt: str = "") -> bytes:
    return _zip(
        [
            ("[Content_Types].xml", b"<Types/>"),
            ("_rels/.rels", b"<Relationships/>"),
            ("word/document.xml", f"<document><!-- {salt} --></document>".encode()),
        ]
    )


def odt(salt: str = "") -> bytes:
    return _zip(
        [
            ("mimetype", b"application/vnd.oasis.opendocument.text"),
            ("content.xml", f"<office:document-content><!-- {salt} -->".encode()),
            ("META-INF/manifest.xml", b"<manifest/>"),
        ],
        stored_first=True,
    )


def html() -> bytes:
    return b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def elf() -> bytes:
    return b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56


def pe() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 50 + b"PE\x00\x00"


def plain_zip() -> bytes:
    return _zip([("readme.txt", b"not an office document")])


BOUNDARY = "siaga-test-boundary-7MA4YWxkTrZu0gW"


def part_header(
    filename: str, *, field: str = "file", content_type: str = "application/pdf"
) -> bytes:
    quoted = filename.replace("\\", "\\\\").replace('"', '\\"')
    return (
        f"--{BOUNDARY}\r\n"
        f'Content-Disposition: form-data; name="{field}"; filename="{quoted}"\r\n'
        f"Content-Type: {content_type}\r\n\r\n"
    ).encode()


def closing() -> bytes:
    return f"\r\n--{BOUNDARY}--\r\n".encode()


def multipart(
    content: bytes,
    filename: str = "bukti.pdf",
    *,
    field: str = "file",
    content_type: str = "application/pdf",
) -> bytes:
    """A multipart body written by hand, so file names reach the server byte for byte."""
    return part_header(filename, field=field, content_type=content_type) + content + closing()


def multipart_parts(*parts: tuple[str, str, bytes]) -> bytes:
    """Several parts: (field, filename or "" for a plain field, content)."""
    out = b""
    for field, filename, content in parts:
        if filename:
            out += part_header(filename, field=field)
        else:
            out += (
                f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{field}"\r\n\r\n'
            ).encode()
        out += content + b"\r\n"
    return out + f"--{BOUNDARY}--\r\n".encode()


CONTENT_TYPE = f"multipart/form-data; boundary={BOUNDARY}"


class CountingBody:
    """A chunked request body of `total` bytes that counts how much the server pulled."""

    def __init__(self, total: int, chunk: int = 64 * 1024) -> None:
        self.total, self.chunk = total, chunk
        self.pulled = 0
        self.chunks_pulled = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield part_header("besar.pdf")
        self.chunks_pulled += 1
        sent = 0
        first = True
        while sent < self.total:
            size = min(self.chunk, self.total - sent)
            data = (b"%PDF-" + b"x" * (size - 5)) if first else b"x" * size
            first = False
            sent += size
            self.pulled += size
            self.chunks_pulled += 1
            yield data
        yield closing()
