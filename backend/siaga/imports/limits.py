"""What one import file may hold, CSV or XLSX, beyond the upload's byte limit.

The byte limit (SIAGA_IMPORT_MAX_MB) bounds what is sent, not what it costs to read: a
1.7 KB XLSX with one cell at XFD1048576 makes the reader build a grid of 17 billion cells,
and a line of commas becomes millions of fields. These bounds are checked while reading,
before anything that grows with them is built, and a file over one is refused with 413
`import_too_large` naming the bound (nothing is stored).

Sizes follow from the data: the widest import kind has 13 columns and the largest CSV at
the default upload limit has about 690,000 rows, so a million rows of at most 64 columns
holds every real file with room to spare. An XLSX is read whole into memory by
python-calamine, 32 bytes per cell of the rectangle from A1 to the last cell (plus the
text), so its rectangle is bounded to a million cells: about 32 MB.
"""

from __future__ import annotations

from siaga.imports.exceptions import Limit

MIB = 1024 * 1024

# Rows of a file, the header and blank rows included (a row the reader must step over
# costs time even when it is skipped).
ROWS = Limit("rows", 1_000_001, "jumlah baris (termasuk header)", "the number of rows")
COLUMNS = Limit("columns", 64, "jumlah kolom", "the number of columns")

# -- CSV -----------------------------------------------------------------------------------

# Characters of one record (one row, which may span lines inside quotes): bounds the
# memory of the row before it is split, whatever its fields look like.
CSV_RECORD_CHARS = Limit(
    "record_chars", 1_000_000, "panjang satu baris (karakter)", "the length of one row"
)

# -- XLSX ----------------------------------------------------------------------------------

# The rectangle from A1 to the last cell of the sheet, actual and as declared.
XLSX_CELLS = Limit(
    "cells", 1_000_000, "luas lembar kerja (baris x kolom dari A1)", "the sheet's area"
)
XLSX_DECLARED_CELLS = Limit(
    "declared_cells",
    XLSX_CELLS.maximum,
    "luas lembar kerja menurut <dimension>",
    "the sheet's declared dimension",
)
# Cell elements in the sheet, blank or not: a sheet may repeat one cell many times.
XLSX_CELL_ELEMENTS = Limit(
    "cell_elements", 1_000_000, "jumlah sel pada lembar kerja", "the number of cells"
)
XLSX_MERGED_CELLS = Limit(
    "merged_cells", 10_000, "jumlah sel gabungan", "the number of merged cell ranges"
)
XLSX_SHARED_STRINGS = Limit(
    "shared_strings", 1_000_000, "jumlah teks bersama", "the number of shared strings"
)
# Characters the sheet's cells take once each shared string is copied into every cell
# that names it: a short sheet could otherwise name one long string a million times.
XLSX_CELL_TEXT = Limit(
    "cell_text", 50 * MIB, "panjang teks seluruh sel (karakter)", "the text of all cells"
)
# Members of the zip, and the bytes of its central directory (which is read whole).
XLSX_MEMBERS = Limit("members", 1000, "jumlah berkas di dalam XLSX", "the files inside the XLSX")
XLSX_DIRECTORY_BYTES = Limit(
    "directory_bytes", MIB, "ukuran daftar isi XLSX (byte)", "the XLSX's central directory"
)
# Uncompressed bytes of each part the reader reads.
XLSX_SHEET_BYTES = Limit(
    "sheet_bytes", 256 * MIB, "ukuran lembar kerja (byte)", "the size of the sheet"
)
XLSX_SHARED_STRINGS_BYTES = Limit(
    "shared_strings_bytes", 64 * MIB, "ukuran teks bersama (byte)", "the shared strings"
)
XLSX_PART_BYTES = Limit(
    "part_bytes", 16 * MIB, "ukuran bagian XLSX (byte)", "the size of a workbook part"
)
# Bytes between two tags: one tag or one run of text, which an XML reader holds whole.
XLSX_TOKEN_BYTES = Limit(
    "token_bytes", MIB, "panjang satu tag atau teks XML (byte)", "one XML tag or text"
)
