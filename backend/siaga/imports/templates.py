"""Blank XLSX templates for each import kind (`GET /imports/templates/{kind}.xlsx`).

Sheet "Data" has the header row the parser expects; "Petunjuk" explains every column in
Bahasa Indonesia and English; a hidden sheet "Kode" holds the code lists that the coded
columns' drop-downs point at. Everything the templates say comes from `columns.COLUMNS`,
so a template cannot drift from what the importer accepts.

Call `await template_for(session, kind, scope=principal.region_code)` from the router; it
reads the code lists in the caller's scope and builds the workbook off the event loop.
`build_template(kind, codes=...)` is the pure builder (no database), for tests and tools.
"""

from __future__ import annotations

import io

import xlsxwriter
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.concurrency import run_in_threadpool
from xlsxwriter.utility import xl_col_to_name

from siaga.imports.codes import TemplateCodes, fixed_codes, load_codes
from siaga.imports.column_types import FIXED_CODES, Column
from siaga.imports.columns import COLUMNS, USERS_NOTE_EN, USERS_NOTE_ID
from siaga.models import ImportKind

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATA_SHEET = "Data"
HELP_SHEET = "Petunjuk"
CODES_SHEET = "Kode"
# Drop-downs and text formatting cover rows 2..10001: a quarter's answers for a province
# fit many times over, and larger files come from systems, not from hand entry.
DATA_ROWS = 10_000

KIND_LABELS: dict[ImportKind, tuple[str, str]] = {
    ImportKind.SUBMISSIONS: ("Jawaban indikator", "Answers"),
    ImportKind.REGIONS: ("Wilayah", "Regions"),
    ImportKind.AGENCIES: ("Perangkat daerah", "Agencies"),
    ImportKind.INDICATORS: ("Indikator", "Indicators"),
    ImportKind.USERS: ("Pengguna", "Users"),
}

_GENERAL_NOTES: list[tuple[str, str]] = [
    (
        "Isi data mulai baris 2 pada sheet Data. Baris 1 adalah judul kolom: jangan diubah.",
        "Fill in data from row 2 of the Data sheet. Row 1 is the header: do not change it.",
    ),
    (
        "Simpan sebagai XLSX, atau CSV UTF-8 dengan pemisah koma atau titik koma.",
        "Save as XLSX, or as UTF-8 CSV separated by commas or semicolons.",
    ),
    (
        "Unggah dahulu sebagai uji coba (dry run): tidak ada yang disimpan, dan setiap "
        "kesalahan disebutkan per baris dan kolom. Impor sesungguhnya: semua baris atau "
        "tidak sama sekali.",
        "Upload as a dry run first: nothing is saved, and every error is named by row and "
        "column. A real import saves all rows or none.",
    ),
    (
        "Mengimpor berkas yang sama dua kali tidak mengubah apa pun.",
        "Importing the same file twice changes nothing.",
    ),
]

_KIND_NOTES: dict[ImportKind, list[tuple[str, str]]] = {
    ImportKind.SUBMISSIONS: [
        (
            "Hanya periode yang sedang dibuka yang dapat diisi. Jawaban untuk indikator yang "
            "wajib bukti diimpor sebagai draft; lampirkan bukti, lalu ajukan.",
            "Only open periods can be filled in. Answers to indicators that require evidence "
            "are imported as draft; attach the evidence, then submit.",
        )
    ],
    ImportKind.USERS: [(USERS_NOTE_ID, USERS_NOTE_EN)],
}


def template_filename(kind: ImportKind) -> str:
    return f"siaga-impor-{kind.value}.xlsx"


async def template_for(session: AsyncSession, kind: ImportKind, *, scope: str | None) -> bytes:
    """The template of `kind` with drop-downs of the codes in the subtree `scope`."""
    codes = await load_codes(session, kind, scope=scope)
    # Writing a workbook of a few thousand codes takes tens of milliseconds of CPU.
    return await run_in_threadpool(build_template, kind, codes=codes)


def build_template(kind: ImportKind, *, codes: TemplateCodes | None = None) -> bytes:
    """The XLSX bytes of `kind`'s template; without `codes`, only the fixed lists
    (yes/no, statuses, roles, levels, answer types) get drop-downs."""
    codes = codes if codes is not None else fixed_codes()
    columns = COLUMNS[kind]
    buffer = io.BytesIO()
    # in_memory: no temporary files, which a read-only container may not allow.
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    label_id, label_en = KIND_LABELS[kind]
    workbook.set_properties(
        {
            "title": f"Template impor Siaga: {label_id} ({label_en})",
            "subject": f"import kind {kind.value}",
            "author": "Siaga",
        }
    )
    data = workbook.add_worksheet(DATA_SHEET)
    help_sheet = workbook.add_worksheet(HELP_SHEET)
    code_sheet = workbook.add_worksheet(CODES_SHEET)

    ranges = _write_codes(workbook, code_sheet, columns, codes)
    _write_data_sheet(workbook, data, columns, ranges)
    _write_help_sheet(workbook, help_sheet, kind, columns, codes)
    code_sheet.hide()
    data.activate()
    workbook.close()
    return buffer.getvalue()


