"""An uploaded XLSX, made safe for python-calamine before it reads a byte of it.

calamine reads a sheet whole into a dense grid from A1 to the last cell, copies a shared
string into every cell that names it, and trusts the zip's headers; one cell at
XFD1048576 in a 1.7 KB file is a grid of 17 billion cells and kills the process. So
calamine is never handed the upload: it gets a copy holding only the parts it reads (the
first sheet, the shared strings and the styles, under a workbook and relationships
written here), each inflated here from its raw deflate stream, scanned against
`limits` as it inflates, and stored uncompressed. Whatever calamine reads has been
checked, byte for byte; nothing it could be pointed at in the upload is left unread.

Which sheet is first, and where the parts live, is found as calamine finds them (the
package relationships name the workbook's folder, the workbook its sheets in order, the
workbook's relationships their files, names matched ignoring ASCII case).
"""

from __future__ import annotations

import os
import string
import struct
import tempfile
import zipfile
import zlib
from array import array
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from siaga.core.filetypes import zip_directory
from siaga.core.uploads import DISK_FULL_ERRNOS, StorageFull
from siaga.imports import limits
from siaga.imports.exceptions import (
    ImportFileInvalid,
    Limit,
    UnsupportedImportFile,
    file_invalid,
)
from siaga.imports.xlsx_scan import (
    RelationshipsScan,
    Scanner,
    SharedStringsScan,
    WorkbookScan,
    scan,
)
from siaga.imports.xlsx_sheet_scan import SheetScan

# An XLSX whose members would expand beyond this, or any large member compressed more
# than MAX_RATIO times, is refused before a byte of it is inflated: a zip bomb.
MAX_XLSX_UNCOMPRESSED = 256 * 1024 * 1024
MAX_RATIO = 200
_RATIO_FLOOR = 1024 * 1024  # small members (styles, themes) may compress very well
# Inflated a chunk at a time: at most the token limit, so two `<` in one chunk are never
# further apart than the limit (see xlsx_scan.Scanner.feed).
CHUNK = limits.XLSX_TOKEN_BYTES.maximum
_LOCAL_HEADER = struct.Struct("<4s22xHH")
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_CONTENT_TYPES = (
    _HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/'
    'vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/></Types>'
)
_PACKAGE_RELS = (
    f'{_HEAD}<Relationships xmlns="{_RELS}"><Relationship Id="rId1" '
    f'Type="{_DOC_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK_RELS = (
    f'{_HEAD}<Relationships xmlns="{_RELS}"><Relationship Id="rId1" '
    f'Type="{_DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)


def _unreadable(reason: str) -> ImportFileInvalid:
    return file_invalid(
        "Berkas XLSX tidak dapat dibaca", f"the XLSX cannot be read: {reason}", reason=reason
    )


def _zip_bomb(total: int) -> ImportFileInvalid:
    limit_mb = MAX_XLSX_UNCOMPRESSED // (1024 * 1024)
    return ImportFileInvalid(
        f"Isi XLSX terlalu besar setelah diekstrak (batas {limit_mb} MB) "
        f"(the XLSX would expand beyond the {limit_mb} MB limit or is compressed "
        "suspiciously well: refused as a possible zip bomb)",
        code="import_file_too_expanded",
        details=[{"uncompressed_bytes_seen": total, "limit_bytes": MAX_XLSX_UNCOMPRESSED}],
    )


def check_zip(path: Path) -> list[zipfile.ZipInfo]:
    """The members of an XLSX that is a real zip and would not inflate beyond our bounds."""
    try:
        directory = zip_directory(path)
        if directory is None:
            raise UnsupportedImportFile()
        # ZipFile reads the whole central directory into objects ten times its size.
        limits.XLSX_MEMBERS.check(directory[0])
        limits.XLSX_DIRECTORY_BYTES.check(directory[1])
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, struct.error):
        raise UnsupportedImportFile() from None
    limits.XLSX_MEMBERS.check(len(infos))
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
    return infos


def _key(name: str) -> str:
    return name.replace("\\", "/").translate(_ASCII_LOWER)


class _Members:
    """The upload's members by name as calamine looks them up, inflated with a cap."""

    def __init__(self, path: Path, infos: list[zipfile.ZipInfo]) -> None:
        self.path = path
        self.by_key = {_key(info.filename): info for info in infos}

    def find(self, name: str) -> zipfile.ZipInfo | None:
        return self.by_key.get(_key(name))

    def inflate(self, info: zipfile.ZipInfo, limit: Limit) -> Iterator[bytes]:
        """The member's bytes as its own deflate stream gives them, whatever its headers
        claim: at most its declared size, which is within `limit`."""
        limit.check(info.file_size)
        if info.flag_bits & 0x1:
            raise _unreadable(f"{info.filename} is encrypted")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _unreadable(f"{info.filename} uses an unsupported compression method")
        inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
        produced, crc = 0, 0
        with self.path.open("rb") as handle:
            handle.seek(info.header_offset)
            header = handle.read(_LOCAL_HEADER.size)
            if len(header) != _LOCAL_HEADER.size or header[:4] != b"PK\x03\x04":
                raise _unreadable(f"{info.filename} has no local header")
            _, name_length, extra_length = _LOCAL_HEADER.unpack(header)
            handle.seek(name_length + extra_length, os.SEEK_CUR)
            remaining = info.compress_size
            while remaining and not (inflater and inflater.eof):
                data = handle.read(min(CHUNK, remaining))
                if not data:
                    raise _unreadable(f"{info.filename} is truncated")
                remaining -= len(data)
                while data or inflater:
                    out = inflater.decompress(data, CHUNK) if inflater else data
                    data = inflater.unconsumed_tail if inflater else b""
                    if out:
                        produced += len(out)
                        if produced > info.file_size:
                            raise _unreadable(
                                f"{info.filename} inflates to more than its header declares"
                            )
                        crc = zlib.crc32(out, crc)
                        yield out
                    if not (data or out) or (inflater and inflater.eof):
                        break
        if (inflater and not inflater.eof) or produced != info.file_size or crc != info.CRC:
            raise _unreadable(f"{info.filename} does not match its header (size or CRC)")


