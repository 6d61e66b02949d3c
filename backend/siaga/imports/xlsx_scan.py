"""Streaming checks of the XML parts of an XLSX, before python-calamine reads them.

Each part is fed to expat in chunks as it inflates, so a scan holds one chunk and one tag
at a time whatever the part's size. The scanners read what calamine will do with the part
(the same element names, attributes and counting rules as its xlsx reader) and stop at the
first bound exceeded: the sheet's cell positions, counted as calamine places them; the
shared strings' count and lengths, so that a cell naming a string is charged the string's
length, as calamine copies it into the cell.

XLSX parts never hold a DOCTYPE, a comment, CDATA or processing instructions other than
the XML declaration; these are what an XML reader expands (entities) or reads whole
however long. All are refused on the raw bytes before expat sees them, and so are more
than a megabyte between two `<` (one tag or one text, which a reader also holds whole) and
elements nested deeper than any real part (expat keeps every open element).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NoReturn
from xml.parsers import expat

from siaga.imports import limits
from siaga.imports.exceptions import ImportFileInvalid, file_invalid

_UTF8_BOM = b"\xef\xbb\xbf"
# Real parts nest about ten deep (extension lists the deepest).
MAX_NESTING = 64
_DIGITS = "0123456789"


def local_name(name: str) -> str:
    return name.rpartition(":")[2]


def malformed(part: str, reason: str) -> ImportFileInvalid:
    return file_invalid(
        f"XML di dalam XLSX rusak ({part})",
        f"the XLSX holds malformed XML in {part}: {reason}",
        part=part,
        reason=reason,
    )


def position(part: str, ref: str, *, column: bool = True) -> tuple[int, int]:
    """Zero-based (row, column) of a reference such as `B7`, read as calamine reads it:
    letters of either case, then digits; -1 for a column that is absent and not needed."""
    letters = ref.rstrip(_DIGITS)
    digits = ref[len(letters) :]
    if not digits or not (letters.isascii() and (letters.isalpha() or not letters)):
        raise malformed(part, f"invalid cell reference {ref[:20]!r}")
    if column and not letters:
        raise malformed(part, f"cell reference without a column {ref[:20]!r}")
    col = 0
    for ch in letters.upper()[:12]:  # twelve letters are far past any limit already
        col = col * 26 + ord(ch) - 64
    row = int(digits) if len(digits) <= 12 else 10**12
    if row == 0:
        raise malformed(part, f"cell reference without a row {ref[:20]!r}")
    return row - 1, col - 1


class Scanner:
    """expat over one part, behind the raw-byte checks; subclasses set the handlers."""

    def __init__(self, part: str) -> None:
        self.part = part
        self.parser = expat.ParserCreate("UTF-8")  # whatever the declaration says
        self.parser.buffer_text = True
        self.parser.StartDoctypeDeclHandler = self._doctype
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.nesting = 0
        self._seen = 0
        self._since_tag = 0  # bytes since the last `<`
        self._last = b""
        self._declaration_at = 0

    def _doctype(self, *_: Any) -> None:  # the raw check refuses it first; kept as a backstop
        raise malformed(self.part, "DOCTYPE is not allowed")

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        self._enter()

    def _end(self, name: str) -> None:
        self.nesting -= 1

    def _enter(self) -> None:
        self.nesting += 1
        if self.nesting > MAX_NESTING:
            self.too_deep()

    def too_deep(self) -> NoReturn:
        # expat keeps every open element: ten million nested tags (30 MB) cost 1.3 GB.
        raise malformed(self.part, f"elements nested more than {MAX_NESTING} deep")

    def feed(self, chunk: bytes) -> None:
        if self._seen == 0:
            self._check_encoding(chunk)
        joined = self._last + chunk
        if b"<!" in joined:
            raise malformed(self.part, "DOCTYPE, comments and CDATA are not allowed")
        at = joined.find(b"<?")
        while at >= 0:
            if self._seen - len(self._last) + at != self._declaration_at:
                raise malformed(self.part, "processing instructions are not allowed")
            at = joined.find(b"<?", at + 1)
        first, last = chunk.find(b"<"), chunk.rfind(b"<")
        if first < 0:
            self._since_tag += len(chunk)
        else:
            limits.XLSX_TOKEN_BYTES.check(self._since_tag + first)
            self._since_tag = len(chunk) - last - 1
        # Within a chunk two `<` are never further apart than the chunk (at most the limit).
        limits.XLSX_TOKEN_BYTES.check(self._since_tag)
        self._seen += len(chunk)
        self._last = chunk[-1:]
        self._parse(chunk, final=False)

    def close(self) -> None:
        self._parse(b"", final=True)

    def _check_encoding(self, head: bytes) -> None:
        if head.startswith(_UTF8_BOM):
            self._declaration_at = len(_UTF8_BOM)
        elif head[:1] in (b"\xff", b"\xfe", b"\x00") or head[1:2] == b"\x00":
            raise malformed(self.part, "only UTF-8 is accepted")

    def _parse(self, data: bytes, *, final: bool) -> None:
        try:
            self.parser.Parse(data, final)
        except expat.ExpatError as exc:
            raise malformed(self.part, str(exc)) from None


@dataclass
class Relationship:
    target: str
    type: str


class RelationshipsScan(Scanner):
    """`Relationship` elements: Id -> target and type (the last of an Id wins).

    `wait_for_root`: the package's `_rels/.rels` is read by calamine only after its
    `Relationships` element starts; the workbook's relationships from the first element.
    """

    def __init__(self, part: str, *, wait_for_root: bool) -> None:
        super().__init__(part)
        self.by_id: dict[str, Relationship] = {}
        self.office_document: str | None = None
        self._reading = not wait_for_root
        self._done = False

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        self._enter()
        local = local_name(name)
        if self._done:
            return
        if not self._reading:
            self._reading = local == "Relationships"
            return
        if local != "Relationship":
            return
        target, kind = attrs.get("Target"), attrs.get("Type", "")
        if kind.endswith("/relationships/officeDocument") and target is not None:
            self.office_document = target
        rel_id = attrs.get("Id")
        if rel_id is not None:
            self.by_id[rel_id] = Relationship(target or "", kind)

    def _end(self, name: str) -> None:
        self.nesting -= 1
        if self._reading and local_name(name) == "Relationships":
            self._done = True


class WorkbookScan(Scanner):
    """The first sheet's relationship id and the 1904 date system flag."""

    def __init__(self, part: str) -> None:
        super().__init__(part)
        self.first_sheet: str | None = None
        self.has_sheet = False
        self.date1904 = False
        self._done = False

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        self._enter()
        local = local_name(name)
        if self._done:
            return
        if local == "sheet" and not self.has_sheet:
            self.has_sheet = True
            # calamine takes the last attribute named `id` in any namespace (`r:id`).
            for key, value in attrs.items():
                if local_name(key) == "id":
                    self.first_sheet = value
        elif local == "workbookPr":
            self.date1904 = attrs.get("date1904") in ("1", "true")

    def _end(self, name: str) -> None:
        self.nesting -= 1
        if local_name(name) == "workbook":
            self._done = True


