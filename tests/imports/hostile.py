"""Hostile import files, built byte by byte: workbooks small on the wire and huge to read,
zips whose headers lie, and CSV shaped to cost memory."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

MIB = 1024 * 1024
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns='
    '"http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/></Types>'
)
_PACKAGE_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_RELS}">'
    f'<Relationship Id="rId1" Type="{_DOC}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{_DOC}">'
    '<sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_RELS}">'
    f'<Relationship Id="rId1" Type="{_DOC}/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)
SUBMISSIONS_HEADER = ("period", "region", "indicator", "value", "narrative", "status")


def inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def header_row(names: tuple[str, ...] = SUBMISSIONS_HEADER) -> str:
    cells = "".join(inline(f"{chr(65 + i)}1", name) for i, name in enumerate(names))
    return f'<row r="1">{cells}</row>'


def sheet(rows: str, *, dimension: str | None = None, before: str = "") -> bytes:
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'{before}<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">'
        f"{declared}<sheetData>{rows}</sheetData></worksheet>"
    ).encode()


def workbook(
    sheet_xml: bytes, *, shared_strings: bytes | None = None, stored: bool = False
) -> bytes:
    """A minimal XLSX: Excel's parts, the given first sheet and shared strings; `stored`
    leaves them uncompressed, below the zip-bomb ratio whatever they repeat."""
    buffer = io.BytesIO()
    method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(buffer, "w", method) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _PACKAGE_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        if shared_strings is not None:
            archive.writestr("xl/sharedStrings.xml", shared_strings)
    return buffer.getvalue()


def shared_strings(*texts: str, declared: int | None = None) -> bytes:
    count = len(texts) if declared is None else declared
    items = "".join(f"<si><t>{t}</t></si>" if t else "<si/>" for t in texts)
    return f'<sst xmlns="{MAIN}" uniqueCount="{count}">{items}</sst>'.encode()


def far_cell(ref: str) -> bytes:
    """A valid header and one more cell, far away: the 1.7 KB file of the review."""
    row = "".join(ch for ch in ref if ch.isdigit())
    return workbook(sheet(header_row() + f'<row r="{row}"><c r="{ref}"><v>1</v></c></row>'))


def raw_zip(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip written by hand: (name, deflated bytes, declared size, declared CRC) each, so
    the headers may say what the data is not."""
    body, directory = b"", b""
    for name, data, size, crc in members:
        encoded = name.encode()
        offset = len(body)
        body += (
            struct.pack(
                "<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(data), size, len(encoded), 0
            )
            + encoded
            + data
        )
        directory += (
            struct.pack(
                "<4s6H3L5H2L",
                b"PK\x01\x02",
                20,
                20,
                0,
                8,
                0,
                0,
                crc,
                len(data),
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + encoded
        )
    end = struct.pack(
        "<4s4H2LH",
        b"PK\x05\x06",
        0,
        0,
        len(members),
        len(members),
        len(directory),
        len(body),
        0,
    )
    return body + directory + end


def deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush()


def lying_workbook(real_sheet: bytes, claimed: bytes) -> bytes:
    """A workbook whose sheet's headers claim `claimed` (its size and CRC) while its
    deflate stream holds `real_sheet`: a reader trusting the headers inflates far more."""
    honest = [
        (name, deflate(text.encode()), len(text.encode()), zlib.crc32(text.encode()))
        for name, text in (
            ("[Content_Types].xml", _CONTENT_TYPES),
            ("_rels/.rels", _PACKAGE_RELS),
            ("xl/workbook.xml", _WORKBOOK),
            ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS),
        )
    ]
    lying = ("xl/worksheets/sheet1.xml", deflate(real_sheet), len(claimed), zlib.crc32(claimed))
    return raw_zip([*honest, lying])


def many_members(count: int) -> bytes:
    """A workbook-shaped zip whose central directory lists `count` members, all pointing
    at one local header: 47 bytes a member, read whole by a zip reader."""
    good = workbook(sheet(header_row()))
    with zipfile.ZipFile(io.BytesIO(good)) as archive:
        infos = archive.infolist()
    directory_at = good.index(b"PK\x01\x02")
    body, directory = good[:directory_at], good[directory_at : good.rindex(b"PK\x05\x06")]
    filler = struct.pack(
        "<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0
    )
    directory += (filler + b"x") * (count - len(infos))
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, len(directory), len(body), 0)
    return body + directory + end


def billion_laughs() -> bytes:
    entities = '<!ENTITY a0 "ha">' + "".join(
        f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10)
    )
    doctype = f"<!DOCTYPE worksheet [{entities}]>"
    rows = header_row() + '<row r="2">' + inline("A2", "&a9;") + "</row>"
    text = (
        f'<?xml version="1.0" encoding="UTF-8"?>{doctype}<worksheet xmlns="{MAIN}">'
        f"<sheetData>{rows}</sheetData></worksheet>"
    )
    return workbook(text.encode())
