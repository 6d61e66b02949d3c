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

import string
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NoReturn
from xml.parsers import expat

from siaga.imports import limits
from siaga.imports.exceptions import ImportFileInvalid, file_invalid

_UTF8_BOM = b"\xef\xbb\xbf"
_MAX_INDEX_CHARS = 32
# Real parts nest about ten deep (extension lists the deepest).
_MAX_NESTING = 64
# Element names are few in a real part; a hostile one may use millions of distinct ones.
_MAX_CACHED_NAMES = 256
_DIGITS = "0123456789"
_MAX_CELL_ELEMENTS = limits.XLSX_CELL_ELEMENTS.maximum
_MAX_CELL_TEXT = limits.XLSX_CELL_TEXT.maximum


def _local(name: str) -> str:
    return name.rpartition(":")[2]


def _malformed(part: str, reason: str) -> ImportFileInvalid:
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
        raise _malformed(part, f"invalid cell reference {ref[:20]!r}")
    if column and not letters:
        raise _malformed(part, f"cell reference without a column {ref[:20]!r}")
    col = 0
    for ch in letters.upper()[:12]:  # twelve letters are far past any limit already
        col = col * 26 + ord(ch) - 64
    row = int(digits) if len(digits) <= 12 else 10**12
    if row == 0:
        raise _malformed(part, f"cell reference without a row {ref[:20]!r}")
    return row - 1, col - 1


# Column letters A..ZZ to their zero-based number: the fast path of `SheetScan._cell`.
_COLUMN_NUMBERS = {
    name: number
    for number, name in enumerate(
        [
            *string.ascii_uppercase,
            *(a + b for a in string.ascii_uppercase for b in string.ascii_uppercase),
        ]
    )
}


class Scanner:
    """expat over one part, behind the raw-byte checks; subclasses set the handlers."""

    def __init__(self, part: str) -> None:
        self.part = part
        self.parser = expat.ParserCreate("UTF-8")  # whatever the declaration says
        self.parser.buffer_text = True
        self.parser.StartDoctypeDeclHandler = self._doctype
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self._nesting = 0
        self._seen = 0
        self._since_tag = 0  # bytes since the last `<`
        self._last = b""
        self._declaration_at = 0

    def _doctype(self, *_: Any) -> None:  # the raw check refuses it first; kept as a backstop
        raise _malformed(self.part, "DOCTYPE is not allowed")

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        self._enter()

    def _end(self, name: str) -> None:
        self._nesting -= 1

    def _enter(self) -> None:
        self._nesting += 1
        if self._nesting > _MAX_NESTING:
            self._too_deep()

    def _too_deep(self) -> NoReturn:
        # expat keeps every open element: ten million nested tags (30 MB) cost 1.3 GB.
        raise _malformed(self.part, f"elements nested more than {_MAX_NESTING} deep")

    def feed(self, chunk: bytes) -> None:
        if self._seen == 0:
            self._check_encoding(chunk)
        joined = self._last + chunk
        if b"<!" in joined:
            raise _malformed(self.part, "DOCTYPE, comments and CDATA are not allowed")
        at = joined.find(b"<?")
        while at >= 0:
            if self._seen - len(self._last) + at != self._declaration_at:
                raise _malformed(self.part, "processing instructions are not allowed")
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
            raise _malformed(self.part, "only UTF-8 is accepted")

    def _parse(self, data: bytes, *, final: bool) -> None:
        try:
            self.parser.Parse(data, final)
        except expat.ExpatError as exc:
            raise _malformed(self.part, str(exc)) from None


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
        local = _local(name)
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
        self._nesting -= 1
        if self._reading and _local(name) == "Relationships":
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
        local = _local(name)
        if self._done:
            return
        if local == "sheet" and not self.has_sheet:
            self.has_sheet = True
            # calamine takes the last attribute named `id` in any namespace (`r:id`).
            for key, value in attrs.items():
                if _local(key) == "id":
                    self.first_sheet = value
        elif local == "workbookPr":
            self.date1904 = attrs.get("date1904") in ("1", "true")

    def _end(self, name: str) -> None:
        self._nesting -= 1
        if _local(name) == "workbook":
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
        local = _local(name)
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
        self._nesting -= 1
        if self._open is not None:
            if name == self._open:
                self.lengths.append(self._length)
                self._open = None
                self.parser.CharacterDataHandler = None
        elif self._state == 1 and _local(name) == "sst":
            self._state = 2


_CELL, _ROW, _VALUE, _SHEET_DATA, _DIMENSION, _MERGED = range(1, 7)
_SHEET_KINDS = {
    "c": _CELL,
    "row": _ROW,
    "v": _VALUE,
    "sheetData": _SHEET_DATA,
    "dimension": _DIMENSION,
    "mergeCell": _MERGED,
}


