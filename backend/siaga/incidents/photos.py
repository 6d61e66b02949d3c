"""Where a photo was taken stays with the reporter unless they keep it: before a JPEG or
PNG is stored, its metadata goes (EXIF with its GPS block, XMP, IPTC, comments, text
chunks), without re-encoding the picture.

- JPEG: the marker segments before the scan are copied except APP1 (EXIF and XMP),
  APP13 (IPTC), the APP2 multi-picture index and comments; anything after the end of
  the picture (phones append a second, EXIF-carrying image there) is dropped. An EXIF
  orientation other than upright is put back alone (a minimal EXIF block written by
  Pillow), so the photo is not shown on its side.
- PNG: the chunks are copied except eXIf, tEXt, zTXt, iTXt and tIME; nothing after IEND.

Pillow opens the file first (it reads only the header), so something that merely starts
like an image is refused rather than stored half-cleaned.
"""

from __future__ import annotations

import struct
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from siaga.core.filetypes import JPEG, PNG, FileType

ORIENTATION_TAG = 0x0112
# Pillow refuses larger images as decompression bombs; so do we, before any work.
MAX_PIXELS = 80_000_000

_SOI = b"\xff\xd8"
_EOI = 0xD9
_SOS = 0xDA
_APP1, _APP2, _APP13, _COM = 0xE1, 0xE2, 0xED, 0xFE
# Markers that stand alone, without a length: TEM and the restart markers.
_STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_DROPPED = frozenset({b"eXIf", b"tEXt", b"zTXt", b"iTXt", b"tIME"})


class Unreadable(ValueError):
    """The file has an image's signature but not an image's structure."""


def strips(file_type: FileType) -> bool:
    return file_type in (JPEG, PNG)


def _orientation(path: Path) -> int:
    try:
        with Image.open(path) as image:
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise Unreadable("too many pixels")
            value = image.getexif().get(ORIENTATION_TAG, 1)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        if isinstance(exc, Unreadable):
            raise
        raise Unreadable(str(exc)) from exc
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _orientation_segment(orientation: int) -> bytes:
    exif = Image.Exif()
    exif[ORIENTATION_TAG] = orientation
    payload = b"Exif\x00\x00" + exif.tobytes()
    return b"\xff" + bytes([_APP1]) + struct.pack(">H", len(payload) + 2) + payload


def _drop_jpeg_segment(marker: int, payload: bytes) -> bool:
    if marker in (_APP1, _APP13, _COM):
        return True
    # The multi-picture index points at the images after the end, which go too.
    return marker == _APP2 and payload.startswith(b"MPF\x00")


def strip_jpeg(data: bytes, orientation: int = 1) -> bytes:
    if not data.startswith(_SOI):
        raise Unreadable("no start of image")
    out = [_SOI]
    if orientation != 1:
        out.append(_orientation_segment(orientation))
    pos = 2
    while True:
        if pos + 4 > len(data) or data[pos] != 0xFF:
            raise Unreadable(f"no marker at byte {pos}")
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte before a marker
            pos += 1
            continue
        if marker in _STANDALONE:
            out.append(data[pos : pos + 2])
            pos += 2
            continue
        if marker == _EOI:
            out.append(data[pos : pos + 2])
            return b"".join(out)
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        end = pos + 2 + length
        if length < 2 or end > len(data):
            raise Unreadable(f"segment {marker:#x} runs past the end")
        if marker == _SOS:
            return b"".join(out) + _through_end_of_image(data, pos)
        if not _drop_jpeg_segment(marker, data[pos + 4 : end]):
            out.append(data[pos:end])
        pos = end


def _through_end_of_image(data: bytes, start: int) -> bytes:
    """From the first scan to the end-of-image marker. Inside entropy-coded data 0xFF is
    followed by 0x00 (stuffing) or a restart marker, so the first FF D9 is the end; the
    tables and scans of a progressive JPEG in between are kept as they are."""
    end = data.find(b"\xff\xd9", start)
    if end < 0:
        raise Unreadable("no end of image")
    return data[start : end + 2]


def strip_png(data: bytes) -> bytes:
    if not data.startswith(_PNG_SIGNATURE):
        raise Unreadable("no PNG signature")
    out = [_PNG_SIGNATURE]
    pos = len(_PNG_SIGNATURE)
    while pos + 12 <= len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        end = pos + 12 + length
        if end > len(data):
            raise Unreadable(f"chunk {kind!r} runs past the end")
        if kind not in _PNG_DROPPED:
            out.append(data[pos:end])
        if kind == b"IEND":
            return b"".join(out)
        pos = end
    raise Unreadable("no IEND chunk")


def strip_location(source: Path, target: Path, file_type: FileType) -> None:
    """Write `source` without its metadata to `target` (blocking: run it in a thread).
    Raises Unreadable for a file that is not the image its signature claims."""
    orientation = _orientation(source)
    data = source.read_bytes()
    cleaned = strip_jpeg(data, orientation) if file_type == JPEG else strip_png(data)
    target.write_bytes(cleaned)