@dataclass
class _Plan:
    """The parts calamine would read, as members of the upload."""

    sheet: zipfile.ZipInfo
    shared_strings: zipfile.ZipInfo | None
    styles: zipfile.ZipInfo | None
    date1904: bool


def _scanned(members: _Members, info: zipfile.ZipInfo, scanner: Scanner) -> None:
    scan(scanner, members.inflate(info, limits.XLSX_PART_BYTES))


def _plan(members: _Members) -> _Plan | None:
    package = members.find("_rels/.rels")
    if package is None:
        raise _unreadable("_rels/.rels is missing")
    package_rels = RelationshipsScan(package.filename, wait_for_root=True)
    _scanned(members, package, package_rels)
    target = package_rels.office_document
    if target is None:
        raise _unreadable("the package names no workbook")
    folder = target[: target.rfind("/") + 1].removeprefix("/")
    rels = members.find(f"{folder}_rels/workbook.xml.rels")
    if rels is None:
        raise _unreadable(f"{folder}_rels/workbook.xml.rels is missing")
    workbook_rels = RelationshipsScan(rels.filename, wait_for_root=False)
    _scanned(members, rels, workbook_rels)
    workbook = members.find(f"{folder}workbook.xml")
    if workbook is None:
        return None  # calamine reads no sheet then: the file is empty
    sheets = WorkbookScan(workbook.filename)
    _scanned(members, workbook, sheets)
    if not sheets.has_sheet:
        return None
    relationship = workbook_rels.by_id.get(sheets.first_sheet or "")
    if relationship is None:
        raise _unreadable("the first sheet has no relationship")
    path = relationship.target
    sheet = members.find(path[1:] if path.startswith("/") else folder + path)
    if sheet is None:
        raise _unreadable(f"the first sheet's part {path[:100]!r} is missing")
    return _Plan(
        sheet=sheet,
        shared_strings=members.find(f"{folder}sharedStrings.xml"),
        styles=members.find(f"{folder}styles.xml"),
        date1904=sheets.date1904,
    )


def _copy(
    members: _Members,
    out: zipfile.ZipFile,
    name: str,
    info: zipfile.ZipInfo,
    limit: Limit,
    scanner: Scanner,
) -> None:
    with out.open(name, "w") as target:
        for chunk in members.inflate(info, limit):
            scanner.feed(chunk)
            target.write(chunk)
    scanner.close()


def _write(members: _Members, plan: _Plan, copy: Path) -> None:
    workbook_pr = '<workbookPr date1904="1"/>' if plan.date1904 else ""
    workbook = (
        f'{_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_DOC_RELS}">{workbook_pr}<sheets>'
        '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    with zipfile.ZipFile(copy, "w", zipfile.ZIP_STORED) as out:
        out.writestr("[Content_Types].xml", _CONTENT_TYPES)
        out.writestr("_rels/.rels", _PACKAGE_RELS)
        out.writestr("xl/workbook.xml", workbook)
        out.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        lengths: array[int] = array("L")
        if plan.shared_strings is not None:
            strings = SharedStringsScan(plan.shared_strings.filename)
            _copy(
                members,
                out,
                "xl/sharedStrings.xml",
                plan.shared_strings,
                limits.XLSX_SHARED_STRINGS_BYTES,
                strings,
            )
            lengths = strings.lengths
        if plan.styles is not None:
            styles = Scanner(plan.styles.filename)
            _copy(members, out, "xl/styles.xml", plan.styles, limits.XLSX_PART_BYTES, styles)
        sheet = SheetScan(plan.sheet.filename, lengths)
        _copy(
            members,
            out,
            "xl/worksheets/sheet1.xml",
            plan.sheet,
            limits.XLSX_SHEET_BYTES,
            sheet,
        )


def _work_dir(path: Path) -> str:
    # Beside the upload (its staging folder, cleaned of leftovers), else the temp folder.
    return str(path.parent) if os.access(path.parent, os.W_OK) else tempfile.gettempdir()


@contextmanager
def bounded_copy(path: Path) -> Iterator[Path | None]:
    """The checked copy of the XLSX at `path` for calamine (None: it has no sheet),
    removed on exit; raises ImportTooLarge, ImportFileInvalid or UnsupportedImportFile."""
    members = _Members(path, check_zip(path))
    plan = _plan(members)
    if plan is None:
        yield None
        return
    try:
        # The suffix makes calamine read it as XLSX: a name without one makes it try
        # every format in turn, ODS last.
        handle, name = tempfile.mkstemp(prefix=".import-", suffix=".xlsx", dir=_work_dir(path))
        os.close(handle)
    except OSError as exc:
        if exc.errno in DISK_FULL_ERRNOS:
            raise StorageFull() from exc
        raise
    copy = Path(name)
    try:
        try:
            _write(members, plan, copy)
        except OSError as exc:
            if exc.errno in DISK_FULL_ERRNOS:
                raise StorageFull() from exc
            raise
        yield copy
    finally:
        copy.unlink(missing_ok=True)
