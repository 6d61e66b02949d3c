"""What an uploaded file is (by its content, never its name or declared type) and what it
may be called when stored, listed and downloaded."""

from __future__ import annotations

import struct
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from siaga.core.errors import AppError

MAX_NAME_LENGTH = 200
FALLBACK_STEM = "bukti"


class UnsupportedFileType(AppError):
    status_code = 415
    code = "unsupported_media_type"
    message = (
        "Jenis berkas tidak didukung; unggah PDF, JPEG, PNG, XLSX, DOCX atau ODT "
        "(unsupported file type: PDF, JPEG, PNG, XLSX, DOCX or ODT only)"
    )


@dataclass(frozen=True)
class FileType:
    name: str
    content_type: str
    extension: str
    # Other extensions people use for the same type; kept rather than replaced.
    aliases: tuple[str, ...] = ()
    # Browsers render these themselves without running anything of the file's own.
    previewable: bool = False

    @property
    def extensions(self) -> tuple[str, ...]:
        return (self.extension, *self.aliases)


PDF = FileType("pdf", "application/pdf", ".pdf", previewable=True)
JPEG = FileType("jpeg", "image/jpeg", ".jpg", (".jpeg", ".jpe"), previewable=True)
PNG = FileType("png", "image/png", ".png", previewable=True)
XLSX = FileType(
    "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"
)
DOCX = FileType(
    "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"
)
ODT = FileType("odt", "application/vnd.oasis.opendocument.text", ".odt")
FILE_TYPES = (PDF, JPEG, PNG, XLSX, DOCX, ODT)
TYPE_BY_CONTENT_TYPE = {t.content_type: t for t in FILE_TYPES}

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_ZIP_SIGNATURE = b"PK\x03\x04"
_ODT_MIMETYPE = ODT.content_type.encode()


# The end-of-central-directory record as ZipFile itself reads it (the same bytes, the same
# answer, zip64 included), so the directory's size is known before ZipFile reads it whole
# into objects about ten times its size: a 20 MB upload of a million empty entries would
# otherwise cost some 300 MiB and seconds just to be identified.
_end_record = getattr(zipfile, "_EndRecData")  # noqa: B009 - private, and that is the point
_ECD_ENTRIES, _ECD_SIZE = 4, 5
# Far beyond any document: a DOCX or XLSX has tens of members.
MAX_ZIP_MEMBERS = 10_000
MAX_ZIP_DIRECTORY_BYTES = 1024 * 1024


def zip_directory(path: Path) -> tuple[int, int] | None:
    """(entries, bytes) of a zip's central directory as recorded at its end; None if the
    file has no end record (not a zip)."""
    with path.open("rb") as handle:
        end = _end_record(handle)
    return None if end is None else (int(end[_ECD_ENTRIES]), int(end[_ECD_SIZE]))


def _detect_zip(path: Path) -> FileType | None:
    # Only the central directory and the tiny `mimetype` entry are read; nothing is
    # extracted, so a zip bomb costs nothing here.
    try:
        directory = zip_directory(path)
        if (
            directory is None
            or directory[0] > MAX_ZIP_MEMBERS
            or directory[1] > MAX_ZIP_DIRECTORY_BYTES
        ):
            return None
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                info = archive.getinfo("mimetype")
                if info.file_size <= 100:
                    with archive.open(info) as entry:
                        if entry.read(100).strip() == _ODT_MIMETYPE:
                            return ODT
            if "[Content_Types].xml" in names:
                if "word/document.xml" in names:
                    return DOCX
                if "xl/workbook.xml" in names:
                    return XLSX
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        OSError,
        EOFError,
        RuntimeError,
        struct.error,
    ):
        # RuntimeError: an encrypted entry; none of the accepted formats has one.
        return None
    return None


def detect_type(path: Path) -> FileType | None:
    """The accepted type of the file's content, whatever its name or declared type."""
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head == _PNG_SIGNATURE:
        return PNG
    if head.startswith(_ZIP_SIGNATURE):
        return _detect_zip(path)
    return None


# Bidirectional overrides and isolates can make `gpj.exe` display as `exe.jpg`.
_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
# Invisible format characters are dropped too, except the joiners some scripts need.
_KEPT_FORMAT = frozenset("\u200c\u200d")
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})
# Refused in file names on Windows; a user downloading there would get a mangled name.
_WINDOWS_RESERVED = frozenset('<>:"|?*')


def _split_extension(name: str) -> tuple[str, str]:
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem:
        return name, ""
    return stem, "." + ext


def sanitize_filename(raw: str, file_type: FileType) -> str:
    """A display name safe to store and offer for download, ending in the type's extension."""
    name = display_name(raw)
    stem, ext = _split_extension(name)
    if ext.lower() not in file_type.extensions:
        stem, ext = name, file_type.extension
    else:
        ext = ext.lower()
    stem = stem[: MAX_NAME_LENGTH - len(ext)].rstrip(". ")
    return (stem or FALLBACK_STEM) + ext


def display_name(raw: str) -> str:
    """A file name as sent, made safe to store and show: no path, no control, direction
    or invisible characters, NFC; may be empty (the caller chooses a fallback)."""
    name = unicodedata.normalize("NFC", raw)
    # Browsers send a bare name, but old ones sent the whole path, either way round.
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    # Tabs and newlines become spaces before other control characters are dropped.
    name = " ".join(name.split())
    name = "".join(
        "_" if ch in _WINDOWS_RESERVED else ch
        for ch in name
        if ch not in _BIDI_CONTROLS
        and (ch in _KEPT_FORMAT or unicodedata.category(ch) not in _DROPPED_CATEGORIES)
    )
    name = " ".join(name.split())
    # Leading dots hide a file on Unix; trailing dots and spaces vanish on Windows.
    return name.lstrip(". ").rstrip(". ")


def _ascii_fallback(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    safe = "".join(ch if ch.isalnum() or ch in " ._-()" else "_" for ch in decomposed)
    return " ".join(safe.split()) or FALLBACK_STEM


def content_disposition(name: str, file_type: FileType, *, inline: bool = False) -> str:
    """`attachment` (or `inline` for previewable types) naming the file both for old
    clients (plain ASCII) and new ones (RFC 6266 `filename*`, UTF-8)."""
    kind = "inline" if inline and file_type.previewable else "attachment"
    stem, ext = _split_extension(name)
    if not (ext.isascii() and ext[1:].isalnum()):
        stem, ext = name, ""
    fallback = _ascii_fallback(stem) + ext
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