def _write_codes(
    workbook: xlsxwriter.Workbook,
    sheet: xlsxwriter.workbook.Worksheet,
    columns: list[Column],
    codes: TemplateCodes,
) -> dict[str, str]:
    """Two columns (code, label) per code list used; returns list name -> absolute range."""
    bold = workbook.add_format({"bold": True})
    text = workbook.add_format({"num_format": "@"})
    ranges: dict[str, str] = {}
    col = 0
    for code_list in dict.fromkeys(c.codes for c in columns if c.codes is not None):
        values = codes.get(code_list)
        sheet.write_string(0, col, code_list.value, bold)
        sheet.write_string(0, col + 1, "nama / label", bold)
        for row, (code, label) in enumerate(values, start=1):
            # Strings always: "64.10" must not become the number 64.1.
            sheet.write_string(row, col, code, text)
            sheet.write_string(row, col + 1, label)
        sheet.set_column(col, col, 18)
        sheet.set_column(col + 1, col + 1, 50)
        if values:
            letter = xl_col_to_name(col)
            ranges[code_list.value] = f"='{CODES_SHEET}'!${letter}$2:${letter}${len(values) + 1}"
        col += 2
    return ranges


def _write_data_sheet(
    workbook: xlsxwriter.Workbook,
    sheet: xlsxwriter.workbook.Worksheet,
    columns: list[Column],
    ranges: dict[str, str],
) -> None:
    required = workbook.add_format(
        {"bold": True, "bg_color": "#1F4E79", "font_color": "#FFFFFF", "border": 1}
    )
    optional = workbook.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1})
    # Text cells: Excel would otherwise turn codes like 64.10 or 2023-10 into numbers or dates.
    text = workbook.add_format({"num_format": "@"})
    for col, column in enumerate(columns):
        sheet.write_string(0, col, column.name, required if column.required else optional)
        width = min(max(len(column.name) + 4, len(column.example) + 2, 14), 60)
        sheet.set_column(col, col, width, text)
        sheet.data_validation(1, col, DATA_ROWS, col, _validation(column, ranges))
    sheet.freeze_panes(1, 0)
    sheet.set_row(0, 20)


def _validation(column: Column, ranges: dict[str, str]) -> dict[str, object]:
    # Excel caps the prompt title at 32 and the message at 255 characters.
    prompt = {
        "input_title": column.name[:32],
        "input_message": column.description_id[:255],
    }
    source = ranges.get(column.codes.value) if column.codes is not None else None
    if source is None:
        return {"validate": "any", **prompt}
    fixed = column.codes in FIXED_CODES
    return {
        "validate": "list",
        "source": source,
        "ignore_blank": True,
        # Fixed lists are complete, so anything else is refused at once. Database lists may
        # lack a code created by another file of the same set-up (a new province, a new
        # agency); the server checks every code anyway, so Excel only warns.
        "error_type": "stop" if fixed else "warning",
        # `levels` takes several values (PRC, "province,regency"): offer the list, refuse
        # nothing.
        "show_error": column.name != "levels",
        "error_title": "Kode tidak dikenal",
        "error_message": (
            f"Pilih {column.name} dari daftar (choose a value from the list; see sheet "
            f"{HELP_SHEET})."
        ),
        **prompt,
    }


def _allowed_values(column: Column, codes: TemplateCodes) -> tuple[str, str]:
    if column.codes is None:
        return "", ""
    values = codes.get(column.codes)
    if column.codes in FIXED_CODES:
        listed = ", ".join(code for code, _ in values)
        return listed, listed
    if not values:
        return (
            "Belum ada kode dalam cakupan Anda",
            "No codes in your scope yet",
        )
    sample = ", ".join(code for code, _ in values[:5]) + (", ..." if len(values) > 5 else "")
    return (
        f"Pilih dari daftar ({len(values)} kode), mis. {sample}",
        f"Choose from the list ({len(values)} codes), e.g. {sample}",
    )


def _write_help_sheet(
    workbook: xlsxwriter.Workbook,
    sheet: xlsxwriter.workbook.Worksheet,
    kind: ImportKind,
    columns: list[Column],
    codes: TemplateCodes,
) -> None:
    title = workbook.add_format({"bold": True, "font_size": 14})
    bold = workbook.add_format(
        {"bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True}
    )
    wrap = workbook.add_format({"text_wrap": True, "valign": "top", "border": 1})
    note = workbook.add_format({"text_wrap": True, "valign": "top"})
    label_id, label_en = KIND_LABELS[kind]
    sheet.write_string(0, 0, f"Petunjuk impor: {label_id}", title)
    sheet.write_string(1, 0, f"Import instructions: {label_en} (kind={kind.value})")

    row = 3
    for text_id, text_en in _GENERAL_NOTES + _KIND_NOTES.get(kind, []):
        sheet.write_string(row, 0, "•")
        sheet.merge_range(row, 1, row, 3, text_id, note)
        sheet.merge_range(row, 4, row, 6, text_en, note)
        sheet.set_row(row, 45)
        row += 1

    row += 1
    headers = (
        "Kolom (column)",
        "Wajib? (required?)",
        "Keterangan",
        "Description",
        "Nilai yang diizinkan",
        "Allowed values",
        "Contoh (example)",
    )
    for col, header in enumerate(headers):
        sheet.write_string(row, col, header, bold)
    for column in columns:
        row += 1
        allowed_id, allowed_en = _allowed_values(column, codes)
        cells = (
            column.name,
            "ya (yes)" if column.required else "tidak (no)",
            column.description_id,
            column.description_en,
            allowed_id,
            allowed_en,
            column.example,
        )
        for col, value in enumerate(cells):
            sheet.write_string(row, col, value, wrap)
    for col, width in enumerate((18, 16, 45, 45, 32, 32, 28)):
        sheet.set_column(col, col, width)
    sheet.write_string(
        row + 2,
        0,
        f"Daftar kode lengkap ada di sheet tersembunyi {CODES_SHEET} "
        f"(the full code lists are on the hidden sheet {CODES_SHEET}).",
    )