class SheetScan(Scanner):
    """The sheet's extent as calamine builds it, counted cell by cell.

    calamine keeps a running (row, column): a `row` with `r` sets the row, the end of a
    `row` moves to the next row's first column, a cell with `r` sets its own position and
    one without takes the running one; each cell moves one column on. Everything inside a
    cell belongs to it, and only cells inside the first `sheetData` count. The grid it
    allocates reaches from A1 (rows are iterated from the first) to the last cell.
    """

    def __init__(self, part: str, shared_lengths: array[int]) -> None:
        super().__init__(part)
        self.shared_lengths = shared_lengths
        self.rows = self.cells = self.merged = self.shared_text = 0
        self.last_row = self.last_column = -1
        self._state = 0  # 0 before <sheetData>, 1 inside, 2 after
        self._row = self._column = 0
        self._in_cell = False
        self._depth = 0  # elements open inside the current cell
        self._shared = False
        # The raw text of a shared-string cell's <v>, while it is read.
        self._index: list[str] | None = None
        self._kinds: dict[str, int] = {}

    def _kind(self, name: str) -> int:
        kind = self._kinds.get(name)
        if kind is None:
            kind = _SHEET_KINDS.get(_local(name), 0)
            if len(self._kinds) < _MAX_CACHED_NAMES:
                self._kinds[name] = kind
        return kind

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        # Called for every element of what may be a million-cell sheet: kept lean.
        self._nesting += 1
        if self._nesting > _MAX_NESTING:
            self._too_deep()
        if self._in_cell:
            self._depth += 1
            if self._index is not None:
                # calamine reads an index only up to the first child of <v>.
                self.parser.DefaultHandler = None
            elif self._shared and self._depth == 1 and self._kind(name) == _VALUE:
                self._index = []
                # The default handler gets the text raw: calamine's index ends at the
                # first entity reference (`1&#50;` is 1), which expat would expand.
                self.parser.DefaultHandler = self._index.append
            return
        kind = self._kind(name)
        if kind == _CELL:
            if self._state == 1:
                self._cell(attrs)
        elif kind == _ROW:
            if self._state == 1:
                self.rows += 1
                limits.ROWS.check(self.rows)
                ref = attrs.get("r")
                if ref is not None:
                    row = int(ref) - 1 if ref.isdigit() and ref.isascii() and len(ref) < 10 else -1
                    self._row = row if row >= 0 else position(self.part, ref, column=False)[0]
        elif kind == _SHEET_DATA:
            self._state = self._state or 1
        elif kind == _DIMENSION:
            self._dimension(attrs.get("ref", ""))
        elif kind == _MERGED:
            self.merged += 1
            limits.XLSX_MERGED_CELLS.check(self.merged)

    def _cell(self, attrs: dict[str, str]) -> None:
        self.cells += 1
        if self.cells > _MAX_CELL_ELEMENTS:
            limits.XLSX_CELL_ELEMENTS.check(self.cells)
        ref = attrs.get("r")
        if ref is None:
            row = self._row
        else:
            letters = ref.rstrip(_DIGITS)
            digits = len(ref) - len(letters)
            column = _COLUMN_NUMBERS.get(letters, -1)
            row = int(ref[-digits:]) - 1 if column >= 0 and 0 < digits < 10 else -1
            if row < 0:  # lower case, far columns, or no valid row: the careful reading
                row, column = position(self.part, ref)
            self._column = column
        if row > self.last_row or self._column > self.last_column:
            self.last_row = max(row, self.last_row)
            self.last_column = max(self._column, self.last_column)
            limits.ROWS.check(self.last_row + 1)
            limits.COLUMNS.check(self.last_column + 1)
            limits.XLSX_CELLS.check((self.last_row + 1) * (self.last_column + 1))
        self._in_cell, self._depth = True, 0
        self._shared = attrs.get("t") == "s"

    def _dimension(self, ref: str) -> None:
        parts = ref.split(":")
        if len(parts) > 2:
            raise _malformed(self.part, f"invalid dimension {ref[:40]!r}")
        last_row, last_column = position(self.part, parts[-1])
        limits.XLSX_DECLARED_CELLS.check((last_row + 1) * (last_column + 1))

    def _end(self, name: str) -> None:
        self._nesting -= 1
        if self._in_cell:
            if self._depth:
                self._depth -= 1
                if self._depth == 0 and self._index is not None:
                    self._charge(self._index)
                    self._index = None
                    self.parser.DefaultHandler = None
            else:  # the cell's own end
                self._in_cell = False
                self._column += 1
            return
        if self._state != 1:
            return
        kind = self._kind(name)
        if kind == _ROW:
            self._row += 1
            self._column = 0
        elif kind == _SHEET_DATA:
            self._state = 2

    def _charge(self, raw: list[str]) -> None:
        """Charge the cell with the length of the shared string it names."""
        text = raw[0] if len(raw) == 1 else "".join(raw)
        if not (text.isascii() and text.isdigit()):
            text = text.split("&", 1)[0].strip()
            if not (text.isascii() and text.isdigit()):
                return  # calamine reads no index from it: the cell stays empty
        if len(text) > _MAX_INDEX_CHARS:
            raise _malformed(self.part, "a shared string index is too long")
        at = int(text)
        if at < len(self.shared_lengths):
            self.shared_text += self.shared_lengths[at]
            if self.shared_text > _MAX_CELL_TEXT:
                limits.XLSX_CELL_TEXT.check(self.shared_text)


def scan(scanner: Scanner, chunks: Iterable[bytes]) -> None:
    """Feed every chunk of a part to the scanner, then finish it."""
    for chunk in chunks:
        scanner.feed(chunk)
    scanner.close()