class SharedStringsScan(Scanner):
    """The length of each shared string, in calamine's order (every `si` is one string)."""

    def __init__(self, part: str) -> None:
        super().__init__(part)
        self.lengths = array("L")
        self._state = 0  # 0 before <sst>, 1 inside, 2 after
        self._open: str | None = None  # the name of the open `si`: its first end closes it
        self._length = 0

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        self._enter()
        if self._state == 2 or self._open is not None:
            return
        local = local_name(name)
        if self._state == 0:
            if local == "sst":
                self._state = 1
                # calamine reserves room for `uniqueCount` strings before reading one.
                for key in ("uniqueCount", "count"):
                    declared = attrs.get(key, "")
                    if declared.isascii() and declared.isdigit():
                        limits.XLSX_SHARED_STRINGS.check(int(declared[:12]))
            return
        if local == "si":
            limits.XLSX_SHARED_STRINGS.check(len(self.lengths) + 1)
            self._open, self._length = name, 0
            self.parser.CharacterDataHandler = self._text

    def _text(self, data: str) -> None:
        self._length += len(data)

    def _end(self, name: str) -> None:
        self.nesting -= 1
        if self._open is not None:
            if name == self._open:
                self.lengths.append(self._length)
                self._open = None
                self.parser.CharacterDataHandler = None
        elif self._state == 1 and local_name(name) == "sst":
            self._state = 2


def scan(scanner: Scanner, chunks: Iterable[bytes]) -> None:
    """Feed every chunk of a part to the scanner, then finish it."""
    for chunk in chunks:
        scanner.feed(chunk)
    scanner.close()
