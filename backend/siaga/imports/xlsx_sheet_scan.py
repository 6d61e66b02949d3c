"""The sheet's part scanned cell by cell, as calamine places its cells (see xlsx_scan).

The hot scanner: a sheet may hold a million cells, so its handlers are kept lean.
"""

from __future__ import annotations

import string
from array import array

from siaga.imports import limits
from siaga.imports.xlsx_scan import MAX_NESTING, Scanner, local_name, malformed, position

_DIGITS = "0123456789"
_MAX_INDEX_CHARS = 32
# Element names are few in a real part; a hostile one may use millions of distinct ones.
_MAX_CACHED_NAMES = 256
_MAX_CELL_ELEMENTS = limits.XLSX_CELL_ELEMENTS.maximum
_MAX_CELL_TEXT = limits.XLSX_CELL_TEXT.maximum

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
            kind = _SHEET_KINDS.get(local_name(name), 0)
            if len(self._kinds) < _MAX_CACHED_NAMES:
                self._kinds[name] = kind
        return kind

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        # Called for every element of what may be a million-cell sheet: kept lean.
        self.nesting += 1
        if self.nesting > MAX_NESTING:
            self.too_deep()
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
            raise malformed(self.part, f"invalid dimension {ref[:40]!r}")
        last_row, last_column = position(self.part, parts[-1])
        limits.XLSX_DECLARED_CELLS.check((last_row + 1) * (last_column + 1))

    def _end(self, name: str) -> None:
        self.nesting -= 1
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
            raise malformed(self.part, "a shared string index is too long")
        at = int(text)
        if at < len(self.shared_lengths):
            self.shared_text += self.shared_lengths[at]
            if self.shared_text > _MAX_CELL_TEXT:
                limits.XLSX_CELL_TEXT.check(self.shared_text)
